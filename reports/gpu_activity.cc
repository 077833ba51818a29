// GPU busy/idle, idle causes, communication overlap and the launch queue (see gpu_activity.h).
#include "reports/gpu_activity.h"

#include <algorithm>
#include <limits>
#include <tuple>

#include "simulator/saturating_time.h"

namespace dd {

namespace {

constexpr TimeNs kBeforeAll = std::numeric_limits<TimeNs>::min();
constexpr TimeNs kAfterAll = std::numeric_limits<TimeNs>::max();

bool ran(const Timeline& timeline, TaskId t) { return timeline.start[t] != kNotRun; }

bool is_computation(KernelClass k) {
  return k != KernelClass::kCommunication && k != KernelClass::kCopy && k != KernelClass::kMemset;
}

// What held `op` when a gap began at `gap_start` (gpu_activity.h).
IdleCause cause_of(const Graph& graph, const Timeline& timeline, TaskId op, TimeNs gap_start) {
  TimeNs launched = launched_at(graph, timeline, op);
  TimeNs host = launched == kNotRun ? kBeforeAll : launched;
  TimeNs other_stream = kBeforeAll;
  const Topology& topology = graph.topology();
  for (auto e : boost::make_iterator_range(boost::in_edges(op, topology))) {
    TaskId p = boost::source(e, topology);
    if (ran(timeline, p) && graph.kind[p] == TaskKind::kGpuOp && graph.resource[p] != graph.resource[op]) {
      other_stream = std::max(other_stream, timeline.end[p]);
    }
  }
  if (std::max(host, other_stream) <= gap_start) return IdleCause::kOther;
  return host >= other_stream ? IdleCause::kHost : IdleCause::kOtherStream;
}

// Charges the gap [from, to) inside the windows to `cause`.
void charge(GpuTime& time, IdleCause cause, TimeNs from, TimeNs to, const std::vector<Span>& windows) {
  if (from >= to) return;
  TimeNs& slot = time.idle[static_cast<size_t>(cause)];
  slot = add_saturated(slot, covered_time({{from, to}}, windows));
}

// Busy time and idle causes of ops sorted by (start, id): the gap before each op that opens a
// busy span is charged by that op, the time after the last one to `other`.
GpuTime account(const Graph& graph, const Timeline& timeline, const std::vector<TaskId>& ops,
                const std::vector<Span>& windows) {
  GpuTime time;
  std::vector<Span> spans;
  TimeNs busy_until = kBeforeAll;
  for (TaskId op : ops) {
    TimeNs start = timeline.start[op];
    if (start > busy_until) charge(time, cause_of(graph, timeline, op, busy_until), busy_until, start, windows);
    busy_until = std::max(busy_until, timeline.end[op]);
    spans.push_back({start, timeline.end[op]});
  }
  charge(time, IdleCause::kOther, busy_until, kAfterAll, windows);
  time.busy = covered_time(merge_spans(std::move(spans)), windows);
  return time;
}

void sort_by_start(const Timeline& timeline, std::vector<TaskId>& ops) {
  std::sort(ops.begin(), ops.end(), [&](TaskId a, TaskId b) {
    return std::tie(timeline.start[a], a) < std::tie(timeline.start[b], b);
  });
}

CommunicationOverlap measure_overlap(const Graph& graph, const Timeline& timeline,
                                     const std::vector<TaskId>& ops, const std::vector<Span>& windows) {
  std::vector<Span> communication, computation;
  for (TaskId op : ops) {
    Span span{timeline.start[op], timeline.end[op]};
    if (graph.kernel_class[op] == KernelClass::kCommunication) {
      communication.push_back(span);
    } else if (is_computation(graph.kernel_class[op])) {
      computation.push_back(span);
    }
  }
  CommunicationOverlap overlap;
  std::vector<Span> merged = merge_spans(std::move(communication));
  overlap.communication = covered_time(merged, windows);
  overlap.present = overlap.communication > 0;
  overlap.overlapped = covered_time(intersect_spans(merged, merge_spans(std::move(computation))), windows);
  return overlap;
}

LaunchQueue measure_queue(const Graph& graph, const Timeline& timeline,
                          const std::vector<TaskId>& ops, const std::vector<Span>& windows) {
  std::vector<std::pair<TimeNs, int>> changes;  // (time, +1 launched / -1 finished)
  for (TaskId op : ops) {
    TimeNs launched = launched_at(graph, timeline, op);
    if (launched == kNotRun) continue;
    changes.emplace_back(std::min(launched, timeline.end[op]), +1);
    changes.emplace_back(timeline.end[op], -1);
  }
  LaunchQueue queue;
  if (changes.empty() || windows.empty()) return queue;
  std::sort(changes.begin(), changes.end());
  const Span& first = windows.front();
  queue.series_start = first.start;
  TimeNs first_length = first.end - first.start;
  queue.series_step = std::max<TimeNs>(1, first_length / static_cast<TimeNs>(kQueueSeriesPoints));
  queue.series.assign(static_cast<size_t>((first_length + queue.series_step - 1) / queue.series_step), 0);
  double weighted = 0;
  TimeNs window_time = 0;
  for (const Span& w : windows) window_time += w.end - w.start;
  uint32_t length = 0;
  TimeNs at = kBeforeAll;
  // Each level holds from one change to the next; the last one until the end of time.
  auto hold = [&](TimeNs until) {
    TimeNs inside = covered_time({{at, until}}, windows);
    if (inside <= 0) return;
    queue.present = true;
    weighted += static_cast<double>(length) * static_cast<double>(inside);
    queue.max = std::max(queue.max, length);
    if (length == 0) queue.empty_time += inside;
    TimeNs from = std::max(at, first.start), to = std::min(until, first.end);
    for (TimeNs t = from; t < to;) {
      auto bucket = static_cast<size_t>((t - first.start) / queue.series_step);
      if (bucket >= queue.series.size()) break;
      queue.series[bucket] = std::max(queue.series[bucket], length);
      t = first.start + static_cast<TimeNs>(bucket + 1) * queue.series_step;
    }
  };
  for (const auto& [time, change] : changes) {
    if (time != at) hold(time);
    at = time;
    length = static_cast<uint32_t>(static_cast<int>(length) + change);
  }
  hold(kAfterAll);
  queue.mean = window_time > 0 ? weighted / static_cast<double>(window_time) : 0;
  return queue;
}

}  // namespace

TimeNs launched_at(const Graph& graph, const Timeline& timeline, TaskId op) {
  const Topology& topology = graph.topology();
  TimeNs launched = kNotRun;
  for (auto e : boost::make_iterator_range(boost::in_edges(op, topology))) {
    TaskId p = boost::source(e, topology);
    if (graph.edge_kind[topology[e].id] != EdgeKind::kLaunch || !ran(timeline, p)) continue;
    launched = std::max(launched, graph.kind[p] == TaskKind::kApiCall ? timeline.start[p] : timeline.end[p]);
  }
  return launched;
}

std::vector<TimeNs> counted_instants(const Graph& graph, const Timeline& timeline) {
  std::vector<TimeNs> at(timeline.start.begin(), timeline.start.end());
  std::vector<uint8_t> launched(graph.task_count(), 0);
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (graph.kind[t] != TaskKind::kGpuOp || !ran(timeline, t)) continue;
    TimeNs launch = launched_at(graph, timeline, t);
    launched[t] = launch != kNotRun;
    if (launched[t]) at[t] = launch;
  }
  for (const Resource& resource : graph.resources) {
    if (resource.kind != ResourceKind::kGpuStream) continue;
    TaskId first_launched = resource.first;
    while (first_launched != kNone && !launched[first_launched]) {
      first_launched = graph.next_on_resource[first_launched];
    }
    if (first_launched == kNone) continue;  // no op of the stream has a launch: none is earlier
    for (TaskId t = resource.first; t != first_launched; t = graph.next_on_resource[t]) at[t] = kNotRun;
  }
  return at;
}

GpuActivity measure_gpu_activity(const Graph& graph, const Timeline& timeline,
                                 const std::vector<Span>& windows) {
  GpuActivity activity;
  std::vector<TaskId> all_ops;
  for (const Resource& resource : graph.resources) {
    if (resource.kind != ResourceKind::kGpuStream || resource.first == kNone) continue;
    std::vector<TaskId> ops;
    for (TaskId t = resource.first; t != kNone; t = graph.next_on_resource[t]) {
      if (ran(timeline, t)) ops.push_back(t);
    }
    sort_by_start(timeline, ops);
    activity.streams.push_back({resource.name, account(graph, timeline, ops, windows)});
    all_ops.insert(all_ops.end(), ops.begin(), ops.end());
  }
  sort_by_start(timeline, all_ops);
  activity.all_streams = account(graph, timeline, all_ops, windows);
  activity.communication = measure_overlap(graph, timeline, all_ops, windows);
  activity.queue = measure_queue(graph, timeline, all_ops, windows);
  return activity;
}

}  // namespace dd
