// Replay trust: the miss and its likely causes (see replay_trust.h).
#include "reports/replay_trust.h"

#include <algorithm>
#include <cmath>

#include "reports/text_table.h"

namespace dd {

namespace {

// GPU time spent waiting for what the trace does not record: for each GPU op, how much later it
// started than its stream, its recorded dependencies and their latencies allowed, all in
// recorded times.
std::pair<TimeNs, size_t> unrecorded_gpu_wait(const Graph& g) {
  std::vector<TimeNs> allowed(g.task_count(), INT64_MIN);
  for (EdgeId e = 0; e < g.edge_count(); ++e) {
    if (g.edge_removed[e]) continue;
    TaskId to = g.edge_to[e];
    allowed[to] = std::max(allowed[to], g.recorded_end[g.edge_from[e]] + g.edge_latency[e]);
  }
  TimeNs total = 0;
  size_t ops = 0;
  for (TaskId t = 0; t < g.task_count(); ++t) {
    if (g.removed[t] || g.kind[t] != TaskKind::kGpuOp) continue;
    TaskId previous = g.prev_on_resource[t];
    if (previous != kNone) {
      allowed[t] = std::max(allowed[t], g.recorded_end[previous] + g.resources[g.resource[t]].switch_gap_ns);
    }
    if (allowed[t] == INT64_MIN || g.recorded_start[t] <= allowed[t]) continue;
    total += g.recorded_start[t] - allowed[t];
    ++ops;
  }
  return {total, ops};
}

std::string count_text(uint64_t n, std::string_view what) {
  return format_count(n) + " " + std::string(what);
}

}  // namespace

double replay_error_pct(TimeNs measured, TimeNs simulated) {
  if (measured <= 0) return 0;
  return 100.0 * static_cast<double>(simulated - measured) / static_cast<double>(measured);
}

ReplayTrust assess_replay(const Graph& graph, TimeNs measured, TimeNs simulated,
                          uint64_t forced_starts) {
  ReplayTrust trust;
  trust.error_pct = replay_error_pct(measured, simulated);
  trust.trusted = std::abs(trust.error_pct) <= kTrustedReplayErrorPct;
  auto [wait, waiting_ops] = unrecorded_gpu_wait(graph);
  trust.unrecorded_wait_ns = wait;
  if (trust.trusted) return trust;  // causes are named for a miss only
  TimeNs miss = std::abs(simulated - measured);
  // Most likely first: an unrecorded wait as large as the miss explains it.
  if (wait > 0 && 2 * wait >= miss) {
    trust.causes.push_back(
        count_text(waiting_ops, "GPU ops") + " waited " + format_ms(wait) +
        " ms (summed over ops) for something the trace does not record (a wait inside a CUDA graph, on "
        "another rank or process, or on an event recorded outside the trace): the replay "
        "runs them as soon as their recorded dependencies allow");
  }
  const Diagnostics& d = graph.diagnostics;
  if (uint64_t n = d.count("cross_stream_edges_inferred_without_event_records")) {
    trust.causes.push_back(count_text(n, "stream waits") +
                           " had no event records: their dependencies were inferred");
  }
  if (uint64_t n = d.count("gpu_op_without_launch")) {
    trust.causes.push_back(count_text(n, "GPU ops") + " have no launch record: they run as soon as their stream allows");
  }
  if (uint64_t n = d.count("dependency_cycle_edges_removed")) {
    trust.causes.push_back(count_text(n, "dependencies") + " closed cycles with the recorded order and were removed");
  }
  if (forced_starts > 0) {
    trust.causes.push_back(count_text(forced_starts, "tasks") + " were started past a dependency cycle");
  }
  if (graph.iterations.empty()) {
    trust.causes.push_back("the trace has no iteration markers: it is compared end to end, start-up included");
  }
  if (wait > 0 && 2 * wait < miss) {
    trust.causes.push_back(count_text(waiting_ops, "GPU ops") + " waited " + format_ms(wait) +
                           " ms (summed over ops) for something the trace does not record");
  }
  return trust;
}

std::vector<std::string> trust_warning(const ReplayTrust& trust, std::string_view what) {
  if (trust.trusted) return {};
  std::vector<std::string> lines = {
      "WARNING: the replay misses the measured iteration time by " +
      format_fixed(trust.error_pct, 1) + "% (more than " + format_fixed(kTrustedReplayErrorPct, 0) +
      "%), so " + std::string(what) + ", built on it, cannot be trusted."};
  if (trust.causes.empty()) {
    lines.push_back("likely cause: unknown (daydream found no unmodeled dependency to blame)");
  }
  for (size_t i = 0; i < trust.causes.size(); ++i) {
    lines.push_back((i == 0 ? "likely cause: " : "also: ") + trust.causes[i]);
  }
  return lines;
}

void print_trust_text(const ReplayTrust& trust, std::string_view what, std::ostream& out) {
  std::vector<std::string> lines = trust_warning(trust, what);
  for (size_t i = 0; i < lines.size(); ++i) out << (i == 0 ? "" : "  ") << lines[i] << "\n";
}

void write_trust_json(const ReplayTrust& trust, JsonWriter& json, std::string_view key) {
  json.key(key).begin_object();
  json.field("replay_error_pct", trust.error_pct)
      .field("bar_pct", kTrustedReplayErrorPct)
      .field("trusted", trust.trusted)
      .field("unrecorded_gpu_wait_ms", static_cast<double>(trust.unrecorded_wait_ns) / 1e6);
  json.key("causes").begin_array();
  for (const std::string& cause : trust.causes) json.value(cause);
  json.end_array();
  json.end_object();
}

}  // namespace dd
