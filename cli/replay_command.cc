// `daydream replay TRACE [--json]`: simulate the unmodified graph; measured vs simulated.
#include "cli/commands.h"
#include "cli/loaded_run.h"
#include "reports/replay_report.h"
#include "simulator/simulator.h"

namespace dd::cli {

void add_replay_command(CLI::App& app, CommandRunner& run) {
  add_graph_report_command(
      app, run, "replay",
      "Simulate the trace unchanged and compare with the measured iteration time",
      [](const LoadedRun& loaded, bool json, std::ostream& out) {
        const Graph& graph = *loaded.graph;
        ReplayResult result = compare_replay(graph, measured_timeline(graph),
                                             simulate(graph, graph_origin(graph)));
        if (json) {
          print_replay_json(graph, result, out);
        } else {
          print_replay_text(graph, result, out);
        }
      });
}

}  // namespace dd::cli
