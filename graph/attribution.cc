// Range-stack attribution of tasks (see attribution.h).
#include "graph/attribution.h"

#include <algorithm>
#include <optional>

#include "graph/layer_units.h"
#include "graph/range_names.h"

namespace dd {

namespace {

Phase to_phase(PhaseMark mark) {
  switch (mark) {
    case PhaseMark::kForward: return Phase::kForward;
    case PhaseMark::kBackward: return Phase::kBackward;
    case PhaseMark::kOptimizer: return Phase::kOptimizer;
    case PhaseMark::kData: return Phase::kData;
    case PhaseMark::kUnmarked: break;
  }
  return Phase::kOther;
}

class Attributor {
 public:
  Attributor(Graph& g, const BuildState& s) : g_(g), s_(s), trace_(s.trace), ranges_(trace_.ranges) {
    memo_.resize(ranges_.size());
    resolved_.resize(ranges_.size(), 0);
  }

  void run() {
    for (uint32_t r = 0; r < ranges_.size(); ++r) site_of_range(r);
    group_ranges_by_thread();
    group_phase_ranges_by_process();
    for (size_t i = 0; i < g_.iterations.size(); ++i) {
      iteration_starts_.push_back(g_.recorded_start[g_.iterations[i].start_task]);
    }
    find_default_phases();
    std::vector<OpCall> calls = op_calls();
    find_backward_passes(calls);
    units_.emplace(g_, memo_, std::move(calls));
    for (ResourceId r = 0; r < g_.resources.size(); ++r) {
      if (g_.resources[r].kind == ResourceKind::kCpuThread) attribute_thread(r);
    }
    attribute_gpu_ops();
    attribute_memory_events();
  }

 private:
  const RangeSite& site_of_range(uint32_t range) {
    // Resolve the chain of unresolved ancestors top-down, without recursion.
    chain_.clear();
    for (uint32_t r = range; r != kNone && !resolved_[r]; r = ranges_.parent[r]) chain_.push_back(r);
    for (auto it = chain_.rbegin(); it != chain_.rend(); ++it) {
      uint32_t r = *it;
      uint32_t parent = ranges_.parent[r];
      RangeSite a = parent == kNone ? RangeSite{} : memo_[parent];
      std::string_view name = trace_.str(ranges_.name[r]);
      if (ranges_.kind[r] == RangeKind::kFrameworkOp && a.op == kEmptyString) {
        a.op = ranges_.name[r];
        a.op_range = r;
        a.sequence = ranges_.sequence_number[r];
      }
      if (std::string_view module = module_name(ranges_.kind[r], name); !module.empty()) {
        a.layer = g_.intern(module);
        g_.layer_types.emplace(a.layer, g_.intern(module_type(ranges_.kind[r], name)));
      }
      if (PhaseMark mark = phase_mark(ranges_.kind[r], name); mark != PhaseMark::kUnmarked) a.phase = mark;
      resolved_[r] = 1;
      memo_[r] = a;
    }
    return memo_[range];
  }

  // Outer ranges first: by start, then the longer one.
  void sort_by_start(std::vector<uint32_t>& rows) const {
    std::sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
      if (ranges_.start[a] != ranges_.start[b]) return ranges_.start[a] < ranges_.start[b];
      if (ranges_.end[a] != ranges_.end[b]) return ranges_.end[a] > ranges_.end[b];
      return a < b;
    });
  }

  void group_ranges_by_thread() {
    ranges_of_thread_.resize(trace_.threads.size());
    for (uint32_t r = 0; r < ranges_.size(); ++r) {
      if (ranges_.thread[r] < ranges_of_thread_.size()) ranges_of_thread_[ranges_.thread[r]].push_back(r);
    }
    for (auto& rows : ranges_of_thread_) sort_by_start(rows);
  }

  // The `dd:phase:*` ranges of each process. The shim marks phases on the training thread
  // only, but a phase is global in time: a kernel the autograd thread launches while the
  // training thread is blocked in backward() belongs to backward (collector-design §6.3,
  // step 5). Threads whose own ranges name no phase take the phase open at the time.
  void group_phase_ranges_by_process() {
    phase_ranges_of_process_.resize(trace_.processes.size());
    for (uint32_t r = 0; r < ranges_.size(); ++r) {
      uint32_t thread = ranges_.thread[r];
      if (ranges_.kind[r] != RangeKind::kNvtx || thread >= trace_.threads.size()) continue;
      std::string_view name = trace_.str(ranges_.name[r]);
      if (!name.starts_with("dd:phase:") || phase_mark(ranges_.kind[r], name) == PhaseMark::kUnmarked) continue;
      uint32_t process = trace_.threads.process[thread];
      if (process < phase_ranges_of_process_.size()) phase_ranges_of_process_[process].push_back(r);
    }
    for (auto& rows : phase_ranges_of_process_) sort_by_start(rows);
  }

  const std::vector<uint32_t>& phase_ranges_of_thread(uint32_t thread) const {
    static const std::vector<uint32_t> kNoRanges;
    uint32_t process = trace_.threads.process[thread];
    return process < phase_ranges_of_process_.size() ? phase_ranges_of_process_[process] : kNoRanges;
  }

  // A thread most of whose top-level framework ops run autograd nodes (autograd's device
  // threads) does backward work wherever its ranges say nothing else.
  bool is_backward_thread(const std::vector<uint32_t>& rows) const {
    size_t backward = 0, top_level = 0;
    for (uint32_t r : rows) {
      if (ranges_.kind[r] != RangeKind::kFrameworkOp || ranges_.parent[r] != kNone) continue;
      ++top_level;
      if (memo_[r].phase == PhaseMark::kBackward) ++backward;
    }
    return top_level > 0 && 2 * backward >= top_level;
  }

  // The ranges of one thread open at a time; times asked must not decrease.
  class RangeStack {
   public:
    RangeStack(const RangeTable& ranges, const std::vector<uint32_t>& rows)
        : ranges_(ranges), rows_(rows) {}

    // The innermost range open at `at`, or kNone.
    uint32_t innermost_at(TimeNs at) {
      while (next_ < rows_.size() && ranges_.start[rows_[next_]] <= at) {
        uint32_t opening = rows_[next_++];
        while (!stack_.empty() && ranges_.end[stack_.back()] <= ranges_.start[opening]) stack_.pop_back();
        stack_.push_back(opening);
      }
      while (!stack_.empty() && ranges_.end[stack_.back()] <= at) stack_.pop_back();
      return stack_.empty() ? kNone : stack_.back();
    }

   private:
    const RangeTable& ranges_;
    const std::vector<uint32_t>& rows_;
    std::vector<uint32_t> stack_;
    size_t next_ = 0;
  };

  // The phase of work inside a range attributed `a` (nullptr: in none) in iteration
  // `iteration`, while the process's phase range `phase_range` (or none) is open: the
  // innermost mark around it, else the process's phase range, else the thread's default
  // (outside the marked iterations: other).
  Phase phase_of(const RangeSite* a, uint32_t phase_range, int32_t iteration, Phase default_phase) const {
    if (a != nullptr && a->phase != PhaseMark::kUnmarked) return to_phase(a->phase);
    if (phase_range != kNone) return to_phase(memo_[phase_range].phase);
    return iteration >= 0 || g_.iterations.empty() ? default_phase : Phase::kOther;
  }

  // Op, layer and phase of work at `at` on `thread` inside range `innermost` (or none) in
  // iteration `iteration`, while the process's phase range `phase_range` (or none) is open.
  // Work in no framework op that would be forward by default but happens while the process
  // runs a backward pass is the training thread waiting for backward: backward.
  EventSite site_of(uint32_t thread, TimeNs at, uint32_t innermost, uint32_t phase_range,
                    int32_t iteration) const {
    EventSite site;
    site.iteration = iteration;
    const RangeSite* a = innermost == kNone ? nullptr : &memo_[innermost];
    site.phase = phase_of(a, phase_range, iteration, default_phase_[thread]);
    bool unmarked = phase_range == kNone && (a == nullptr || a->phase == PhaseMark::kUnmarked);
    bool in_op = a != nullptr && a->op != kEmptyString;
    if (unmarked && !in_op && site.phase == Phase::kForward && in_backward_pass(thread, at)) {
      site.phase = Phase::kBackward;
    }
    if (a == nullptr) return site;
    site.op = a->op;
    site.op_range = a->op_range;
    site.layer = a->layer != kEmptyString ? a->layer : units_->layer_of(a->op_range);
    return site;
  }

  // The spans of each process's backward passes: from the first to the end of the last of
  // consecutive backward op calls, a forward call ending the run.
  void find_backward_passes(const std::vector<OpCall>& calls) {
    std::vector<const OpCall*> sorted;
    for (const OpCall& call : calls) sorted.push_back(&call);
    std::sort(sorted.begin(), sorted.end(), [&](const OpCall* a, const OpCall* b) {
      return ranges_.start[a->range] < ranges_.start[b->range];
    });
    backward_passes_.resize(trace_.processes.size());
    std::vector<uint8_t> open(trace_.processes.size(), 0);
    for (const OpCall* call : sorted) {
      uint32_t process = trace_.threads.process[ranges_.thread[call->range]];
      if (process >= backward_passes_.size()) continue;
      auto& passes = backward_passes_[process];
      if (call->phase == Phase::kForward) {
        open[process] = 0;
      } else if (call->phase == Phase::kBackward) {
        if (!open[process]) passes.push_back({ranges_.start[call->range], ranges_.end[call->range]});
        open[process] = 1;
        passes.back().second = std::max(passes.back().second, ranges_.end[call->range]);
      }
    }
  }

  bool in_backward_pass(uint32_t thread, TimeNs at) const {
    uint32_t process = trace_.threads.process[thread];
    if (process >= backward_passes_.size()) return false;
    const auto& passes = backward_passes_[process];
    auto after = std::upper_bound(passes.begin(), passes.end(), std::pair(at, INT64_MAX));
    return after != passes.begin() && at < std::prev(after)->second;
  }

  void find_default_phases() {
    default_phase_.resize(trace_.threads.size());
    for (uint32_t thread = 0; thread < trace_.threads.size(); ++thread) {
      default_phase_[thread] =
          is_backward_thread(ranges_of_thread_[thread]) ? Phase::kBackward : Phase::kForward;
    }
  }

  // Every outermost framework-op range with the phase and iteration of its work.
  std::vector<OpCall> op_calls() {
    std::vector<OpCall> calls;
    for (uint32_t thread = 0; thread < ranges_of_thread_.size(); ++thread) {
      RangeStack phases(ranges_, phase_ranges_of_thread(thread));
      for (uint32_t r : ranges_of_thread_[thread]) {
        if (memo_[r].op_range != r) continue;
        int32_t iteration = iteration_at(ranges_.start[r]);
        calls.push_back({r, phase_of(&memo_[r], phases.innermost_at(ranges_.start[r]), iteration,
                                     default_phase_[thread]),
                         iteration});
      }
    }
    return calls;
  }

  void attribute_thread(ResourceId resource) {
    uint32_t thread = g_.resources[resource].trace_index;
    RangeStack stack(ranges_, ranges_of_thread_[thread]);
    RangeStack phases(ranges_, phase_ranges_of_thread(thread));
    for (TaskId t = g_.resources[resource].first; t != kNone; t = g_.next_on_resource[t]) {
      TimeNs at = g_.kind[t] == TaskKind::kApiCall
                      ? g_.recorded_start[t]
                      : g_.recorded_start[t] + (g_.recorded_end[t] - g_.recorded_start[t]) / 2;
      EventSite site = site_of(thread, at, stack.innermost_at(at), phases.innermost_at(at),
                               iteration_at(g_.recorded_start[t]));
      g_.op[t] = site.op;
      g_.layer[t] = site.layer;
      g_.phase[t] = site.phase;
      g_.iteration[t] = site.iteration;
    }
  }

  // Allocator events take the site of the instant they happened at on their thread.
  void attribute_memory_events() {
    const MemoryEventTable& events = trace_.memory_events;
    g_.memory_event_sites.assign(events.size(), EventSite{});
    std::vector<std::vector<uint32_t>> by_thread(trace_.threads.size());
    for (uint32_t e = 0; e < events.size(); ++e) {
      if (events.thread[e] < by_thread.size()) {
        by_thread[events.thread[e]].push_back(e);
      } else {
        g_.memory_event_sites[e].iteration = iteration_at(events.time[e]);
      }
    }
    for (uint32_t thread = 0; thread < by_thread.size(); ++thread) {
      std::vector<uint32_t>& rows = by_thread[thread];
      if (rows.empty()) continue;
      std::stable_sort(rows.begin(), rows.end(),
                       [&](uint32_t a, uint32_t b) { return events.time[a] < events.time[b]; });
      RangeStack stack(ranges_, ranges_of_thread_[thread]);
      RangeStack phases(ranges_, phase_ranges_of_thread(thread));
      for (uint32_t e : rows) {
        TimeNs at = events.time[e];
        g_.memory_event_sites[e] = site_of(thread, at, stack.innermost_at(at),
                                           phases.innermost_at(at), iteration_at(at));
      }
    }
  }

  // The iteration `time` falls in: like iteration_times(), an iteration lasts from its start
  // to the next one's (a marker that covers only part of an iteration, such as an optimizer
  // step, still delimits whole iterations), the last one to its end task; -1 outside.
  int32_t iteration_at(TimeNs time) const {
    auto it = std::upper_bound(iteration_starts_.begin(), iteration_starts_.end(), time);
    if (it == iteration_starts_.begin()) return -1;
    auto i = static_cast<size_t>(it - iteration_starts_.begin() - 1);
    TaskId end = g_.iterations[i].end_task;
    bool last = i + 1 == iteration_starts_.size();
    if (last && end != kNone && g_.recorded_start[end] <= time) return -1;
    return static_cast<int32_t>(i);
  }

  void attribute_gpu_ops() {
    const GpuOpTable& ops = trace_.gpu_ops;
    for (TaskId t = 0; t < g_.task_count(); ++t) {
      if (g_.kind[t] != TaskKind::kGpuOp) continue;
      TaskId api = s_.launcher[t];
      if (api != kNone) {
        g_.op[t] = g_.op[api];
        g_.layer[t] = g_.layer[api];
        g_.phase[t] = g_.phase[api];
        g_.iteration[t] = g_.iteration[api];
      } else {
        g_.iteration[t] = iteration_at(g_.recorded_start[t]);
      }
      uint32_t row = g_.source_row[t];
      switch (ops.kind[row]) {
        case GpuOpKind::kMemcpy: g_.kernel_class[t] = KernelClass::kCopy; break;
        case GpuOpKind::kMemset: g_.kernel_class[t] = KernelClass::kMemset; break;
        case GpuOpKind::kKernel:
          g_.kernel_class[t] = classify_kernel(g_.str(g_.name[t]), g_.str(g_.op[t]));
          break;
      }
    }
  }

  Graph& g_;
  const BuildState& s_;
  const Trace& trace_;
  const RangeTable& ranges_;
  std::vector<RangeSite> memo_;
  std::vector<uint8_t> resolved_;  // per range: memo_ filled
  std::vector<uint32_t> chain_;
  std::vector<std::vector<uint32_t>> ranges_of_thread_;
  std::vector<std::vector<uint32_t>> phase_ranges_of_process_;
  std::vector<Phase> default_phase_;  // per thread
  std::vector<std::vector<std::pair<TimeNs, TimeNs>>> backward_passes_;  // per process, sorted
  std::vector<TimeNs> iteration_starts_;
  std::optional<LayerUnits> units_;
};

}  // namespace

void attribute_tasks(Graph& graph, const BuildState& state) { Attributor(graph, state).run(); }

}  // namespace dd
