// Measures launch latency, GPU op gap and launch queue depth (see system_parameters.h).
#include "graph/system_parameters.h"

#include <algorithm>
#include <functional>
#include <queue>

namespace dd {

namespace {

TimeNs median_of(std::vector<TimeNs>& samples) {
  if (samples.empty()) return 0;
  auto mid = samples.begin() + static_cast<std::ptrdiff_t>(samples.size() / 2);
  std::nth_element(samples.begin(), mid, samples.end());
  return *mid;
}

// Walks each stream in order: an op whose launch call ended after the stream's previous op gives
// a launch-latency sample, one launched while the previous op still ran gives a gap sample.
// An op that may have waited for another stream (an op of its device completed between its
// launch and its start) gives no latency sample. A stream's first op gives one only with
// `first_ops`, and not when the stream was busy with work from before the trace
// (graph/window_opening.h).
void stream_samples(const Graph& g, const BuildState& s, bool first_ops,
                    std::vector<TimeNs>& latency, std::vector<TimeNs>& gap) {
  for (const Resource& r : g.resources) {
    if (r.kind != ResourceKind::kGpuStream) continue;
    const std::vector<TimeNs>& device_ends = s.device_ends.of(g, r);
    TimeNs previous_end = INT64_MIN;
    for (TaskId t = r.first; t != kNone; t = g.next_on_resource[t]) {
      TaskId api = s.launcher[t];
      bool first = previous_end == INT64_MIN;
      bool sampled = first ? first_ops && r.busy_at_start_ns == 0 : true;
      if (api != kNone && sampled && !waits_for_copy(g, s, g.source_row[api], t)) {
        TimeNs submitted = g.recorded_end[api];
        if (previous_end > submitted) {
          gap.push_back(g.recorded_start[t] - previous_end);
        } else if (latest_end_by(device_ends, g.recorded_start[t]) <= submitted) {
          latency.push_back(g.recorded_start[t] - submitted);
        }
      }
      previous_end = std::max(previous_end, g.recorded_end[t]);
    }
  }
}

void measure_latencies(const Graph& g, const BuildState& s, SystemParameters& p) {
  std::vector<TimeNs> latency, gap;
  stream_samples(g, s, true, latency, gap);
  p.launch_latency_ns = median_of(latency);
  p.gpu_op_gap_ns = std::max<TimeNs>(0, median_of(gap));
}

// One launch call, as the queue-depth test sees it: when it ran, and how many ops were in
// flight on its device when it started.
struct LaunchSample {
  TimeNs start = 0, end = 0;
  uint32_t in_flight = 0;
};

// One device's launch queue as recorded: its launch calls and its ops' completion times.
struct DeviceLaunches {
  std::vector<LaunchSample> calls;
  std::vector<TimeNs> completions;  // sorted
};

// The launch calls of one device's queue in launch order, each with the ops in flight when it
// started. Ops queued before the trace are in flight from its start; the ops of a multi-op
// launch (a graph launch) are one call; calls that wait for their own copy are left out.
DeviceLaunches sample_launches(const Graph& g, const BuildState& s,
                               const std::vector<LaunchedOp>& queue) {
  DeviceLaunches device;
  for (const LaunchedOp& op : queue) device.completions.push_back(g.recorded_end[op.task]);
  std::sort(device.completions.begin(), device.completions.end());
  std::priority_queue<TimeNs, std::vector<TimeNs>, std::greater<>> in_flight;
  TaskId previous_call = kNone;
  for (const LaunchedOp& op : queue) {
    TaskId call = s.launcher[op.task];
    if (call != kNone && call != previous_call && !waits_for_copy(g, s, g.source_row[call], op.task)) {
      while (!in_flight.empty() && in_flight.top() <= g.recorded_start[call]) in_flight.pop();
      device.calls.push_back({g.recorded_start[call], g.recorded_end[call],
                              static_cast<uint32_t>(in_flight.size())});
    }
    previous_call = call;
    in_flight.push(g.recorded_end[op.task]);
  }
  return device;
}

// Whether a launch call returned after an op of its device completed during it: a call that
// found the queue full can return only then (a slot frees when an op completes).
bool returned_after_completion(const LaunchSample& call, const std::vector<TimeNs>& completions) {
  return latest_end_by(completions, call.end) > call.start;
}

// Whether a launch call visibly waited on a full queue: it took at least twice a typical launch
// call, and returned within one typical call after an op of its device completed while it
// waited (the driver finishes the call once a slot frees).
bool blocked_on_queue(const LaunchSample& call, TimeNs typical_call,
                      const std::vector<TimeNs>& completions) {
  if (call.end - call.start < 2 * typical_call) return false;
  TimeNs released_at = latest_end_by(completions, call.end);
  return released_at > call.start && call.end - released_at <= typical_call;
}

// A typical launch call: the median of those that found nothing in flight (no queue could
// hold them back), or of all calls where none did.
TimeNs typical_launch_call(const std::vector<DeviceLaunches>& devices) {
  std::vector<TimeNs> unqueued, all;
  for (const DeviceLaunches& device : devices) {
    for (const LaunchSample& call : device.calls) {
      all.push_back(call.end - call.start);
      if (call.in_flight == 0) unqueued.push_back(call.end - call.start);
    }
  }
  return median_of(unqueued.empty() ? all : unqueued);
}

// A full queue saturates: the most ops ever in flight when a launch started, M, is the depth
// when the launches that found M in flight behave as CUDA's full queue makes them: most of
// them returned only after an op completed during the call, and at least three visibly waited.
// Otherwise the queue never filled: it is deeper than anything the trace shows, and at least
// CUDA's default.
uint32_t measure_queue_depth(const Graph& g, const BuildState& s) {
  std::vector<DeviceLaunches> devices;
  for (const auto& [device, queue] : s.launched_on_device) {
    devices.push_back(sample_launches(g, s, queue));
  }
  TimeNs typical_call = typical_launch_call(devices);
  uint32_t most_in_flight = 0;
  for (const DeviceLaunches& device : devices) {
    for (const LaunchSample& call : device.calls) {
      most_in_flight = std::max(most_in_flight, call.in_flight);
    }
  }
  size_t at_most = 0, released = 0, waited = 0;
  for (const DeviceLaunches& device : devices) {
    for (const LaunchSample& call : device.calls) {
      if (call.in_flight != most_in_flight) continue;
      ++at_most;
      released += returned_after_completion(call, device.completions) ? 1 : 0;
      waited += blocked_on_queue(call, typical_call, device.completions) ? 1 : 0;
    }
  }
  if (most_in_flight > 0 && waited >= 3 && 2 * released > at_most) return most_in_flight;
  return std::max(kDefaultLaunchQueueDepth, most_in_flight + 1);
}

}  // namespace

SystemParameters measure_system_parameters(const Graph& graph, const BuildState& state) {
  SystemParameters p;
  measure_latencies(graph, state, p);
  p.launch_queue_depth = measure_queue_depth(graph, state);
  return p;
}

std::vector<TimeNs> idle_stream_launch_latencies(const Graph& graph, const BuildState& state) {
  std::vector<TimeNs> latency, gap;
  stream_samples(graph, state, false, latency, gap);
  return latency;
}

}  // namespace dd
