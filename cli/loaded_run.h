// Loading a trace and building its graph: the shared first step of every graph-based command
// (replay, breakdown, and the what-if and report commands after them), and the registration
// those commands share.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <functional>
#include <ostream>

#include "cli/commands.h"
#include "collector/trace/result.h"
#include "collector/trace/trace.h"
#include "graph/graph.h"

namespace dd::cli {

struct RunOptions {
  std::vector<std::string> traces;
  std::string iteration_marker;  // empty: ProfilerStep#N or NVTX iteration ranges
  std::string gpu;               // --gpu: names the GPU of a trace that records none
};

// The trace and its graph; the graph points into the trace, so both live on the heap together.
struct LoadedRun {
  std::unique_ptr<Trace> trace;
  std::unique_ptr<Graph> graph;
};

// Adds the positional trace argument(s), --iteration-marker and --gpu to a subcommand.
void add_run_options(CLI::App& command, RunOptions& options);

// Shows a progress bar on stderr while a large trace loads, when stderr is a terminal.
Result<LoadedRun> load_run(const RunOptions& options);

// Prints a report of a loaded run, as JSON or as text.
using GraphReport = std::function<void(const LoadedRun& run, bool json, std::ostream& out)>;

// Registers a subcommand that takes trace(s), --iteration-marker and --json, loads the run
// and prints `report` of it.
void add_graph_report_command(CLI::App& app, CommandRunner& run, const std::string& name,
                              const std::string& description, GraphReport report);

}  // namespace dd::cli
