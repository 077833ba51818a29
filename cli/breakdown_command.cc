// `daydream breakdown TRACE [--json]`: where the replayed iteration's time goes — per phase,
// layer and kernel class, GPU idle time, the critical path and a CPU/GPU-bound verdict.
#include "cli/commands.h"
#include "cli/loaded_run.h"
#include "reports/breakdown_report.h"
#include "simulator/simulator.h"

namespace dd::cli {

void add_breakdown_command(CLI::App& app, CommandRunner& run) {
  add_graph_report_command(
      app, run, "breakdown",
      "Break the replayed iteration down by phase, layer and kernel class; GPU idle time; "
      "critical path and whether the run is CPU- or GPU-bound",
      [](const LoadedRun& loaded, bool json, std::ostream& out) {
        const Graph& graph = *loaded.graph;
        Breakdown breakdown = compute_breakdown(graph, simulate(graph, graph_origin(graph)));
        if (json) {
          print_breakdown_json(breakdown, out);
        } else {
          print_breakdown_text(breakdown, out);
        }
      });
}

}  // namespace dd::cli
