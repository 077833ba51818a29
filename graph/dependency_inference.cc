// Edge inference passes (see dependency_inference.h).
#include "graph/dependency_inference.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>

namespace dd {

namespace {

bool is_wait_edge(EdgeKind kind) {
  return kind == EdgeKind::kHostWait || kind == EdgeKind::kQueueSlot ||
         kind == EdgeKind::kCrossThread;
}

class Inference {
 public:
  Inference(Graph& g, BuildState& s) : g_(g), s_(s), trace_(s.trace) {
    for (uint32_t i = 0; i < trace_.syncs.size(); ++i) {
      if (trace_.syncs.correlation[i] != 0) sync_by_correlation_.emplace(trace_.syncs.correlation[i], i);
    }
    for (uint32_t e = 0; e < trace_.cuda_events.size(); ++e) {
      event_by_correlation_.emplace(trace_.cuda_events.correlation[e], e);
      if (trace_.cuda_events.event_sync_id[e] != 0) {
        event_by_sync_id_.emplace(trace_.cuda_events.event_sync_id[e], e);
      }
    }
    for (TaskId op = 0; op < s_.launcher.size(); ++op) {
      if (s_.launcher[op] != kNone) launched_op_.emplace(s_.launcher[op], op);
    }
  }

  void run() {
    add_launch_edges();
    add_host_waits();
    add_queue_slots();
    add_cross_stream_edges();
    add_cross_thread_edges();
    keep_post_wait_durations();
  }

 private:
  std::vector<ResourceId> streams_of_process(uint32_t process) const {
    std::vector<ResourceId> streams;
    for (ResourceId r = 0; r < g_.resources.size(); ++r) {
      if (g_.resources[r].kind == ResourceKind::kGpuStream && g_.resources[r].process == process) {
        streams.push_back(r);
      }
    }
    return streams;
  }

  uint32_t process_of_api(uint32_t row) const {
    return trace_.threads.process[trace_.api_calls.thread[row]];
  }

  void add_launch_edges() {
    for (ResourceId r = 0; r < g_.resources.size(); ++r) {
      if (g_.resources[r].kind == ResourceKind::kGpuStream) {
        g_.resources[r].switch_gap_ns = g_.parameters.gpu_op_gap_ns;
      }
    }
    for (TaskId op = 0; op < g_.task_count(); ++op) {
      TaskId api = s_.launcher.size() > op ? s_.launcher[op] : kNone;
      if (api == kNone) continue;
      if (waits_for_copy(g_, s_, g_.source_row[api], op)) {
        TaskId before = g_.prev_on_resource[api];
        if (before != kNone) g_.add_edge(before, op, EdgeKind::kLaunch, g_.parameters.launch_latency_ns);
        g_.add_edge(op, api, EdgeKind::kHostWait);
      } else {
        g_.add_edge(api, op, EdgeKind::kLaunch, g_.parameters.launch_latency_ns);
      }
    }
  }

  const SyncTable& syncs() const { return trace_.syncs; }
  // The synchronization record of a call, if the trace has one (matched by correlation).
  uint32_t sync_of(uint64_t correlation) const {
    auto it = correlation == 0 ? sync_by_correlation_.end() : sync_by_correlation_.find(correlation);
    return it == sync_by_correlation_.end() ? kNone : it->second;
  }

  std::vector<ResourceId> awaited_streams(uint32_t row, ApiRole role) {
    uint32_t process = process_of_api(row);
    if (role == ApiRole::kStreamSync || role == ApiRole::kEventSync) {
      uint32_t i = sync_of(trace_.api_calls.correlation[row]);
      if (i != kNone && syncs().stream[i] != kNone &&
          s_.stream_resource[syncs().stream[i]] != kNone) {
        return {s_.stream_resource[syncs().stream[i]]};
      }
      g_.diagnostics.add("sync_without_stream_waits_on_all_streams", Severity::kInfo);
    }
    return streams_of_process(process);
  }

  void add_host_waits() {
    for (uint32_t row = 0; row < trace_.api_calls.size(); ++row) {
      ApiRole role = s_.api_role_of[row];
      if (role != ApiRole::kDeviceSync && role != ApiRole::kStreamSync &&
          role != ApiRole::kEventSync) {
        continue;
      }
      TaskId call = s_.api_task[row];
      if (call == kNone || g_.source_row[call] != row) continue;
      for (ResourceId stream : awaited_streams(row, role)) {
        TaskId op = last_launched_before(s_, stream, g_.recorded_start[call]);
        if (op != kNone) g_.add_edge(op, call, EdgeKind::kHostWait);
      }
    }
  }

  void add_queue_slots() {
    uint32_t depth = g_.parameters.launch_queue_depth;
    if (depth == 0) return;
    for (const auto& [device, ops] : s_.launched_on_device) {
      for (size_t k = depth; k < ops.size(); ++k) {
        TaskId call = s_.launcher[ops[k].task];
        if (call != kNone) g_.add_edge(ops[k - depth].task, call, EdgeKind::kQueueSlot);
      }
    }
  }

  void add_cross_stream_edges() {
    for (uint32_t row = 0; row < trace_.api_calls.size(); ++row) {
      if (s_.api_role_of[row] != ApiRole::kStreamWaitEvent || s_.api_task[row] == kNone) continue;
      if (!add_recorded_cross_stream_edge(row)) add_inferred_cross_stream_edge(row);
    }
  }

  // From a synchronization record naming the waiting stream and the awaited event record.
  bool add_recorded_cross_stream_edge(uint32_t row) {
    uint32_t i = sync_of(trace_.api_calls.correlation[row]);
    if (i == kNone || syncs().kind[i] != SyncKind::kStreamWaitEvent) return false;
    uint32_t event = kNone;
    if (auto it = event_by_correlation_.find(syncs().event_record_correlation[i]);
        syncs().event_record_correlation[i] != 0 && it != event_by_correlation_.end()) {
      event = it->second;
    } else if (auto by_id = event_by_sync_id_.find(syncs().event_sync_id[i]);
               syncs().event_sync_id[i] != 0 && by_id != event_by_sync_id_.end()) {
      event = by_id->second;
    }
    uint32_t process = process_of_api(row);
    auto record = event == kNone ? s_.api_by_correlation.end()
                                 : s_.api_by_correlation.find(correlation_key(
                                       process, trace_.cuda_events.correlation[event]));
    if (record == s_.api_by_correlation.end() || syncs().stream[i] == kNone ||
        trace_.cuda_events.stream[event] == kNone) {
      g_.diagnostics.add("stream_wait_without_event_record", Severity::kWarning);
      return true;
    }
    ResourceId from_stream = s_.stream_resource[trace_.cuda_events.stream[event]];
    ResourceId to_stream = s_.stream_resource[syncs().stream[i]];
    if (from_stream == kNone || to_stream == kNone || from_stream == to_stream) return true;
    TaskId from = last_launched_before(s_, from_stream, g_.recorded_start[record->second]);
    TaskId to = first_launched_after(s_, to_stream, g_.recorded_start[s_.api_task[row]]);
    if (from != kNone && to != kNone) g_.add_edge(from, to, EdgeKind::kCrossStream);
    return true;
  }

  // Without synchronization records the waiting stream and the awaited event are unknown. The
  // waiting stream is taken to be the one the waiting thread launches to next (PyTorch's
  // current stream); from the wait on, every op launched to it, by any thread, waits: the
  // first of them is the dependent op. The event was recorded on some other stream of the
  // process before the wait, capturing the op launched there last by then: on each other
  // stream, the last op launched before the wait that had ended when the dependent op started
  // (one still running then cannot have been awaited). Each becomes a dependency.
  void add_inferred_cross_stream_edge(uint32_t row) {
    TaskId wait_task = s_.api_task[row];
    TaskId next = next_launch_on_thread(wait_task);
    if (next == kNone) return;
    TimeNs wait_time = g_.recorded_start[wait_task];
    TaskId to = first_launched_after(s_, g_.resource[next], wait_time);
    bool added = false;
    for (ResourceId stream : streams_of_process(process_of_api(row))) {
      if (stream == g_.resource[to]) continue;
      TaskId awaited = last_launched_before_ending_by(g_, s_, stream, wait_time, g_.recorded_start[to]);
      if (awaited == kNone) continue;
      g_.add_edge(awaited, to, EdgeKind::kCrossStream);
      added = true;
    }
    if (added) g_.diagnostics.add("cross_stream_edges_inferred_without_event_records", Severity::kInfo);
  }

  // The GPU op launched by the next launching API call after `task` on its thread.
  TaskId next_launch_on_thread(TaskId task) const {
    for (TaskId t = g_.next_on_resource[task]; t != kNone; t = g_.next_on_resource[t]) {
      if (g_.kind[t] != TaskKind::kApiCall || s_.api_role_of[g_.source_row[t]] != ApiRole::kLaunch) {
        continue;
      }
      if (auto op = launched_op_.find(t); op != launched_op_.end()) return op->second;
    }
    return kNone;
  }

  void add_cross_thread_edges() {
    // API tasks of each process ordered by recorded end.
    std::map<uint32_t, std::vector<TaskId>> calls_by_process;
    for (TaskId t = 0; t < g_.task_count(); ++t) {
      if (g_.kind[t] == TaskKind::kApiCall) {
        calls_by_process[g_.resources[g_.resource[t]].process].push_back(t);
      }
    }
    for (auto& [process, calls] : calls_by_process) {
      std::sort(calls.begin(), calls.end(), [&](TaskId a, TaskId b) {
        return g_.recorded_end[a] != g_.recorded_end[b] ? g_.recorded_end[a] < g_.recorded_end[b]
                                                         : a < b;
      });
    }
    for (TaskId gap = 0; gap < g_.task_count(); ++gap) {
      if (g_.kind[gap] != TaskKind::kCpuWork) continue;
      const Resource& r = g_.resources[g_.resource[gap]];
      const auto& calls = calls_by_process[r.process];
      auto by_end = [&](TaskId t, TimeNs time) { return g_.recorded_end[t] < time; };
      auto first = std::lower_bound(calls.begin(), calls.end(), g_.recorded_start[gap] + 1, by_end);
      auto last = std::lower_bound(calls.begin(), calls.end(), g_.recorded_end[gap] + 1, by_end);
      uint32_t others = 0;
      TaskId waker = kNone;
      for (auto it = last; it != first;) {
        --it;
        if (g_.resource[*it] == g_.resource[gap]) continue;
        if (waker == kNone) waker = *it;
        if (++others >= kMinHandOffCalls) break;
      }
      if (others >= kMinHandOffCalls) g_.add_edge(waker, gap, EdgeKind::kCrossThread);
    }
  }

  void keep_post_wait_durations() {
    std::vector<TimeNs> awaited_end(g_.task_count(), INT64_MIN);
    for (EdgeId e = 0; e < g_.edge_count(); ++e) {
      if (!is_wait_edge(g_.edge_kind[e])) continue;
      TaskId to = g_.edge_to[e];
      awaited_end[to] = std::max(awaited_end[to], g_.recorded_end[g_.edge_from[e]]);
    }
    for (TaskId t = 0; t < g_.task_count(); ++t) {
      if (awaited_end[t] == INT64_MIN || g_.kind[t] == TaskKind::kGpuOp) continue;
      TimeNs wait_over = std::max(g_.recorded_start[t], awaited_end[t]);
      g_.duration[t] = std::max<TimeNs>(0, g_.recorded_end[t] - wait_over);
    }
  }

  Graph& g_;
  BuildState& s_;
  const Trace& trace_;
  std::unordered_map<TaskId, TaskId> launched_op_;  // API task → (first) GPU op it launched
  std::unordered_map<uint64_t, uint32_t> sync_by_correlation_;
  std::unordered_map<uint64_t, uint32_t> event_by_correlation_;
  std::unordered_map<uint64_t, uint32_t> event_by_sync_id_;
};

}  // namespace

void infer_dependencies(Graph& graph, BuildState& state) {
  Inference(graph, state).run();
}

}  // namespace dd
