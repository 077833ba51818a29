// Replay comparison and its text/JSON renderings.
#include "reports/replay_report.h"

#include <string>
#include <utility>
#include <vector>

#include "reports/graph_summary.h"
#include "reports/json_writer.h"
#include "reports/text_table.h"

namespace dd {

namespace {

std::string iteration_label(const Graph& graph, size_t i) {
  if (graph.iterations.empty()) return "whole trace";
  std::string_view name = graph.str(graph.iterations[i].name);
  return name.empty() ? "iteration " + std::to_string(i) : std::string(name);
}

std::string time_or_dash(TimeNs time) {
  return time == kNoIteration ? "-" : format_ms(time);
}

std::string error_or_dash(TimeNs measured, TimeNs simulated) {
  if (measured == kNoIteration || simulated == kNoIteration) return "-";
  return format_fixed(replay_error_pct(measured, simulated), 2) + "%";
}

// A job of several ranks: each rank's iterations, measured and simulated, on its own tasks.
void print_rank_rows_text(const Graph& graph, const ReplayResult& result, std::ostream& out) {
  if (graph.ranks.empty()) return;
  out << "\nPer rank (each rank's iterations on its own tasks; the job's iteration above is "
         "its slowest rank's, by the measured time)\n";
  TextTable table({"rank", "iteration", "measured (ms)", "simulated (ms)", "error"});
  for (size_t r = 0; r < graph.ranks.size(); ++r) {
    const RankIterationTimes& measured = result.measured.ranks[r];
    const RankIterationTimes& simulated = result.simulated.ranks[r];
    for (size_t i = 0; i < measured.per_iteration.size(); ++i) {
      table.add_row({graph.ranks[r].label, iteration_label(graph, i),
                     time_or_dash(measured.per_iteration[i]),
                     time_or_dash(simulated.per_iteration[i]),
                     error_or_dash(measured.per_iteration[i], simulated.per_iteration[i])});
    }
    if (measured.per_iteration.size() < 2) continue;  // the one iteration is the steady state
    table.add_row({graph.ranks[r].label, "steady state", format_ms(measured.steady_state),
                   format_ms(simulated.steady_state),
                   error_or_dash(measured.steady_state, simulated.steady_state)});
  }
  table.print(out);
}

void write_ranks_json(const Graph& graph, const ReplayResult& result, JsonWriter& json) {
  json.key("ranks").begin_array();
  for (size_t r = 0; r < graph.ranks.size(); ++r) {
    const RankIterationTimes& measured = result.measured.ranks[r];
    const RankIterationTimes& simulated = result.simulated.ranks[r];
    json.begin_object()
        .field("label", graph.ranks[r].label)
        .field("measured_iteration_ms", static_cast<double>(measured.steady_state) / 1e6)
        .field("simulated_iteration_ms", static_cast<double>(simulated.steady_state) / 1e6);
    json.key("iterations").begin_array();
    for (size_t i = 0; i < measured.per_iteration.size(); ++i) {
      json.begin_object().field("name", iteration_label(graph, i));
      for (auto [key, time] : {std::pair{"measured_ms", measured.per_iteration[i]},
                               std::pair{"simulated_ms", simulated.per_iteration[i]}}) {
        json.key(key);
        if (time == kNoIteration) {
          json.null();
        } else {
          json.value(static_cast<double>(time) / 1e6);
        }
      }
      json.end_object();
    }
    json.end_array().end_object();
  }
  json.end_array();
}

// The rank that set the job's measured iteration `i` ("" for one process).
std::string slowest_rank(const Graph& graph, const ReplayResult& result, size_t i) {
  if (graph.ranks.empty()) return "";
  return graph.ranks[result.measured.slowest_rank[i]].label;
}

}  // namespace

ReplayResult compare_replay(const Graph& graph, const Timeline& measured,
                            const Timeline& simulated) {
  ReplayResult result;
  result.measured = iteration_times(graph, measured);
  result.simulated = iteration_times(graph, simulated);
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
  std::vector<std::string> header{"iteration", "measured (ms)", "simulated (ms)", "error"};
  if (!graph.ranks.empty()) header.push_back("slowest rank");
  TextTable table(header);
  for (size_t i = 0; i < result.measured.per_iteration.size(); ++i) {
    TimeNs m = result.measured.per_iteration[i];
    TimeNs s = result.simulated.per_iteration[i];
    std::vector<std::string> row{iteration_label(graph, i), time_or_dash(m), time_or_dash(s),
                                 error_or_dash(m, s)};
    if (!graph.ranks.empty()) row.push_back(slowest_rank(graph, result, i));
    table.add_row(row);
  }
  table.print(out);
  print_rank_rows_text(graph, result, out);
  out << "\nsteady state (median of the later half of the iterations): measured "
      << format_ms(result.measured.steady_state) << " ms, simulated "
      << format_ms(result.simulated.steady_state) << " ms, error "
      << format_fixed(result.trust.error_pct, 2) << "%\n";
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
  json.field("error_pct", result.trust.error_pct);
  json.key("iterations").begin_array();
  for (size_t i = 0; i < result.measured.per_iteration.size(); ++i) {
    json.begin_object()
        .field("name", iteration_label(graph, i))
        .field("measured_ms", static_cast<double>(result.measured.per_iteration[i]) / 1e6)
        .field("simulated_ms", static_cast<double>(result.simulated.per_iteration[i]) / 1e6);
    if (!graph.ranks.empty()) json.field("slowest_rank", slowest_rank(graph, result, i));
    json.end_object();
  }
  json.end_array();
  write_ranks_json(graph, result, json);
  json.field("forced_starts", result.forced_starts);
  write_trust_json(result.trust, json);
  json.key("graph");
  write_graph_summary_json(graph, json);
  json.end_object();
}

}  // namespace dd
