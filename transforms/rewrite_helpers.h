// Graph queries and rewrites that several what-if models share (cuda-graphs, fused-optimizer,
// fuse-elementwise, faster-input, ...): finding the API call that launched a GPU op, the
// measured cost of a launch and of a kernel's fixed cost, replacing a group of tasks by new
// ones that inherit their dependencies (and kernels with their launches by fused kernels), and
// reading integer parameters. Every edit goes through the primitives (primitives.h).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph.h"
#include "transforms/whatif_model.h"

namespace dd {

// Whether `a` was recorded before `b` (start time, then id): the trace's order, for models that
// need one (structure only: predictions never read recorded times).
bool recorded_before(const Graph& graph, TaskId a, TaskId b);

// The parameter `name` as an integer >= `minimum`; a usage error naming it otherwise.
Result<uint32_t> integer_argument(const ModelArguments& arguments, const std::string& name,
                                  uint32_t minimum);

// "12.345 us" / "12.345 ms": a duration as the models' summaries print it.
std::string duration_text(TimeNs duration);

// Median duration of `tasks` (0 when empty; the lower of the two middle values when even).
TimeNs median_duration(const Graph& graph, std::vector<TaskId> tasks);

// Total duration of `tasks`.
TimeNs total_duration(const Graph& graph, std::span<const TaskId> tasks);

// The shortest live kernel (GPU op other than a copy or memset) of the graph that runs at all
// (a rewrite may leave a kernel at 0, e.g. a layout transpose its path does not need), 0 when
// none: the measured upper bound of a kernel's fixed cost (launch on the device, block
// scheduling, tail), which does not depend on what the kernel computes.
TimeNs kernel_floor(const Graph& graph);

// The measured cost of one launch: the median duration of the API calls that launched GPU
// ops. Durations are post-wait (dependency_inference.h), so a call that blocked on a full
// launch queue counts only its own cost. 0 when the graph has no launches.
TimeNs median_launch_duration(const Graph& graph);

// The median duration the trace recorded for the API calls that launched GPU ops (a call no
// trace row stands behind counts its duration; the lower of the two middle values when even;
// 0 when none): what one launch call costs as measured, for
// pricing a new kind of launch (a CUDA graph launch). Unlike median_launch_duration it keeps
// any wait of a call in the launch queue, which a trace whose queue throttles nearly every
// launch would otherwise price at 0.
TimeNs median_recorded_launch_duration(const Graph& graph);

// 1 for the tasks that open or close an iteration: the iteration-time function reads their
// start times, so models never remove them.
std::vector<uint8_t> iteration_boundary_mask(const Graph& graph);

// An API call named `name` of `duration`, inserted on the thread of `before` right ahead of
// it, with its phase, iteration, op and layer.
TaskId insert_call_before(Graph& graph, TaskId before, std::string_view name, TimeNs duration);

// A group of tasks and the tasks that stand in for them: every dependency that enters the
// group from outside all replaced tasks is copied onto `in`, every one that leaves it onto
// `out` (same kind and latency). Two exceptions: queue-slot waits of replaced launch calls
// are not copied (a replacement launch takes one slot of the launch queue, not one per launch
// it replaces), and a cross-thread hand-off leaving a replaced task leaves from that task's
// place in program order — the last task before it on its thread that stays — since the
// other thread resumed when this one got that far, not when the stand-in ran.
struct Replacement {
  std::span<const TaskId> tasks;
  TaskId in = kNone;
  TaskId out = kNone;
};

// Hands each group's dependencies over to its stand-ins, then removes every replaced task
// (remove_tasks: what remains of paths through them is spliced).
void replace_tasks(Graph& graph, std::span<const Replacement> groups);

// Fused kernels that stand in for a group of kernels and their launch calls.
struct FusedKernels {
  std::string_view name;
  KernelClass kernel_class = KernelClass::kOther;
  std::vector<TimeNs> durations;  // one per fused kernel, in stream order
  TimeNs launch = 0;              // duration of each fused kernel's launch call
};

// Replaces `kernels` (GPU ops on one stream, in stream order) and `calls` (the API calls that
// launched them, on one thread, in program order) by `fused`: the new kernels run one after
// another at the first replaced kernel's place on the stream, with its op, layer, phase and
// iteration; each is launched (with the graph's launch latency) by a new cudaLaunchKernel call
// inserted at the first replaced call's place. replace_tasks hands the dependencies over, so
// CPU work between the replaced calls stays. Returns the new kernels.
std::vector<TaskId> replace_with_fused_kernels(Graph& graph, std::span<const TaskId> kernels,
                                               std::span<const TaskId> calls,
                                               const FusedKernels& fused);

// Many groups replaced as above in one edit: the new tasks of every group are inserted first,
// then all groups are handed over and removed together, so the graph's topology is walked once
// instead of once per group (1,300 chains of the bundled matmul trace). Groups must not share
// tasks. Returns each group's new kernels.
struct FusionGroup {
  std::span<const TaskId> kernels;
  std::span<const TaskId> calls;
  const FusedKernels* fused = nullptr;
};
std::vector<std::vector<TaskId>> replace_with_fused_kernels(Graph& graph,
                                                            std::span<const FusionGroup> groups);

}  // namespace dd
