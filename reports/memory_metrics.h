// The numbers behind `daydream memory`: what one GPU's allocated memory consists of at its
// peak and over time, from the trace's allocator events (Kineto `[memory]` instants, CUPTI
// memory records). memory_report.h renders it as text or JSON; an HTML renderer can take the
// same MemoryBreakdown.
//
// Each allocation is paired with its free by address (a free pairs with the latest allocation
// still live at that address) and gets one category from where it was allocated and freed
// (the op, phase and iteration of each event, Graph::memory_event_sites). The rules, first
// match wins:
//   weights         allocated before the first marked iteration and never freed in one
//                   (or before it): parameters and buffers set up before training;
//   temporaries     freed inside the same framework op call that allocated it (workspace),
//                   or in the same phase of the same iteration (short-lived intermediates,
//                   e.g. forward values not saved for backward, gradients of activations);
//   activations     allocated in forward and alive past the forward phase (saved for backward);
//   gradients       allocated in backward and alive past the backward phase (parameter
//                   gradients, communication buckets; freed by zero_grad or kept);
//   optimizer state allocated in an optimizer step and alive past that iteration;
//   other           everything else (data loading, work outside the marked phases, ...);
//   allocated before the trace
//                   memory already allocated when the trace's first allocator event happened:
//                   the allocator's running total tells how much, not what it is (weights,
//                   kept gradients and optimizer state of a run profiled after its start).
// So the categories at any instant add up to the allocator's total allocated bytes.
//
// What a trace lacks limits what can be known, and the breakdown says so: without addresses
// no allocation can be paired with its free (only the total over time is known); without the
// allocator's running totals the memory allocated before the trace is unknown, so the peak is
// a lower bound (what the trace's own frees imply was there before it, plus the growth within
// the trace), and is stated as one. A peak above the memory the GPU has is impossible: it says
// that allocator events are missing, and is reported as that, never as a peak.
//
// One process's allocator events on one GPU are analysed: several ranks of a job (or several
// hosts' GPU 0) are never added together.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "collector/trace/result.h"
#include "graph/graph.h"

namespace dd {

// In the order the rules are tried.
enum class MemoryCategory : uint8_t {
  kWeights,
  kTemporaries,
  kActivations,
  kGradients,
  kOptimizerState,
  kOther,
  kBeforeTrace
};
inline constexpr size_t kMemoryCategoryCount = 7;
inline constexpr size_t kMaxMemorySamples = 400;  // points of the time series
inline constexpr size_t kTopMemoryHolders = 10;

// "weights", "temporaries", "activations", "gradients", "optimizer_state", "other",
// "before_trace".
std::string_view memory_category_name(MemoryCategory category);
// The rule that puts an allocation in `category`, in words.
std::string_view memory_category_rule(MemoryCategory category);

using CategoryBytes = std::array<int64_t, kMemoryCategoryCount>;

// Allocated bytes per category right after one allocator event.
struct MemorySample {
  TimeNs time = 0;  // trace time
  CategoryBytes bytes{};
  int64_t total() const;
};

// Live bytes at the peak that one layer (or op) allocated.
struct MemoryHolder {
  std::string name;
  int64_t bytes = 0;
  uint64_t blocks = 0;
};

struct IterationPeak {
  std::string name;
  int64_t peak_bytes = 0;
};

struct MemoryBreakdown {
  int32_t device = -1;               // the GPU analysed
  std::vector<int32_t> other_devices;  // GPUs with allocator events not analysed
  uint64_t events = 0;               // allocator events of the analysed GPU
  uint64_t allocations = 0;
  uint64_t frees = 0;
  uint64_t host_events = 0;          // host-memory events, not analysed
  bool has_addresses = false;        // allocations can be paired with their frees
  bool has_allocator_totals = false; // the allocator's running total allocated is recorded
  uint64_t unmatched_frees = 0;      // frees of blocks allocated before the trace
  uint64_t total_mismatches = 0;     // events whose recorded total differs from the sum
  int64_t before_trace_bytes = 0;    // allocated when the first event happened; a lower bound
                                     // when !before_trace_known
  bool before_trace_known = false;   // from the allocator's running total
  bool categories_known = false;     // false without addresses: only totals are known
  uint32_t process = kNone;          // the process (rank) whose events are analysed
  uint64_t other_process_events = 0; // events of other processes on the same GPU id, not analysed
  uint64_t device_memory_bytes = 0;  // the GPU's memory as the trace records it; 0 unknown
  bool peak_exceeds_device = false;  // the events add up to more than the GPU has

  TimeNs first_event = 0;            // trace time of the device's first allocator event
  int64_t peak_bytes = 0;            // the largest total allocated
  int64_t growth_bytes = 0;          // peak_bytes - before_trace_bytes: the rise within the trace
  TimeNs peak_time = 0;              // trace time of the peak event
  int64_t peak_recorded_total = -1;  // the allocator's own total at the peak event; -1 unknown
  int64_t peak_reserved = -1;        // the allocator's total reserved at the peak; -1 unknown
  std::string peak_site;             // "ProfilerStep#3, backward, in aten::mm"
  CategoryBytes at_peak{};
  std::vector<MemoryHolder> layers_at_peak;  // by bytes; the rest in one row
  std::vector<MemoryHolder> ops_at_peak;     // by the framework op that allocated
  std::vector<IterationPeak> iteration_peaks;
  std::vector<MemorySample> series;  // at most kMaxMemorySamples, the peak included
  std::vector<std::string> limitations;  // what this trace cannot tell, in words
};

// Whether a report shows `category`: without addresses only "other" (all memory allocated in
// the trace, category unknown) and "before_trace" are known.
bool memory_category_shown(const MemoryBreakdown& b, MemoryCategory category);
// The label of a category's row; without addresses all in-trace memory is one unknown row.
std::string memory_category_label(const MemoryBreakdown& b, MemoryCategory category);

// The peak as a report states it: its size ("at least" when the memory allocated before the
// trace is not recorded), or, above the GPU's memory, why there is none.
std::string peak_statement(const MemoryBreakdown& b);
// The memory allocated before the trace as a report states it: recorded, or the least the
// trace implies and the growth within the trace.
std::string before_trace_statement(const MemoryBreakdown& b);

// The breakdown of GPU `device` (-1: the GPU with the most allocator events). A bad-input
// error when the trace has no allocator events for a GPU (the message says what is missing).
Result<MemoryBreakdown> compute_memory_breakdown(const Graph& graph, int32_t device = -1);

}  // namespace dd
