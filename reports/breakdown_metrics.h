// The numbers behind `daydream breakdown`: where an iteration's time goes, computed on a
// timeline: the measured one for `breakdown` itself (the replay only beside it, as the model's
// check), replays for `diff` and `whatif`. Per phase, layer (grouped by module, module type or
// op) and kernel class; per framework op (operator_table.h, measured timelines only); GPU busy
// and idle time per stream with what the idle GPU waited for, communication overlap and the
// launch queue (gpu_activity.h); the critical path per resource and layer, and a verdict on
// whether the run is GPU-bound or CPU-bound. breakdown_report.h renders it as text or JSON.
//
// Layer rows: work with a layer goes to its layer (or the layer's type, or its op, per the
// grouping); communication ops to "(communication)" whatever their layer (they overlap
// computation and are no layer's compute); the rest by phase: the optimizer step to
// "(optimizer)", data loading to "(data loading)", everything else to "(unattributed)".
//
// What is analysed: every marked iteration when the graph has iteration markers (each one a
// window from its start to the next iteration's start, as iteration_times() measures it), the
// whole trace otherwise. A task belongs to the window its start falls in, a GPU op to the
// window its launch falls in (gpu_activity.h, counted_instants: the phase, layer, operator
// and kernel tables are the work the iterations launched), and counts with its full duration;
// busy time and critical paths are clipped to the windows. All times are totals
// over the analysed windows; renderers divide by `windows` for per-iteration figures.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph.h"
#include "reports/gpu_activity.h"
#include "reports/operator_table.h"
#include "reports/replay_trust.h"
#include "reports/unattributed_note.h"
#include "simulator/timeline.h"

namespace dd {

inline constexpr size_t kTopLayers = 15;
inline constexpr size_t kTopCriticalPathLayers = 10;
inline constexpr size_t kTopKernels = 15;
inline constexpr int64_t kBoundPercent = 70;  // share of the critical path for a verdict
inline constexpr std::string_view kUnattributed = "(unattributed)";
inline constexpr std::string_view kCommunicationRow = "(communication)";
inline constexpr std::string_view kOptimizerRow = "(optimizer)";
inline constexpr std::string_view kDataLoadingRow = "(data loading)";
// The rows of work in no layer, in the order they close a layer table.
inline constexpr std::array<std::string_view, 4> kNoLayerRows = {kCommunicationRow, kOptimizerRow,
                                                                 kDataLoadingRow, kUnattributed};
inline constexpr size_t kKernelClassCount = static_cast<size_t>(KernelClass::kOther) + 1;

// One row of a grouped breakdown (a phase, a layer, a kernel class, a kernel).
struct BreakdownRow {
  std::string name;
  TimeNs gpu_time = 0;  // GPU ops
  TimeNs cpu_time = 0;  // CPU API calls and CPU work
  uint64_t gpu_ops = 0;
  std::string kernel_class;  // top kernels only; empty on a summary row
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

// What a layer row stands for: each layer, each layer type (module class, or op of an op
// call), or each framework op.
enum class LayerGrouping : uint8_t { kModule, kType, kOp };
std::string_view layer_grouping_name(LayerGrouping grouping);  // "module", "type", "op"

struct BreakdownOptions {
  // How many named layers and kernels keep their own row (SIZE_MAX: all, for comparing two
  // breakdowns).
  size_t top_layers = kTopLayers;
  size_t top_kernels = kTopKernels;
  LayerGrouping group_by = LayerGrouping::kModule;
  // The timeline is the measured one: adds the per-operator table (read from the trace's
  // ranges, which only the measured timeline matches).
  bool measured = false;
  DevicePeaks peaks;  // for the operator table's roofline; unknown peaks leave it out
};

// The replay of the same graph beside the measured breakdown: the model's check.
// Per iteration: the median iteration time, and the GPU idle time (all streams) per analysed
// iteration.
struct ReplayCheck {
  TimeNs measured_iteration = 0;
  TimeNs replayed_iteration = 0;
  TimeNs measured_gpu_idle = 0;
  TimeNs replayed_gpu_idle = 0;
  ReplayTrust trust;  // whether the replay, and every what-if built on it, holds
};

enum class Verdict : uint8_t { kGpuBound, kCpuBound, kMixed };
std::string_view verdict_name(Verdict verdict);  // "GPU-bound", "CPU-bound", "mixed"
std::string verdict_rule();                      // the rule, in words

struct Breakdown {
  bool measured = false;    // the timeline analysed is the measured one
  std::string scope;        // which part of the run was analysed, in words
  size_t windows = 0;       // iterations analysed (1 for the whole trace)
  TimeNs steady_state = 0;  // median iteration time of the timeline
  TimeNs window_time = 0;   // the analysed windows together
  TimeNs shortest_window = 0;
  TimeNs longest_window = 0;
  TimeNs gpu_time = 0;               // all GPU ops in the windows
  TimeNs cpu_time = 0;               // all CPU tasks in the windows
  std::vector<BreakdownRow> phases;  // one per Phase, in enum order
  // The top layers (grouped by `group_by`) by GPU time, the remaining ones in one row, then
  // the rows of work in no layer (see the top of this file), each only when present.
  LayerGrouping group_by = LayerGrouping::kModule;
  std::vector<BreakdownRow> layers;
  UnattributedGpu unattributed_gpu;  // the "(unattributed)" row's GPU time
  // Why much of the GPU time is in no layer and what would put it in one (unattributed_note.h);
  // "" when less than kUnattributedNoteShare of it is.
  std::string unattributed_note;
  std::vector<OperatorRow> operators;  // measured timelines only
  std::string peaks_name;              // the device whose peaks the roofline uses; "": none
  std::vector<BreakdownRow> kernel_classes;  // classes that ran, by GPU time
  // The top kernels (name, class) by GPU time, then the remaining kernels in one row.
  std::vector<BreakdownRow> top_kernels;
  GpuActivity gpu;  // busy/idle per stream and in all, communication, launch queue
  CriticalPathSummary critical_path;
  Verdict verdict = Verdict::kMixed;
  std::optional<ReplayCheck> replay_check;  // set by whoever also replayed the graph
};

// `timeline` must cover `graph` (a simulation of it, or its measured timeline).
Breakdown compute_breakdown(const Graph& graph, const Timeline& timeline,
                            const BreakdownOptions& options = {});

// What `daydream breakdown` shows: the breakdown of the measured timeline (options.measured is
// implied), with the replay of the same graph beside it as the model's check.
Breakdown measured_breakdown(const Graph& graph, const Timeline& measured,
                             const Timeline& replayed, BreakdownOptions options = {});

}  // namespace dd
