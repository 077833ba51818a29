// Memory breakdown (see memory_metrics.h): the analysed GPU's allocator events in time order,
// each allocation paired with its free and categorised, then one sweep that keeps the bytes
// per category, finds the peak, samples the series and checks the sums against the
// allocator's own running totals. Byte sums saturate (saturating_time.h): a corrupt trace can
// hold sizes whose sum does not fit in int64.
#include "reports/memory_metrics.h"

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>
#include <unordered_map>

#include "reports/text_table.h"
#include "simulator/saturating_time.h"

namespace dd {

namespace {

using Category = MemoryCategory;

// One allocation seen in the trace.
struct Block {
  size_t alloc = 0;  // position of its events in the sorted event list
  size_t free = std::numeric_limits<size_t>::max();  // max: not freed in the trace
  int64_t bytes = 0;
  Category category = Category::kOther;
  bool freed() const { return free != std::numeric_limits<size_t>::max(); }
};

// Where each sorted event's bytes go: +bytes into a block's category, or a free.
struct Step {
  uint32_t row = 0;        // MemoryEventTable row
  uint32_t block = kNone;  // the block allocated or freed; kNone: a free of an older block
};

// The GPU with the most allocator events, and the other GPUs that have some.
std::pair<int32_t, std::vector<int32_t>> choose_device(const MemoryEventTable& events,
                                                       int32_t wanted) {
  std::map<int32_t, uint64_t> per_device;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events.device[i] >= 0) ++per_device[events.device[i]];
  }
  int32_t chosen = wanted;
  if (chosen < 0) {
    uint64_t most = 0;
    for (auto [device, count] : per_device) {
      if (count <= most) continue;
      chosen = device;
      most = count;
    }
  }
  std::vector<int32_t> others;
  for (auto [device, count] : per_device) {
    if (device != chosen) others.push_back(device);
  }
  return {chosen, others};
}

// The analysed device's events in time order (trace order on ties), of the process with the
// most of them (another rank's GPU of the same id is another GPU); `others` counts the rest.
std::vector<uint32_t> device_events(const MemoryEventTable& events, int32_t device,
                                    uint64_t& others) {
  std::map<uint32_t, uint64_t> per_process;
  for (uint32_t i = 0; i < events.size(); ++i) {
    if (events.device[i] == device) ++per_process[events.process[i]];
  }
  uint32_t chosen = kNone;
  uint64_t most = 0;
  for (auto [process, count] : per_process) {
    if (count > most) {
      chosen = process;
      most = count;
    }
  }
  std::vector<uint32_t> rows;
  others = 0;
  for (uint32_t i = 0; i < events.size(); ++i) {
    if (events.device[i] != device) continue;
    if (events.process[i] == chosen) {
      rows.push_back(i);
    } else {
      ++others;
    }
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [&](uint32_t a, uint32_t b) { return events.time[a] < events.time[b]; });
  return rows;
}

// The marked iterations' span in trace time; {max, max} without markers.
struct IterationSpan {
  TimeNs first_start = std::numeric_limits<TimeNs>::max();
  TimeNs last_end = std::numeric_limits<TimeNs>::max();
};

IterationSpan iteration_span(const Graph& graph) {
  IterationSpan span;
  if (graph.iterations.empty()) return span;
  span.first_start = graph.recorded_start[graph.iterations.front().start_task];
  TaskId end = graph.iterations.back().end_task;
  if (end != kNone) span.last_end = graph.recorded_start[end];
  return span;
}

// The category rules of memory_metrics.h, in order.
Category categorize(const EventSite& a, TimeNs alloc_time, const EventSite* f, TimeNs free_time,
                    const IterationSpan& span) {
  bool before_iterations = alloc_time < span.first_start;
  if (before_iterations && span.first_start != std::numeric_limits<TimeNs>::max() &&
      (f == nullptr || free_time >= span.last_end)) {
    return Category::kWeights;
  }
  if (f != nullptr) {
    if (a.op_range != kNone && a.op_range == f->op_range) return Category::kTemporaries;
    if (a.iteration == f->iteration && a.phase == f->phase) return Category::kTemporaries;
  }
  switch (a.phase) {
    case Phase::kForward:
      return Category::kActivations;
    case Phase::kBackward:
      return Category::kGradients;
    case Phase::kOptimizer:
      if (f == nullptr || f->iteration != a.iteration) return Category::kOptimizerState;
      break;
    case Phase::kData:
    case Phase::kOther:
      break;
  }
  return Category::kOther;
}

class MemoryAnalysis {
 public:
  MemoryAnalysis(const Graph& graph, std::vector<uint32_t> rows, MemoryBreakdown& out)
      : g_(graph), events_(graph.trace().memory_events), rows_(std::move(rows)), out_(out) {}

  void run() {
    out_.events = rows_.size();
    out_.first_event = events_.time[rows_.front()];
    out_.has_addresses = std::any_of(rows_.begin(), rows_.end(),
                                     [&](uint32_t r) { return events_.address[r] != 0; });
    out_.has_allocator_totals = std::all_of(
        rows_.begin(), rows_.end(), [&](uint32_t r) { return events_.total_allocated[r] >= 0; });
    out_.before_trace_known = out_.has_allocator_totals;
    out_.categories_known = out_.has_addresses;
    out_.process = events_.process[rows_.front()];
    pair_blocks();
    if (out_.categories_known) categorize_blocks();
    out_.before_trace_bytes = before_trace_bytes();
    sweep();
    if (out_.categories_known) find_holders();
  }

 private:
  int64_t signed_bytes(uint32_t row) const {
    return events_.op[row] == MemoryOp::kAlloc ? events_.bytes[row] : -events_.bytes[row];
  }

  // Allocations and frees matched by address: a free closes the latest live block there.
  void pair_blocks() {
    std::unordered_map<uint64_t, uint32_t> live;  // address -> block
    steps_.reserve(rows_.size());
    for (size_t i = 0; i < rows_.size(); ++i) {
      uint32_t row = rows_[i];
      Step step{row, kNone};
      if (events_.op[row] == MemoryOp::kAlloc) {
        ++out_.allocations;
        step.block = static_cast<uint32_t>(blocks_.size());
        blocks_.push_back({i, std::numeric_limits<size_t>::max(), events_.bytes[row]});
        if (out_.has_addresses) live[events_.address[row]] = step.block;
      } else {
        ++out_.frees;
        auto it = out_.has_addresses ? live.find(events_.address[row]) : live.end();
        if (it != live.end()) {
          step.block = it->second;
          blocks_[step.block].free = i;
          live.erase(it);
        } else if (out_.has_addresses) {
          ++out_.unmatched_frees;
        }
      }
      steps_.push_back(step);
    }
  }

  void categorize_blocks() {
    IterationSpan span = iteration_span(g_);
    const auto& sites = g_.memory_event_sites;
    for (Block& block : blocks_) {
      uint32_t alloc_row = rows_[block.alloc];
      const EventSite* free_site = nullptr;
      TimeNs free_time = 0;
      if (block.freed()) {
        free_site = &sites[rows_[block.free]];
        free_time = events_.time[rows_[block.free]];
      }
      block.category =
          categorize(sites[alloc_row], events_.time[alloc_row], free_site, free_time, span);
    }
  }

  // From the allocator's total at the first event, or (without totals) the least that must
  // have been allocated before the trace for its frees to be possible: the frees of blocks the
  // trace did not see allocated (with addresses), or, without addresses, every event: the
  // allocated total never goes below zero.
  int64_t before_trace_bytes() const {
    if (out_.has_allocator_totals) {
      uint32_t first = rows_.front();
      return std::max<int64_t>(0,
                               add_saturated(events_.total_allocated[first], -signed_bytes(first)));
    }
    int64_t running = 0;
    int64_t lowest = 0;
    for (const Step& step : steps_) {
      if (out_.has_addresses && step.block != kNone) continue;
      running = add_saturated(running, signed_bytes(step.row));
      lowest = std::min(lowest, running);
    }
    return -lowest;
  }

  // The bytes an event adds to (or, negative, takes from) a category.
  std::pair<Category, int64_t> change_of(const Step& step) const {
    if (!out_.categories_known) return {Category::kOther, signed_bytes(step.row)};
    if (step.block == kNone) return {Category::kBeforeTrace, signed_bytes(step.row)};
    const Block& block = blocks_[step.block];
    bool alloc = events_.op[step.row] == MemoryOp::kAlloc;
    return {block.category, alloc ? block.bytes : -block.bytes};
  }

  void sweep() {
    MemorySample sample;
    sample.bytes[static_cast<size_t>(Category::kBeforeTrace)] = out_.before_trace_bytes;
    const auto& sites = g_.memory_event_sites;
    std::vector<int64_t> iteration_peak(g_.iterations.size(), 0);
    SeriesSampler sampler(events_.time[rows_.front()], events_.time[rows_.back()]);
    bool have_peak = false;
    for (size_t i = 0; i < steps_.size(); ++i) {
      uint32_t row = steps_[i].row;
      auto [category, change] = change_of(steps_[i]);
      int64_t& bytes = sample.bytes[static_cast<size_t>(category)];
      bytes = add_saturated(bytes, change);
      sample.time = events_.time[row];
      int64_t total = sample.total();
      if (out_.has_allocator_totals && total != events_.total_allocated[row])
        ++out_.total_mismatches;
      if (!have_peak || total > out_.peak_bytes) {
        have_peak = true;
        peak_step_ = i;
        out_.peak_bytes = total;
        out_.peak_time = sample.time;
        out_.at_peak = sample.bytes;
        out_.peak_recorded_total = events_.total_allocated[row];
        out_.peak_reserved = events_.total_reserved[row];
      }
      int32_t iteration = sites[row].iteration;
      if (iteration >= 0) iteration_peak[iteration] = std::max(iteration_peak[iteration], total);
      sampler.add(sample);
    }
    out_.series = sampler.take();
    out_.growth_bytes = add_saturated(out_.peak_bytes, -out_.before_trace_bytes);
    for (size_t i = 0; i < iteration_peak.size(); ++i) {
      std::string name(g_.str(g_.iterations[i].name));
      out_.iteration_peaks.push_back(
          {name.empty() ? "iteration " + std::to_string(i) : name, iteration_peak[i]});
    }
    out_.peak_site = describe_site(sites[steps_[peak_step_].row]);
  }

  std::string describe_site(const EventSite& site) const {
    std::string text = site.iteration >= 0
                           ? std::string(g_.str(g_.iterations[site.iteration].name)) + ", "
                       : g_.iterations.empty() ? ""
                                               : "outside the marked iterations, ";
    text += std::string(phase_name(site.phase));
    if (site.op != kEmptyString) text += ", in " + std::string(g_.str(site.op));
    if (site.layer != kEmptyString) text += ", layer " + std::string(g_.str(site.layer));
    return text;
  }

  // Live blocks at the peak, by the layer and by the op that allocated them.
  void find_holders() {
    std::map<std::string, MemoryHolder> layers, ops;
    auto add = [](std::map<std::string, MemoryHolder>& rows, std::string name, int64_t bytes) {
      MemoryHolder& row = rows[name];
      row.name = std::move(name);
      row.bytes = add_saturated(row.bytes, bytes);
      ++row.blocks;
    };
    for (const Block& block : blocks_) {
      if (block.alloc > peak_step_ || (block.freed() && block.free <= peak_step_)) continue;
      const EventSite& site = g_.memory_event_sites[rows_[block.alloc]];
      add(layers, site.layer == kEmptyString ? "(unattributed)" : std::string(g_.str(site.layer)),
          block.bytes);
      add(ops, site.op == kEmptyString ? "(no framework op)" : std::string(g_.str(site.op)),
          block.bytes);
    }
    out_.layers_at_peak = top_holders(std::move(layers), "layers");
    out_.ops_at_peak = top_holders(std::move(ops), "ops");
  }

  // Largest first (name on ties), the top kTopMemoryHolders and the rest in one row.
  static std::vector<MemoryHolder> top_holders(std::map<std::string, MemoryHolder> by_name,
                                               std::string_view noun) {
    std::vector<MemoryHolder> rows;
    for (auto& entry : by_name) rows.push_back(std::move(entry.second));
    std::stable_sort(rows.begin(), rows.end(), [](const MemoryHolder& a, const MemoryHolder& b) {
      return a.bytes > b.bytes;
    });
    if (rows.size() > kTopMemoryHolders) {
      MemoryHolder rest{"(" + std::to_string(rows.size() - kTopMemoryHolders) + " more " +
                        std::string(noun) + ")"};
      for (size_t i = kTopMemoryHolders; i < rows.size(); ++i) {
        rest.bytes = add_saturated(rest.bytes, rows[i].bytes);
        rest.blocks += rows[i].blocks;
      }
      rows.resize(kTopMemoryHolders);
      rows.push_back(std::move(rest));
    }
    return rows;
  }

  // Keeps, per equal slice of the time range, the sample with the largest total (the first
  // on ties), so the series is short and still shows every slice's high point and the peak.
  class SeriesSampler {
   public:
    SeriesSampler(TimeNs first, TimeNs last) : first_(first), span_(last - first + 1) {}
    void add(const MemorySample& sample) {
      auto slice =
          static_cast<size_t>(static_cast<double>(sample.time - first_) *
                              static_cast<double>(kMaxMemorySamples) / static_cast<double>(span_));
      if (!samples_.empty() && slice == slice_) {
        if (sample.total() > samples_.back().total()) samples_.back() = sample;
        return;
      }
      slice_ = slice;
      samples_.push_back(sample);
    }
    std::vector<MemorySample> take() { return std::move(samples_); }

   private:
    TimeNs first_;
    TimeNs span_;
    size_t slice_ = 0;
    std::vector<MemorySample> samples_;
  };

  const Graph& g_;
  const MemoryEventTable& events_;
  std::vector<uint32_t> rows_;
  MemoryBreakdown& out_;
  std::vector<Block> blocks_;
  std::vector<Step> steps_;
  size_t peak_step_ = 0;
};

// The GPU's memory as the trace records it for the analysed process (0: not recorded), and
// whether the events add up to more than that.
void check_device_memory(const Graph& graph, MemoryBreakdown& out) {
  const DeviceTable& devices = graph.trace().devices;
  uint32_t row = devices.find(out.process, out.device);
  if (row == kNone) return;
  out.device_memory_bytes = devices.total_memory_bytes[row];
  out.peak_exceeds_device = out.device_memory_bytes > 0 &&
                            static_cast<uint64_t>(std::max<int64_t>(out.peak_bytes, 0)) >
                                out.device_memory_bytes;
}

void note_limitations(const Graph& graph, MemoryBreakdown& out) {
  if (out.peak_exceeds_device) {
    out.limitations.push_back(
        "the events add up to " + format_bytes(static_cast<double>(out.peak_bytes)) +
        ", more than the " + format_bytes(static_cast<double>(out.device_memory_bytes)) +
        " the GPU has: allocator events are missing from the trace (frees most likely), so "
        "neither the peak nor the memory over time can be known");
  }
  if (!out.has_addresses) {
    out.limitations.push_back(
        "the allocator events carry no addresses, so no allocation can be paired with its free: "
        "only the total allocated over time and its peak are known, not what the memory holds");
  }
  if (!out.has_allocator_totals) {
    out.limitations.push_back(
        "the events carry no allocator running total, so the memory allocated before the trace "
        "is not recorded: it is at least what the trace's own frees imply (" +
        format_bytes(static_cast<double>(out.before_trace_bytes)) +
        "), and the peak is at least that plus the growth within the trace (" +
        format_bytes(static_cast<double>(out.growth_bytes)) + ")");
  }
  if (out.other_process_events > 0) {
    out.limitations.push_back(std::to_string(out.other_process_events) +
                              " allocator events of other processes (ranks) on a GPU with the "
                              "same id are not analysed: each rank's GPU is its own");
  }
  if (out.has_addresses && out.unmatched_frees > 0) {
    out.limitations.push_back(std::to_string(out.unmatched_frees) +
                              " frees of blocks allocated before the trace: their bytes come "
                              "out of 'before_trace'");
  }
  if (graph.iterations.empty()) {
    out.limitations.push_back(
        "no iteration markers: forward work cannot be told from set-up, so only backward and "
        "optimizer ranges give phases; weights cannot be told from other long-lived memory");
  }
  if (out.has_allocator_totals && out.total_mismatches > 0) {
    out.limitations.push_back(std::to_string(out.total_mismatches) +
                              " events where the allocator's recorded total differs from the "
                              "sum of the events (events missing from the trace)");
  }
}

}  // namespace

std::string_view memory_category_name(MemoryCategory category) {
  switch (category) {
    case Category::kWeights:
      return "weights";
    case Category::kGradients:
      return "gradients";
    case Category::kOptimizerState:
      return "optimizer_state";
    case Category::kActivations:
      return "activations";
    case Category::kTemporaries:
      return "temporaries";
    case Category::kOther:
      return "other";
    case Category::kBeforeTrace:
      break;
  }
  return "before_trace";
}

std::string_view memory_category_rule(MemoryCategory category) {
  switch (category) {
    case Category::kWeights:
      return "allocated before the first marked iteration, alive through all of them";
    case Category::kGradients:
      return "allocated in backward, alive past the backward phase";
    case Category::kOptimizerState:
      return "allocated in an optimizer step, alive past that iteration";
    case Category::kActivations:
      return "allocated in forward, alive past the forward phase";
    case Category::kTemporaries:
      return "freed in the op call that allocated it, or in the same phase of the same iteration";
    case Category::kOther:
      return "anything else (data loading, work outside the marked phases)";
    case Category::kBeforeTrace:
      break;
  }
  return "already allocated at the trace's first allocator event (allocator total); its "
         "content is not in the trace";
}

bool memory_category_shown(const MemoryBreakdown& b, MemoryCategory category) {
  return b.categories_known || category == Category::kOther || category == Category::kBeforeTrace;
}

std::string memory_category_label(const MemoryBreakdown& b, MemoryCategory category) {
  if (!b.categories_known && category == Category::kOther)
    return "allocated in the trace (unknown)";
  if (!b.before_trace_known && category == Category::kBeforeTrace)
    return "before_trace (at least)";
  return std::string(memory_category_name(category));
}

int64_t MemorySample::total() const {
  return std::accumulate(bytes.begin(), bytes.end(), int64_t{0}, add_saturated);
}

Result<MemoryBreakdown> compute_memory_breakdown(const Graph& graph, int32_t device) {
  const MemoryEventTable& events = graph.trace().memory_events;
  if (events.size() == 0) {
    return bad_input(
        "no memory allocation events: the profiler recorded none (PyTorch: "
        "torch.profiler.profile(profile_memory=True); nsys: --cuda-memory-usage=true), so "
        "nothing about memory can be known from this trace");
  }
  MemoryBreakdown out;
  auto [chosen, others] = choose_device(events, device);
  out.other_devices = std::move(others);
  std::vector<uint32_t> rows = device_events(events, chosen, out.other_process_events);
  for (size_t i = 0; i < events.size(); ++i) out.host_events += events.device[i] < 0 ? 1 : 0;
  if (rows.empty()) {
    if (device >= 0) {
      std::string present;
      for (int32_t other : out.other_devices) present += " " + std::to_string(other);
      return bad_input("no allocator events for GPU " + std::to_string(device) +
                       (present.empty() ? "" : "; GPUs with allocator events:" + present));
    }
    return bad_input("only host-memory allocator events (" + std::to_string(out.host_events) +
                     "), none for a GPU: the GPU memory breakdown cannot be known");
  }
  out.device = chosen;
  MemoryAnalysis(graph, std::move(rows), out).run();
  check_device_memory(graph, out);
  note_limitations(graph, out);
  return out;
}

std::string peak_statement(const MemoryBreakdown& b) {
  if (b.peak_exceeds_device) {
    return "unknown: the events add up to " + format_bytes(static_cast<double>(b.peak_bytes)) +
           ", more than the " + format_bytes(static_cast<double>(b.device_memory_bytes)) +
           " the GPU has, so allocator events are missing from the trace";
  }
  return (b.before_trace_known ? "" : "at least ") + format_bytes(static_cast<double>(b.peak_bytes)) +
         " (" + format_count(static_cast<uint64_t>(std::max<int64_t>(b.peak_bytes, 0))) + " bytes)";
}

std::string before_trace_statement(const MemoryBreakdown& b) {
  std::string before = format_bytes(static_cast<double>(b.before_trace_bytes));
  if (b.before_trace_known) return before + " (the allocator's total at the first event)";
  return "not recorded; at least " + before +
         ", what the trace's own frees imply; the allocations grow by " +
         format_bytes(static_cast<double>(b.growth_bytes)) + " within the trace";
}

}  // namespace dd
