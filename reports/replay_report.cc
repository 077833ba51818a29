// Replay comparison and its text/JSON renderings.
#include "reports/replay_report.h"

#include "reports/graph_summary.h"
#include "reports/json_writer.h"
#include "reports/text_table.h"

namespace dd {

namespace {

double signed_error_pct(TimeNs measured, TimeNs simulated) {
  if (measured == 0) return 0;
  return 100.0 * static_cast<double>(simulated - measured) / static_cast<double>(measured);
}

std::string iteration_label(const Graph& graph, size_t i) {
  if (graph.iterations.empty()) return "whole trace";
  std::string_view name = graph.str(graph.iterations[i].name);
  return name.empty() ? "iteration " + std::to_string(i) : std::string(name);
}

}  // namespace

ReplayResult compare_replay(const Graph& graph, const Timeline& measured,
                            const Timeline& simulated) {
  ReplayResult result;
  result.measured = iteration_times(graph, measured);
  result.simulated = iteration_times(graph, simulated);
  result.error_pct = signed_error_pct(result.measured.steady_state, result.simulated.steady_state);
  result.forced_starts = simulated.forced_starts;
  result.trust = assess_replay(graph, result.measured.steady_state, result.simulated.steady_state,
                               result.forced_starts);
  return result;
}

void print_replay_text(const Graph& graph, const ReplayResult& result, std::ostream& out) {
  print_trust_text(result.trust, "every what-if prediction on this trace", out);
  if (!result.trust.trusted) out << "\n";
  print_graph_summary_text(graph, out);
  out << "\n";
  TextTable table({"iteration", "measured (ms)", "simulated (ms)", "error"});
  for (size_t i = 0; i < result.measured.per_iteration.size(); ++i) {
    TimeNs m = result.measured.per_iteration[i];
    TimeNs s = result.simulated.per_iteration[i];
    table.add_row({iteration_label(graph, i), format_ms(m), format_ms(s),
                   format_fixed(signed_error_pct(m, s), 2) + "%"});
  }
  table.print(out);
  out << "\nsteady state (median of the later half of the iterations): measured "
      << format_ms(result.measured.steady_state) << " ms, simulated "
      << format_ms(result.simulated.steady_state) << " ms, error "
      << format_fixed(result.error_pct, 2) << "%\n";
  if (result.forced_starts > 0) {
    out << "warning: " << result.forced_starts
        << " tasks were started past a dependency cycle; see diagnostics\n";
  }
}

void print_replay_json(const Graph& graph, const ReplayResult& result, std::ostream& out) {
  JsonWriter json(out);
  json.begin_object();
  json.field("measured_iteration_ms", static_cast<double>(result.measured.steady_state) / 1e6);
  json.field("simulated_iteration_ms", static_cast<double>(result.simulated.steady_state) / 1e6);
  json.field("error_pct", result.error_pct);
  json.key("iterations").begin_array();
  for (size_t i = 0; i < result.measured.per_iteration.size(); ++i) {
    json.begin_object()
        .field("name", iteration_label(graph, i))
        .field("measured_ms", static_cast<double>(result.measured.per_iteration[i]) / 1e6)
        .field("simulated_ms", static_cast<double>(result.simulated.per_iteration[i]) / 1e6)
        .end_object();
  }
  json.end_array();
  json.field("forced_starts", result.forced_starts);
  write_trust_json(result.trust, json);
  json.key("graph");
  write_graph_summary_json(graph, json);
  json.end_object();
}

}  // namespace dd
