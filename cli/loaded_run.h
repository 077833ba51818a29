// Loading a trace and building its graph: the shared first step of every graph-based command
// (replay, breakdown, and the what-if and report commands after them).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "collector/result.h"
#include "collector/trace.h"
#include "graph/graph.h"

namespace dd::cli {

struct RunOptions {
  std::vector<std::string> traces;
  std::string iteration_marker;  // empty: ProfilerStep#N or NVTX iteration ranges
};

// The trace and its graph; the graph points into the trace, so both live on the heap together.
struct LoadedRun {
  std::unique_ptr<Trace> trace;
  std::unique_ptr<Graph> graph;
};

// Adds the positional trace argument(s) and --iteration-marker to a subcommand.
void add_run_options(CLI::App& command, RunOptions& options);

Result<LoadedRun> load_run(const RunOptions& options);

}  // namespace dd::cli
