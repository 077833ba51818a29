// `daydream replay TRACE [--json]`: simulate the unmodified graph; measured vs simulated.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/loaded_run.h"
#include "reports/replay_report.h"
#include "simulator/simulator.h"

namespace dd::cli {

namespace {
struct ReplayOptions {
  RunOptions run;
  bool json = false;
};
}  // namespace

void add_replay_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<ReplayOptions>();
  CLI::App* cmd = app.add_subcommand(
      "replay", "Simulate the trace unchanged and compare with the measured iteration time");
  add_run_options(*cmd, options->run);
  cmd->add_flag("--json", options->json, "Print one JSON object instead of text");
  cmd->callback([options, &run] {
    run = [options] {
      auto loaded = load_run(options->run);
      if (!loaded) return report_error(loaded.error());
      const Graph& graph = *loaded->graph;
      Timeline simulated = simulate(graph, graph_origin(graph));
      ReplayResult result = compare_replay(graph, measured_timeline(graph), simulated);
      if (options->json) {
        print_replay_json(graph, result, std::cout);
      } else {
        print_replay_text(graph, result, std::cout);
      }
      return kExitOk;
    };
  });
}

}  // namespace dd::cli
