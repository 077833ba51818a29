// The numbers behind `daydream breakdown`: where an iteration's time goes, computed on a
// timeline (the replay of the unmodified graph). Per phase, layer and kernel class; GPU busy
// and idle time per stream; the critical path per resource and layer, and a verdict on
// whether the run is GPU-bound or CPU-bound. breakdown_report.h renders it as text or JSON.
//
// What is analysed: every marked iteration when the graph has iteration markers (each one a
// window from its start to the next iteration's start, as iteration_times() measures it), the
// whole trace otherwise. A task belongs to the window its start falls in and counts with its
// full duration; busy time and critical paths are clipped to the windows. All times are totals
// over the analysed windows; renderers divide by `windows` for per-iteration figures.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph.h"
#include "simulator/timeline.h"

namespace dd {

inline constexpr size_t kTopLayers = 15;
inline constexpr size_t kTopCriticalPathLayers = 10;
inline constexpr size_t kTopKernels = 15;
inline constexpr int64_t kBoundPercent = 70;  // share of the critical path for a verdict
inline constexpr std::string_view kUnattributed = "(unattributed)";
inline constexpr size_t kKernelClassCount = static_cast<size_t>(KernelClass::kOther) + 1;

// One row of a grouped breakdown (a phase, a layer, a kernel class, a kernel).
struct BreakdownRow {
  std::string name;
  TimeNs gpu_time = 0;  // GPU ops
  TimeNs cpu_time = 0;  // CPU API calls and CPU work
  uint64_t gpu_ops = 0;
  std::string kernel_class;  // top kernels only; empty on a summary row
};

struct StreamBusy {
  std::string name;
  TimeNs busy = 0;  // union of the stream's op intervals within the windows
};

struct CriticalPathResource {
  std::string name;
  ResourceKind kind = ResourceKind::kCpuThread;
  TimeNs time = 0;
};

struct CriticalPathSummary {
  TimeNs length = 0;     // per window: first path task's start (clipped) to last task's end
  TimeNs wait_time = 0;  // the part of `length` no path task covers: latencies, switch gaps
  std::array<TimeNs, 3> by_kind{};                // path task time per ResourceKind
  std::array<TimeNs, 3> by_task_kind{};           // path task time per TaskKind
  std::array<TimeNs, kKernelClassCount> by_kernel_class{};  // path GPU-op time per class
  std::vector<CriticalPathResource> by_resource;  // every resource on a path, by time
  // Path task time per layer, GPU ops in gpu_time and CPU tasks in cpu_time; the top
  // kTopCriticalPathLayers by total, then the unattributed row and the rest in one row.
  std::vector<BreakdownRow> by_layer;
};

enum class Verdict : uint8_t { kGpuBound, kCpuBound, kMixed };
std::string_view verdict_name(Verdict verdict);  // "GPU-bound", "CPU-bound", "mixed"
std::string verdict_rule();                      // the rule, in words

struct Breakdown {
  std::string scope;        // which part of the run was analysed, in words
  size_t windows = 0;       // iterations analysed (1 for the whole trace)
  TimeNs steady_state = 0;  // median iteration time of the timeline
  TimeNs window_time = 0;   // the analysed windows together
  TimeNs shortest_window = 0;
  TimeNs longest_window = 0;
  TimeNs gpu_time = 0;               // all GPU ops in the windows
  TimeNs cpu_time = 0;               // all CPU tasks in the windows
  std::vector<BreakdownRow> phases;  // one per Phase, in enum order
  // The top kTopLayers by GPU time, then "(unattributed)" (tasks with no layer) and the
  // remaining layers in one row, each only when present.
  std::vector<BreakdownRow> layers;
  std::vector<BreakdownRow> kernel_classes;  // classes that ran, by GPU time
  // The top kernels (name, class) by GPU time, then the remaining kernels in one row.
  std::vector<BreakdownRow> top_kernels;
  std::vector<StreamBusy> streams;  // GPU streams that ran an op, in resource order
  TimeNs gpu_busy = 0;              // union over all streams
  CriticalPathSummary critical_path;
  Verdict verdict = Verdict::kMixed;
};

// `timeline` must cover `graph` (a simulation of it, or its measured timeline). `top_layers`
// and `top_kernels`: how many named layers and kernels keep their own row (SIZE_MAX: all, for
// comparing two breakdowns).
Breakdown compute_breakdown(const Graph& graph, const Timeline& timeline,
                            size_t top_layers = kTopLayers, size_t top_kernels = kTopKernels);

}  // namespace dd
