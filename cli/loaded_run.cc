// Trace loading + graph building for the graph-based commands.
#include "cli/loaded_run.h"

#include <unistd.h>

#include <iostream>
#include <memory>

#include "cli/gpu_option.h"
#include "cli/progress_bar.h"
#include "collector/trace/iterations.h"
#include "collector/trace/trace_builder.h"
#include "collector/trace_loader.h"
#include "graph/graph_builder.h"

namespace dd::cli {

void add_run_options(CLI::App& command, RunOptions& options) {
  command
      .add_option("trace", options.traces,
                  "Trace file(s) or a directory of them: PyTorch profiler JSON (.json/.json.gz), "
                  "Nsight Systems SQLite export, or daydream SQLite; several files are the ranks "
                  "of one job")
      ->required();
  command.add_option("--iteration-marker", options.iteration_marker,
                     "Name of the range that marks an iteration (default: ProfilerStep#N, or "
                     "NVTX dd:iteration ranges)");
  add_gpu_option(command, options.gpu);
}

Result<LoadedRun> load_run(const RunOptions& options) {
  ProgressBar progress(STDERR_FILENO);
  auto trace = load_trace(options.traces, &progress);
  if (!trace) return std::unexpected(trace.error());
  report_load_warnings(trace->diagnostics);
  if (auto named = name_trace_gpu(*trace, options.gpu); !named) return std::unexpected(named.error());
  LoadedRun run;
  run.trace = std::make_unique<Trace>(std::move(*trace));
  if (!options.iteration_marker.empty()) {
    detect_iterations(*run.trace, options.iteration_marker);
    if (run.trace->iterations.size() == 0) {
      return usage_error("no range named '" + options.iteration_marker + "' in " +
                         options.traces.front());
    }
  }
  auto graph = build_graph(*run.trace);
  if (!graph) {
    Error error = graph.error();
    error.message = options.traces.front() + ": " + error.message;
    return std::unexpected(error);
  }
  run.graph = std::make_unique<Graph>(std::move(*graph));
  return run;
}

void add_graph_report_command(CLI::App& app, CommandRunner& run, const std::string& name,
                              const std::string& description, GraphReport report) {
  struct Options {
    RunOptions run;
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(name, description);
  add_run_options(*cmd, options->run);
  cmd->add_flag("--json", options->json, "Print one JSON object instead of text");
  cmd->callback([options, report, &run] {
    run = [options, report] {
      auto loaded = load_run(options->run);
      if (!loaded) return report_error(loaded.error());
      report(*loaded, options->json, std::cout);
      return kExitOk;
    };
  });
}

}  // namespace dd::cli
