// What the GPU did within a breakdown's analysed windows (breakdown_metrics.h), on any
// timeline (the measured one for `daydream breakdown`): busy and idle time per stream and for
// all streams together, idle time split by what the GPU was waiting for, communication
// overlapped with computation, and the launch queue's length over time.
//
// Idle causes. Each idle gap ends when an op starts (the stream's next op; for all streams
// together, the op that starts the next busy span) and is charged to what that op was held
// by, judged from its dependencies in the graph:
//  - waiting for the host: the host asked for it (launched_at below) after the gap began;
//  - waiting for another stream: a GPU op on another stream it depends on (an event wait, a
//    collective) ended after the gap began;
//  - other: it was launched and its dependencies were done before the gap began (the gap is
//    launch overhead or a dependency the trace does not show), and the time after the last op.
// When both the host and another stream held it, the later of the two is charged. Busy time
// and the three causes add up to the windows' time.
//
// The launch queue is the number of GPU ops the host has asked for (launched_at) and that have
// not finished, over all streams; ops without a recorded launch are left out.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph.h"
#include "reports/time_windows.h"
#include "simulator/timeline.h"

namespace dd {

enum class IdleCause : uint8_t { kHost, kOtherStream, kOther };
inline constexpr size_t kIdleCauseCount = 3;

struct GpuTime {
  TimeNs busy = 0;
  std::array<TimeNs, kIdleCauseCount> idle{};  // per IdleCause
  TimeNs idle_total() const { return idle[0] + idle[1] + idle[2]; }
};

struct StreamActivity {
  std::string name;
  GpuTime time;
};

struct CommunicationOverlap {
  bool present = false;           // any communication op in the windows
  TimeNs communication = 0;       // union of communication ops
  TimeNs overlapped = 0;          // ... while a computation op (not a copy or memset) ran
  TimeNs exposed() const { return communication - overlapped; }
};

inline constexpr size_t kQueueSeriesPoints = 200;

struct LaunchQueue {
  bool present = false;  // any op with a recorded launch in the windows
  double mean = 0;       // time-weighted over the windows
  uint32_t max = 0;
  TimeNs empty_time = 0;  // window time with no op in flight
  // The first window in about kQueueSeriesPoints equal steps (at least 1 ns each): the
  // largest length in each.
  std::vector<uint32_t> series;
  TimeNs series_start = 0;
  TimeNs series_step = 0;
};

struct GpuActivity {
  std::vector<StreamActivity> streams;  // streams that ran an op, in resource order
  GpuTime all_streams;                  // the union of the streams
  CommunicationOverlap communication;
  LaunchQueue queue;
};

// When the host asked for GPU op `op`: the start of its launch call, or for a blocking copy
// (launched from the CPU work before its call) the end of that work; kNotRun when the graph
// has no launch for it.
TimeNs launched_at(const Graph& graph, const Timeline& timeline, TaskId op);

// Per task, the instant that places it in an analysed window: a GPU op's launch (an
// iteration's GPU work is the work it launched, whenever the GPU runs it: a GPU that lags its
// host runs it in a later window); kNotRun for a GPU op launched before the trace (without a
// launch, ahead of the first launched op of its stream: graph_builder.cc queues these so),
// which belongs to no window; else, for CPU work and a GPU op whose launch the trace does not
// have (a lost record, a trace of GPU activity alone), its own start.
std::vector<TimeNs> counted_instants(const Graph& graph, const Timeline& timeline);

// `windows`: sorted, disjoint.
GpuActivity measure_gpu_activity(const Graph& graph, const Timeline& timeline,
                                 const std::vector<Span>& windows);

}  // namespace dd
