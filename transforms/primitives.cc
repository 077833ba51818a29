// The transformation primitives (see primitives.h).
#include "transforms/primitives.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <utility>

namespace dd {

namespace {

template <typename Enum, size_t N>
std::optional<Enum> enum_by_name(std::string_view text, std::string_view (*name_of)(Enum)) {
  for (size_t i = 0; i < N; ++i) {
    if (name_of(static_cast<Enum>(i)) == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

template <typename Enum, size_t N>
std::string names_of(std::string_view (*name_of)(Enum)) {
  std::string out;
  for (size_t i = 0; i < N; ++i) out += (i ? "|" : "") + std::string(name_of(static_cast<Enum>(i)));
  return out;
}

constexpr size_t kTaskKinds = 3;
constexpr size_t kKernelClasses = static_cast<size_t>(KernelClass::kOther) + 1;

Result<int64_t> parse_integer(std::string_view key, std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return usage_error("selector " + std::string(key) + ":" + std::string(text) +
                       ": expected an integer");
  }
  return value;
}

Result<void> set_term(TaskSelector& s, std::string_view key, std::string_view value) {
  auto unknown = [&](const std::string& valid) {
    return usage_error("selector " + std::string(key) + ":" + std::string(value) +
                       ": unknown value (valid: " + valid + ")");
  };
  if (key == "kind") {
    s.kind = enum_by_name<TaskKind, kTaskKinds>(value, task_kind_name);
    if (!s.kind) return unknown(names_of<TaskKind, kTaskKinds>(task_kind_name));
  } else if (key == "phase") {
    s.phase = enum_by_name<Phase, kPhaseCount>(value, phase_name);
    if (!s.phase) return unknown(names_of<Phase, kPhaseCount>(phase_name));
  } else if (key == "class") {
    s.kernel_class = enum_by_name<KernelClass, kKernelClasses>(value, kernel_class_name);
    if (!s.kernel_class) return unknown(names_of<KernelClass, kKernelClasses>(kernel_class_name));
  } else if (key == "iteration" || key == "resource") {
    auto number = parse_integer(key, value);
    if (!number) return std::unexpected(number.error());
    if (key == "iteration") {
      s.iteration = static_cast<int32_t>(*number);
    } else {
      s.resource = static_cast<ResourceId>(*number);
    }
  } else if (key == "name") {
    s.name_contains = value;
  } else if (key == "op") {
    s.op_contains = value;
  } else if (key == "layer") {
    s.layer_contains = value;
  } else {
    return usage_error("selector key '" + std::string(key) +
                       "' unknown (valid: kind, phase, class, iteration, resource, name, op, "
                       "layer)");
  }
  return {};
}

bool contains(std::string_view text, const std::string& part) {
  return part.empty() || text.find(part) != std::string_view::npos;
}

}  // namespace

Result<TaskSelector> parse_selector(std::string_view text) {
  TaskSelector selector;
  while (!text.empty()) {
    size_t plus = text.find('+');
    std::string_view term = text.substr(0, plus);
    size_t colon = term.find(':');
    if (colon == std::string_view::npos) {
      return usage_error("selector term '" + std::string(term) + "' is not key:value");
    }
    if (auto set = set_term(selector, term.substr(0, colon), term.substr(colon + 1)); !set) {
      return std::unexpected(set.error());
    }
    text = plus == std::string_view::npos ? std::string_view() : text.substr(plus + 1);
  }
  return selector;
}

std::vector<TaskId> select_tasks(const Graph& graph, const TaskSelector& s) {
  std::vector<TaskId> tasks;
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (graph.removed[t]) continue;
    if (s.kind && graph.kind[t] != *s.kind) continue;
    if (s.phase && graph.phase[t] != *s.phase) continue;
    if (s.kernel_class && (graph.kind[t] != TaskKind::kGpuOp || graph.kernel_class[t] != *s.kernel_class)) continue;
    if (s.iteration && graph.iteration[t] != *s.iteration) continue;
    if (s.resource && graph.resource[t] != *s.resource) continue;
    if (!contains(graph.str(graph.name[t]), s.name_contains)) continue;
    if (!contains(graph.str(graph.op[t]), s.op_contains)) continue;
    if (!contains(graph.str(graph.layer[t]), s.layer_contains)) continue;
    tasks.push_back(t);
  }
  return tasks;
}

void scale_durations(Graph& graph, std::span<const TaskId> tasks, double factor) {
  for (TaskId t : tasks) {
    graph.duration[t] = std::llround(static_cast<double>(graph.duration[t]) * factor);
  }
}

void set_duration(Graph& graph, TaskId task, TimeNs duration) { graph.duration[task] = duration; }

TaskId insert_task(Graph& graph, const TaskSpec& spec, TaskId after) {
  return graph.insert_task_after(spec, after);
}

void remove_tasks(Graph& graph, std::span<const TaskId> tasks) { remove_tasks(graph, tasks, {}); }

void remove_tasks(Graph& graph, std::span<const TaskId> tasks,
                  std::span<const Dependency> handovers) {
  std::vector<uint8_t> removing(graph.task_count(), 0);
  for (TaskId t : tasks) removing[t] = 1;
  // Every path p -> t1 -> ... -> tk -> s through removed tasks becomes p -> s.
  const Topology& topo = graph.topology();
  std::vector<Dependency> splices;
  for (TaskId t : tasks) {
    for (auto in : boost::make_iterator_range(boost::in_edges(t, topo))) {
      TaskId p = boost::source(in, topo);
      if (removing[p]) continue;
      EdgeId in_id = topo[in].id;
      // Walk forward through removed tasks (depth-first, each edge once per entry point).
      std::vector<std::pair<TaskId, TimeNs>> stack{{t, graph.edge_latency[in_id]}};
      while (!stack.empty()) {
        auto [u, latency] = stack.back();
        stack.pop_back();
        for (auto out : boost::make_iterator_range(boost::out_edges(u, topo))) {
          TaskId s = boost::target(out, topo);
          EdgeId out_id = topo[out].id;
          TimeNs total = latency + graph.edge_latency[out_id];
          if (removing[s]) {
            stack.emplace_back(s, total);
          } else {
            splices.push_back({p, s, graph.edge_kind[out_id], total});
          }
        }
      }
    }
  }
  graph.unlink_tasks(tasks);
  for (const Dependency& d : handovers) {
    assert(!removing[d.from] && !removing[d.to]);  // else the splices above would miss paths
    graph.add_edge(d.from, d.to, d.kind, d.latency);
  }
  for (const Dependency& s : splices) graph.add_edge(s.from, s.to, s.kind, s.latency);
}

EdgeId add_dependency(Graph& graph, TaskId from, TaskId to, EdgeKind kind, TimeNs latency) {
  return graph.add_edge(from, to, kind, latency);
}

void remove_dependency(Graph& graph, EdgeId edge) { graph.remove_edge(edge); }

void move_task(Graph& graph, TaskId task, ResourceId to, TaskId after) {
  graph.move_task(task, to, after);
}

ResourceId add_resource(Graph& graph, Resource resource) {
  return graph.add_resource(std::move(resource));
}

void set_scheduling_policy(Graph& graph, ResourceId resource, SchedulingPolicy policy) {
  graph.resources[resource].policy = policy;
}

void set_priority(Graph& graph, TaskId task, int32_t priority) { graph.priority[task] = priority; }

}  // namespace dd
