// The dependency graph of a training run (ARCHITECTURE.md, "The dependency graph").
//
// Tasks are CPU API calls, CPU work between them, and GPU ops. Each task runs on one resource
// (a CPU thread or a GPU stream); a resource runs its tasks in sequence, so program order and
// stream order are the resource sequences (a doubly linked list per resource, so transforms
// can insert and remove tasks in O(1)). Every other dependency is an explicit edge with a
// latency: launch, host wait, launch-queue slot, cross-stream event, cross-thread hand-off,
// communication.
//
// Tasks and edges live in flat columns, cheap to edit; the read-only topology that the
// simulator and the analyses walk is a Boost compressed_sparse_row_graph built from the live
// edges on demand (Boost's adjacency_list would heap-allocate every edge property).
#pragma once

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/range/iterator_range.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "collector/trace/diagnostics.h"
#include "collector/trace/trace.h"
#include "graph/execution_state.h"
#include "graph/kernel_class.h"

namespace dd {

using TaskId = uint32_t;
using ResourceId = uint32_t;
using EdgeId = uint32_t;

enum class TaskKind : uint8_t { kApiCall, kCpuWork, kGpuOp };
enum class Phase : uint8_t { kForward, kBackward, kOptimizer, kData, kOther };
enum class ResourceKind : uint8_t { kCpuThread, kGpuStream, kLink };
enum class SchedulingPolicy : uint8_t { kInOrder, kPriority };
enum class EdgeKind : uint8_t { kLaunch, kHostWait, kQueueSlot, kCrossStream, kCrossThread,
                                kCommunication, kOther };

std::string_view task_kind_name(TaskKind kind);
std::string_view phase_name(Phase phase);
std::string_view resource_kind_name(ResourceKind kind);
std::string_view edge_kind_name(EdgeKind kind);
inline constexpr size_t kPhaseCount = 5;

struct Resource {
  ResourceKind kind = ResourceKind::kCpuThread;
  uint32_t trace_index = kNone;  // ThreadTable or StreamTable row
  uint32_t process = kNone;
  std::string name;              // "thread 1262" / "stream 7 (GPU 0)"
  TaskId first = kNone;          // head of the task sequence
  TaskId last = kNone;
  // Minimum gap between two back-to-back tasks on this resource (GPU-side op switch).
  TimeNs switch_gap_ns = 0;
  // kInOrder: tasks run in sequence. kPriority: among tasks whose dependencies are met, the
  // lowest Graph::priority runs first (ties: sequence order).
  SchedulingPolicy policy = SchedulingPolicy::kInOrder;
  // GPU streams: how long the stream was still busy, when the trace began, with work the trace
  // does not show (launched before the profiler's window opened; graph/window_opening.h).
  TimeNs busy_at_start_ns = 0;
};

// Per-trace system parameters measured from the trace itself (see graph_builder.h).
struct SystemParameters {
  TimeNs launch_latency_ns = 0;  // API call end → GPU op start on an idle stream
  TimeNs gpu_op_gap_ns = 0;      // end of one GPU op → start of the queued next one
  uint32_t launch_queue_depth = 0;  // ops in flight before a launch call blocks (0 = unbounded)
};

// One iteration: the tasks whose recorded start opens it on the marker's thread.
struct IterationBoundary {
  int64_t number = -1;
  StringId name = kEmptyString;
  TaskId start_task = kNone;
  TaskId end_task = kNone;  // first task after the iteration, kNone if the trace ends
};

// One rank of a job of several (collector/trace/job_ranks.h): its process, its label ("rank 3",
// or "pid 1234" where the trace records no rank) and its own iteration boundaries (empty
// without markers). The ranks' timelines are simulated together; each rank's iterations are
// timed on its own tasks, and the job's iteration is its slowest rank's (iteration_metrics.h).
struct RankIterations {
  uint32_t process = kNone;
  std::string label;
  std::vector<IterationBoundary> iterations;
};

// Where one task came from in the trace.
enum class TraceTable : uint8_t { kSynthetic, kApiCalls, kGpuOps };

struct TaskSpec {
  TaskKind kind = TaskKind::kCpuWork;
  ResourceId resource = kNone;
  TimeNs duration = 0;
  StringId name = kEmptyString;
  StringId op = kEmptyString;     // framework op (e.g. aten::conv2d), empty if unattributed
  StringId layer = kEmptyString;  // DNN layer (module), empty if unattributed
  Phase phase = Phase::kOther;
  int32_t iteration = -1;         // index into Graph::iterations, -1 = outside iterations
  KernelClass kernel_class = KernelClass::kOther;
  TraceTable source_table = TraceTable::kSynthetic;
  uint32_t source_row = kNone;
  TimeNs recorded_start = 0;      // for the measured timeline and reports only;
  TimeNs recorded_end = 0;        // the simulator never reads them
};

// Where an instant event (an allocator event) happened on its thread: the enclosing outermost
// framework op (its range row, which tells two calls of the same op apart), layer, phase and
// iteration, attributed like the CPU tasks around it.
struct EventSite {
  uint32_t op_range = kNone;  // RangeTable row of the outermost framework op; kNone: none
  StringId op = kEmptyString;
  StringId layer = kEmptyString;
  Phase phase = Phase::kOther;
  int32_t iteration = -1;
};

struct EdgeRef {
  EdgeId id = 0;
};
using Topology = boost::compressed_sparse_row_graph<boost::bidirectionalS, boost::no_property,
                                                    EdgeRef, boost::no_property, TaskId, EdgeId>;

class Graph {
 public:
  explicit Graph(const Trace& trace) : trace_(&trace) {}
  // A copy is independent (what-ifs transform copies); the CSR view is rebuilt on demand.
  Graph(const Graph& other);
  Graph& operator=(const Graph&) = delete;
  Graph(Graph&&) noexcept = default;
  Graph& operator=(Graph&&) noexcept = default;

  const Trace& trace() const { return *trace_; }
  std::string_view str(StringId id) const;
  // Interns a name not present in the trace (e.g. a fused kernel made by a transform).
  StringId intern(std::string_view text);

  // --- tasks (columns, indexed by TaskId) ---
  std::vector<TaskKind> kind;
  std::vector<ResourceId> resource;
  std::vector<TimeNs> duration;
  std::vector<StringId> name, op, layer;
  std::vector<Phase> phase;
  std::vector<int32_t> iteration;
  std::vector<KernelClass> kernel_class;
  std::vector<TraceTable> source_table;
  std::vector<uint32_t> source_row;
  std::vector<TimeNs> recorded_start, recorded_end;
  std::vector<TaskId> next_on_resource, prev_on_resource;
  std::vector<int32_t> priority;  // used by kPriority resources; 0 by default
  std::vector<uint8_t> removed;

  // --- edges (columns, indexed by EdgeId) ---
  std::vector<TaskId> edge_from, edge_to;
  std::vector<TimeNs> edge_latency;
  std::vector<EdgeKind> edge_kind;
  std::vector<uint8_t> edge_removed;

  std::vector<Resource> resources;
  // The first marked process's iterations (a single process's: the run's). Every task's
  // `iteration` indexes these.
  std::vector<IterationBoundary> iterations;
  std::vector<RankIterations> ranks;  // empty unless the trace is a job of several ranks
  std::vector<EventSite> memory_event_sites;  // per Trace::memory_events row
  // Each layer's type, for grouping layers: the module class (`Qwen2Attention_13` ->
  // `Qwen2Attention`, `dd:module:fc|Linear` -> `Linear`) or, for an op call, its op.
  std::unordered_map<StringId, StringId> layer_types;
  SystemParameters parameters;
  Diagnostics diagnostics;
  // What the what-if rewrites so far made of the run (device, per-op precision, launch mode);
  // as recorded in a graph built from a trace.
  ExecutionState execution;

  size_t task_count() const { return kind.size(); }
  size_t edge_count() const { return edge_from.size(); }

  ResourceId add_resource(Resource r);
  // Adds a task at the end of its resource's sequence.
  TaskId append_task(const TaskSpec& spec);
  // Adds a task right after `after` on the same resource (kNone: at the head).
  TaskId insert_task_after(const TaskSpec& spec, TaskId after);
  // Takes tasks off their resources; their edges are removed too (callers splice
  // dependencies). One CSR rebuild for the whole batch.
  void unlink_tasks(std::span<const TaskId> tasks);
  void unlink_task(TaskId task) { unlink_tasks({&task, 1}); }
  // Moves a live task to resource `to`, right after `after` there (kNone: at the head).
  void move_task(TaskId task, ResourceId to, TaskId after);
  EdgeId add_edge(TaskId from, TaskId to, EdgeKind kind, TimeNs latency = 0);
  void remove_edge(EdgeId edge);

  // The CSR view of the live edges; rebuilt after any edit.
  const Topology& topology() const;
  size_t memory_bytes() const;

 private:
  TaskId new_task(const TaskSpec& spec);
  void link_after(TaskId task, ResourceId r, TaskId after);
  void unlink_from_sequence(TaskId task);
  void invalidate() { topology_.reset(); }

  const Trace* trace_;
  StringPool extra_names_;  // names interned by transforms; ids offset past the trace's
  mutable std::unique_ptr<Topology> topology_;
};

// The API call that launched `op` (the source of its live launch edge), or kNone when the op
// was launched from CPU work (a blocking copy) or has no launch edge.
TaskId launch_call_of(const Graph& graph, TaskId op);

}  // namespace dd
