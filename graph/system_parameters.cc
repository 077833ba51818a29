// Measures launch latency, GPU op gap and launch queue depth (see system_parameters.h).
#include "graph/system_parameters.h"

#include <algorithm>
#include <map>

namespace dd {

namespace {

TimeNs median_of(std::vector<TimeNs>& samples) {
  if (samples.empty()) return 0;
  auto mid = samples.begin() + static_cast<std::ptrdiff_t>(samples.size() / 2);
  std::nth_element(samples.begin(), mid, samples.end());
  return *mid;
}

// Launch latency from idle-stream launches and GPU gap from queued ops, walking each stream.
void measure_latencies(const Graph& g, const BuildState& s, SystemParameters& p) {
  std::vector<TimeNs> latency, gap;
  for (const Resource& r : g.resources) {
    if (r.kind != ResourceKind::kGpuStream) continue;
    TimeNs previous_end = INT64_MIN;
    for (TaskId t = r.first; t != kNone; t = g.next_on_resource[t]) {
      TaskId api = s.launcher[t];
      if (api != kNone && !waits_for_copy(g, s, g.source_row[api], t)) {
        TimeNs submitted = g.recorded_end[api];
        if (previous_end <= submitted) {
          latency.push_back(g.recorded_start[t] - submitted);
        } else if (previous_end != INT64_MIN) {
          gap.push_back(g.recorded_start[t] - previous_end);
        }
      }
      previous_end = std::max(previous_end, g.recorded_end[t]);
    }
  }
  p.launch_latency_ns = median_of(latency);
  p.gpu_op_gap_ns = std::max<TimeNs>(0, median_of(gap));
}

// Queue depth: at each launch call that blocked, how many ops (in launch order on its device)
// separate the op it launched from the op whose completion released it.
uint32_t measure_queue_depth(const Graph& g, const BuildState& s) {
  std::vector<TimeNs> launch_durations;
  for (TaskId t = 0; t < g.task_count(); ++t) {
    if (s.launcher[t] != kNone) launch_durations.push_back(g.duration[s.launcher[t]]);
  }
  TimeNs blocked_threshold = std::max<TimeNs>(50'000, 10 * median_of(launch_durations));
  std::map<uint32_t, uint32_t> distance_votes;
  for (const auto& [device, ops] : s.launched_on_device) {
    // Op completions in time order, with each op's position in launch order.
    std::vector<std::pair<TimeNs, uint32_t>> completions;
    for (uint32_t k = 0; k < ops.size(); ++k) {
      completions.emplace_back(g.recorded_end[ops[k].task], k);
    }
    std::sort(completions.begin(), completions.end());
    for (uint32_t k = 0; k < ops.size(); ++k) {
      TaskId api = s.launcher[ops[k].task];
      if (g.duration[api] < blocked_threshold) continue;
      auto it = std::upper_bound(completions.begin(), completions.end(),
                                 std::make_pair(g.recorded_end[api], UINT32_MAX));
      if (it == completions.begin()) continue;
      uint32_t released_by = std::prev(it)->second;
      if (released_by < k) ++distance_votes[k - released_by];
    }
  }
  uint32_t best = 0, votes = 0;
  for (const auto& [distance, count] : distance_votes) {
    if (count > votes) best = distance, votes = count;
  }
  return votes >= 3 ? best : kDefaultLaunchQueueDepth;
}

}  // namespace

SystemParameters measure_system_parameters(const Graph& graph, const BuildState& state) {
  SystemParameters p;
  measure_latencies(graph, state, p);
  p.launch_queue_depth = measure_queue_depth(graph, state);
  return p;
}

}  // namespace dd
