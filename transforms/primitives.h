// The transformation primitives: the only way what-if models touch a graph (ARCHITECTURE.md,
// "What-if optimizations"). Each costs what it touches (the CSR view is rebuilt lazily, once
// per batch of edits) and leaves a valid graph: every live task on exactly one resource
// sequence, every live edge between live tasks.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "collector/trace/result.h"
#include "graph/graph.h"

namespace dd {

// Which tasks a model acts on. Empty fields match everything; text fields match substrings.
struct TaskSelector {
  std::optional<TaskKind> kind;
  std::optional<Phase> phase;
  std::optional<KernelClass> kernel_class;
  std::optional<int32_t> iteration;
  std::optional<ResourceId> resource;
  std::string name_contains;
  std::string op_contains;
  std::string layer_contains;
};

// Parses "key:value+key:value" (keys: kind, phase, class, iteration, resource, name, op,
// layer), e.g. "class:gemm+phase:forward". Errors list the valid keys and values.
Result<TaskSelector> parse_selector(std::string_view text);

// Live tasks matching `selector`, in ascending id order.
std::vector<TaskId> select_tasks(const Graph& graph, const TaskSelector& selector);

// duration := round(duration * factor); factor >= 0.
void scale_durations(Graph& graph, std::span<const TaskId> tasks, double factor);
void set_duration(Graph& graph, TaskId task, TimeNs duration);

// A new task right after `after` on spec.resource (kNone: at the head of the resource).
TaskId insert_task(Graph& graph, const TaskSpec& spec, TaskId after);

// Removes tasks, splicing their dependencies: every edge p → t and t → s becomes p → s with
// the latencies added, so what waited on t waits on what t waited on. Resource sequences close
// over the removed tasks.
void remove_tasks(Graph& graph, std::span<const TaskId> tasks);

// An edge to add to a graph.
struct Dependency {
  TaskId from, to;
  EdgeKind kind;
  TimeNs latency;
};

// remove_tasks, adding `handovers` (edges between tasks that stay) before the spliced edges, in
// one edit: the graph's topology is walked once instead of rebuilt in between, which matters to
// models that replace many small groups (rewrite_helpers.h, replace_tasks).
void remove_tasks(Graph& graph, std::span<const TaskId> tasks,
                  std::span<const Dependency> handovers);

EdgeId add_dependency(Graph& graph, TaskId from, TaskId to, EdgeKind kind, TimeNs latency = 0);
void remove_dependency(Graph& graph, EdgeId edge);

// Moves a task to another resource, right after `after` there (kNone: at the head).
void move_task(Graph& graph, TaskId task, ResourceId to, TaskId after);

// A new, empty resource (e.g. DataLoader worker threads a model adds); returns its id.
ResourceId add_resource(Graph& graph, Resource resource);

// How a resource picks its next task: in sequence (the default, as recorded), or by priority
// among the tasks whose dependencies are met (lower value first, then sequence order) — e.g.
// communication scheduled earlier layers first (P3, ByteScheduler).
void set_scheduling_policy(Graph& graph, ResourceId resource, SchedulingPolicy policy);
void set_priority(Graph& graph, TaskId task, int32_t priority);

}  // namespace dd
