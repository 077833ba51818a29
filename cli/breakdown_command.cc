// `daydream breakdown TRACE [--json]`: where the replayed iteration's time goes — per phase,
// layer and kernel class, GPU idle time, the critical path and a CPU/GPU-bound verdict.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/loaded_run.h"
#include "reports/breakdown_report.h"
#include "simulator/simulator.h"

namespace dd::cli {

namespace {
struct BreakdownOptions {
  RunOptions run;
  bool json = false;
};
}  // namespace

void add_breakdown_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<BreakdownOptions>();
  CLI::App* cmd = app.add_subcommand(
      "breakdown",
      "Break the replayed iteration down by phase, layer and kernel class; GPU idle time; "
      "critical path and whether the run is CPU- or GPU-bound");
  add_run_options(*cmd, options->run);
  cmd->add_flag("--json", options->json, "Print one JSON object instead of text");
  cmd->callback([options, &run] {
    run = [options] {
      auto loaded = load_run(options->run);
      if (!loaded) return report_error(loaded.error());
      const Graph& graph = *loaded->graph;
      Breakdown breakdown = compute_breakdown(graph, simulate(graph, graph_origin(graph)));
      if (options->json) {
        print_breakdown_json(breakdown, std::cout);
      } else {
        print_breakdown_text(breakdown, std::cout);
      }
      return kExitOk;
    };
  });
}

}  // namespace dd::cli
