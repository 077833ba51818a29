// Range-stack attribution of tasks (see attribution.h).
#include "graph/attribution.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace dd {

namespace {

enum class PhaseMark : uint8_t { kNone, kForward, kBackward, kOptimizer, kData };

struct RangeAttribution {
  StringId op = kEmptyString;
  uint32_t op_range = kNone;  // the outermost framework op's range (the op instance)
  StringId layer = kEmptyString;
  PhaseMark phase = PhaseMark::kNone;
  int64_t sequence = -1;  // of the outermost framework op
  bool done = false;
};

Phase to_phase(PhaseMark mark) {
  switch (mark) {
    case PhaseMark::kForward: return Phase::kForward;
    case PhaseMark::kBackward: return Phase::kBackward;
    case PhaseMark::kOptimizer: return Phase::kOptimizer;
    case PhaseMark::kData: return Phase::kData;
    case PhaseMark::kNone: break;
  }
  return Phase::kOther;
}

PhaseMark phase_mark(std::string_view name) {
  if (name.starts_with("autograd::engine::evaluate_function")) return PhaseMark::kBackward;
  if (name.starts_with("Optimizer.")) return PhaseMark::kOptimizer;
  if (name.find("DataLoader") != std::string_view::npos) return PhaseMark::kData;
  if (name.starts_with("dd:phase:")) {
    std::string_view phase = name.substr(9);
    if (phase == "forward") return PhaseMark::kForward;
    if (phase == "backward") return PhaseMark::kBackward;
    if (phase == "optimizer") return PhaseMark::kOptimizer;
    if (phase == "data") return PhaseMark::kData;
  }
  return PhaseMark::kNone;
}

// The module a range stands for, or "".
std::string_view module_name(RangeKind kind, std::string_view name) {
  if (kind == RangeKind::kPythonFunction && name.starts_with("nn.Module: ")) return name.substr(11);
  if (kind == RangeKind::kNvtx && name.starts_with("dd:module:")) {
    std::string_view rest = name.substr(10);
    return rest.substr(0, rest.find('|'));
  }
  return {};
}

class Attributor {
 public:
  Attributor(Graph& g, const BuildState& s) : g_(g), s_(s), trace_(s.trace), ranges_(trace_.ranges) {
    memo_.resize(ranges_.size());
  }

  void run() {
    for (uint32_t r = 0; r < ranges_.size(); ++r) attribution(r);
    map_forward_layers();
    group_ranges_by_thread();
    group_phase_ranges_by_process();
    for (size_t i = 0; i < g_.iterations.size(); ++i) {
      iteration_starts_.push_back(g_.recorded_start[g_.iterations[i].start_task]);
    }
    for (ResourceId r = 0; r < g_.resources.size(); ++r) {
      if (g_.resources[r].kind == ResourceKind::kCpuThread) attribute_thread(r);
    }
    attribute_gpu_ops();
    attribute_memory_events();
  }

 private:
  const RangeAttribution& attribution(uint32_t range) {
    // Resolve the chain of unresolved ancestors top-down, without recursion.
    chain_.clear();
    for (uint32_t r = range; r != kNone && !memo_[r].done; r = ranges_.parent[r]) chain_.push_back(r);
    for (auto it = chain_.rbegin(); it != chain_.rend(); ++it) {
      uint32_t r = *it;
      uint32_t parent = ranges_.parent[r];
      RangeAttribution a = parent == kNone ? RangeAttribution{} : memo_[parent];
      std::string_view name = trace_.str(ranges_.name[r]);
      if (ranges_.kind[r] == RangeKind::kFrameworkOp && a.op == kEmptyString) {
        a.op = ranges_.name[r];
        a.op_range = r;
        a.sequence = ranges_.sequence_number[r];
      }
      std::string_view module = module_name(ranges_.kind[r], name);
      if (!module.empty()) a.layer = g_.intern(module);
      if (PhaseMark mark = phase_mark(name); mark != PhaseMark::kNone) a.phase = mark;
      a.done = true;
      memo_[r] = a;
    }
    return memo_[range];
  }

  // Forward ops' layers by sequence number, and backward ranges linked by fwdbwd flows.
  void map_forward_layers() {
    for (uint32_t r = 0; r < ranges_.size(); ++r) {
      const RangeAttribution& a = memo_[r];
      if (a.phase != PhaseMark::kBackward && a.sequence >= 0 && a.layer != kEmptyString) {
        layer_by_sequence_.emplace(a.sequence, a.layer);
      }
    }
    for (size_t i = 0; i < trace_.range_links.size(); ++i) {
      uint32_t from = trace_.range_links.from[i], to = trace_.range_links.to[i];
      if (from < ranges_.size() && to < ranges_.size() && memo_[from].layer != kEmptyString) {
        linked_layer_.emplace(to, memo_[from].layer);
      }
    }
  }

  StringId backward_layer(uint32_t range) const {
    // The outermost framework op carries the sequence number and the fwdbwd link.
    uint32_t outer = range;
    for (uint32_t r = range; r != kNone; r = ranges_.parent[r]) {
      if (ranges_.kind[r] == RangeKind::kFrameworkOp) outer = r;
    }
    if (auto it = linked_layer_.find(outer); it != linked_layer_.end()) return it->second;
    if (auto it = layer_by_sequence_.find(memo_[range].sequence); it != layer_by_sequence_.end()) {
      return it->second;
    }
    return kEmptyString;
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
      if (!name.starts_with("dd:phase:") || phase_mark(name) == PhaseMark::kNone) continue;
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

  // A thread most of whose top-level framework ops are autograd evaluate_function calls.
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

  // Op, layer and phase of work inside range `innermost` (or none) in iteration `iteration`,
  // while the process's phase range `phase_range` (or none) is open.
  EventSite site_of(uint32_t innermost, uint32_t phase_range, int32_t iteration,
                    Phase default_phase) {
    EventSite site;
    site.iteration = iteration;
    site.phase = site.iteration >= 0 ? default_phase : Phase::kOther;
    if (phase_range != kNone) site.phase = to_phase(memo_[phase_range].phase);
    if (innermost == kNone) return site;
    const RangeAttribution& a = memo_[innermost];
    site.op = a.op;
    site.op_range = a.op_range;
    site.layer = a.layer;
    if (a.phase != PhaseMark::kNone) site.phase = to_phase(a.phase);
    if (site.phase == Phase::kBackward && a.layer == kEmptyString) site.layer = backward_layer(innermost);
    return site;
  }

  Phase default_phase_of(uint32_t thread) const {
    return is_backward_thread(ranges_of_thread_[thread]) ? Phase::kBackward : Phase::kForward;
  }

  void attribute_thread(ResourceId resource) {
    uint32_t thread = g_.resources[resource].trace_index;
    RangeStack stack(ranges_, ranges_of_thread_[thread]);
    RangeStack phases(ranges_, phase_ranges_of_thread(thread));
    Phase default_phase = default_phase_of(thread);
    for (TaskId t = g_.resources[resource].first; t != kNone; t = g_.next_on_resource[t]) {
      TimeNs at = g_.kind[t] == TaskKind::kApiCall
                      ? g_.recorded_start[t]
                      : g_.recorded_start[t] + (g_.recorded_end[t] - g_.recorded_start[t]) / 2;
      EventSite site = site_of(stack.innermost_at(at), phases.innermost_at(at),
                               iteration_at(g_.recorded_start[t]), default_phase);
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
      Phase default_phase = default_phase_of(thread);
      for (uint32_t e : rows) {
        TimeNs at = events.time[e];
        g_.memory_event_sites[e] = site_of(stack.innermost_at(at), phases.innermost_at(at),
                                           iteration_at(at), default_phase);
      }
    }
  }

  int32_t iteration_at(TimeNs time) const {
    auto it = std::upper_bound(iteration_starts_.begin(), iteration_starts_.end(), time);
    if (it == iteration_starts_.begin()) return -1;
    auto i = static_cast<size_t>(it - iteration_starts_.begin() - 1);
    TaskId end = g_.iterations[i].end_task;
    if (end != kNone && g_.recorded_start[end] <= time) return -1;
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
  std::vector<RangeAttribution> memo_;
  std::vector<uint32_t> chain_;
  std::vector<std::vector<uint32_t>> ranges_of_thread_;
  std::vector<std::vector<uint32_t>> phase_ranges_of_process_;
  std::vector<TimeNs> iteration_starts_;
  std::unordered_map<int64_t, StringId> layer_by_sequence_;
  std::unordered_map<uint32_t, StringId> linked_layer_;
};

}  // namespace

void attribute_tasks(Graph& graph, const BuildState& state) { Attributor(graph, state).run(); }

}  // namespace dd
