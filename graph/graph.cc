// Graph storage: task/edge columns, resource sequences, and the on-demand CSR topology.
#include "graph/graph.h"

#include <array>
#include <cassert>

namespace dd {

namespace {

template <size_t N>
std::string_view name_of(const std::array<std::string_view, N>& names, size_t value) {
  return value < N ? names[value] : std::string_view("unknown");
}

template <typename T>
size_t bytes_of(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

}  // namespace

std::string_view task_kind_name(TaskKind kind) {
  static constexpr std::array<std::string_view, 3> kNames = {"api_call", "cpu_work", "gpu_op"};
  return name_of(kNames, static_cast<size_t>(kind));
}

std::string_view phase_name(Phase phase) {
  static constexpr std::array<std::string_view, kPhaseCount> kNames = {
      "forward", "backward", "optimizer", "data", "other"};
  return name_of(kNames, static_cast<size_t>(phase));
}

std::string_view resource_kind_name(ResourceKind kind) {
  static constexpr std::array<std::string_view, 3> kNames = {"cpu_thread", "gpu_stream", "link"};
  return name_of(kNames, static_cast<size_t>(kind));
}

std::string_view edge_kind_name(EdgeKind kind) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "launch", "host_wait", "queue_slot", "cross_stream", "cross_thread", "communication",
      "other"};
  return name_of(kNames, static_cast<size_t>(kind));
}

Graph::Graph(const Graph& other)
    : kind(other.kind),
      resource(other.resource),
      duration(other.duration),
      name(other.name),
      op(other.op),
      layer(other.layer),
      phase(other.phase),
      iteration(other.iteration),
      kernel_class(other.kernel_class),
      source_table(other.source_table),
      source_row(other.source_row),
      recorded_start(other.recorded_start),
      recorded_end(other.recorded_end),
      next_on_resource(other.next_on_resource),
      prev_on_resource(other.prev_on_resource),
      priority(other.priority),
      removed(other.removed),
      edge_from(other.edge_from),
      edge_to(other.edge_to),
      edge_latency(other.edge_latency),
      edge_kind(other.edge_kind),
      edge_removed(other.edge_removed),
      resources(other.resources),
      iterations(other.iterations),
      ranks(other.ranks),
      memory_event_sites(other.memory_event_sites),
      layer_types(other.layer_types),
      parameters(other.parameters),
      diagnostics(other.diagnostics),
      execution(other.execution),
      trace_(other.trace_) {
  // Interning in the same order gives the same ids.
  for (StringId id = 1; id < other.extra_names_.size(); ++id) {
    extra_names_.intern(other.extra_names_.get(id));
  }
}

std::string_view Graph::str(StringId id) const {
  size_t base = trace_->strings.size();
  return id < base ? trace_->strings.get(id) : extra_names_.get(id - static_cast<StringId>(base));
}

StringId Graph::intern(std::string_view text) {
  if (text.empty()) return kEmptyString;
  if (StringId id = trace_->strings.find(text); id != kEmptyString) return id;
  return static_cast<StringId>(trace_->strings.size()) + extra_names_.intern(text);
}

ResourceId Graph::add_resource(Resource r) {
  r.first = r.last = kNone;
  resources.push_back(std::move(r));
  return static_cast<ResourceId>(resources.size() - 1);
}

TaskId Graph::new_task(const TaskSpec& spec) {
  assert(spec.resource < resources.size());
  kind.push_back(spec.kind);
  resource.push_back(spec.resource);
  duration.push_back(spec.duration);
  name.push_back(spec.name);
  op.push_back(spec.op);
  layer.push_back(spec.layer);
  phase.push_back(spec.phase);
  iteration.push_back(spec.iteration);
  kernel_class.push_back(spec.kernel_class);
  source_table.push_back(spec.source_table);
  source_row.push_back(spec.source_row);
  recorded_start.push_back(spec.recorded_start);
  recorded_end.push_back(spec.recorded_end);
  next_on_resource.push_back(kNone);
  prev_on_resource.push_back(kNone);
  priority.push_back(0);
  removed.push_back(0);
  invalidate();
  return static_cast<TaskId>(kind.size() - 1);
}

TaskId Graph::append_task(const TaskSpec& spec) {
  return insert_task_after(spec, resources[spec.resource].last);
}

TaskId Graph::insert_task_after(const TaskSpec& spec, TaskId after) {
  TaskId task = new_task(spec);
  link_after(task, spec.resource, after);
  return task;
}

void Graph::link_after(TaskId task, ResourceId r, TaskId after) {
  Resource& res = resources[r];
  resource[task] = r;
  TaskId next = after == kNone ? res.first : next_on_resource[after];
  prev_on_resource[task] = after;
  next_on_resource[task] = next;
  (after == kNone ? res.first : next_on_resource[after]) = task;
  (next == kNone ? res.last : prev_on_resource[next]) = task;
}

void Graph::unlink_from_sequence(TaskId task) {
  Resource& r = resources[resource[task]];
  TaskId prev = prev_on_resource[task];
  TaskId next = next_on_resource[task];
  (prev == kNone ? r.first : next_on_resource[prev]) = next;
  (next == kNone ? r.last : prev_on_resource[next]) = prev;
  prev_on_resource[task] = next_on_resource[task] = kNone;
}

void Graph::unlink_tasks(std::span<const TaskId> tasks) {
  const Topology& topo = topology();
  for (TaskId task : tasks) {
    for (auto e : boost::make_iterator_range(boost::out_edges(task, topo))) {
      edge_removed[topo[e].id] = 1;
    }
    for (auto e : boost::make_iterator_range(boost::in_edges(task, topo))) {
      edge_removed[topo[e].id] = 1;
    }
  }
  for (TaskId task : tasks) {
    unlink_from_sequence(task);
    removed[task] = 1;
  }
  invalidate();
}

void Graph::move_task(TaskId task, ResourceId to, TaskId after) {
  unlink_from_sequence(task);
  link_after(task, to, after);
}

EdgeId Graph::add_edge(TaskId from, TaskId to, EdgeKind edge_kind_value, TimeNs latency) {
  edge_from.push_back(from);
  edge_to.push_back(to);
  edge_latency.push_back(latency);
  edge_kind.push_back(edge_kind_value);
  edge_removed.push_back(0);
  invalidate();
  return static_cast<EdgeId>(edge_from.size() - 1);
}

void Graph::remove_edge(EdgeId edge) {
  edge_removed[edge] = 1;
  invalidate();
}

const Topology& Graph::topology() const {
  if (topology_) return *topology_;
  std::vector<std::pair<TaskId, TaskId>> pairs;
  std::vector<EdgeRef> refs;
  pairs.reserve(edge_count());
  refs.reserve(edge_count());
  for (EdgeId e = 0; e < edge_count(); ++e) {
    if (edge_removed[e]) continue;
    pairs.emplace_back(edge_from[e], edge_to[e]);
    refs.push_back(EdgeRef{e});
  }
  topology_ = std::make_unique<Topology>(boost::edges_are_unsorted_multi_pass, pairs.begin(),
                                         pairs.end(), refs.begin(),
                                         static_cast<TaskId>(task_count()));
  return *topology_;
}

size_t Graph::memory_bytes() const {
  return bytes_of(kind) + bytes_of(resource) + bytes_of(duration) + bytes_of(name) +
         bytes_of(op) + bytes_of(layer) + bytes_of(phase) + bytes_of(iteration) +
         bytes_of(kernel_class) + bytes_of(source_table) + bytes_of(source_row) +
         bytes_of(recorded_start) + bytes_of(recorded_end) + bytes_of(next_on_resource) +
         bytes_of(prev_on_resource) + bytes_of(priority) + bytes_of(removed) + bytes_of(edge_from) +
         bytes_of(edge_to) + bytes_of(edge_latency) + bytes_of(edge_kind) +
         bytes_of(edge_removed) + bytes_of(memory_event_sites);
}

TaskId launch_call_of(const Graph& graph, TaskId op) {
  const Topology& topology = graph.topology();
  for (auto in : boost::make_iterator_range(boost::in_edges(op, topology))) {
    TaskId from = boost::source(in, topology);
    if (graph.edge_kind[topology[in].id] == EdgeKind::kLaunch &&
        graph.kind[from] == TaskKind::kApiCall) {
      return from;
    }
  }
  return kNone;
}

}  // namespace dd
