// Hand-built graphs for unit tests of the analyses over timelines: one CPU thread and one GPU
// stream to start with, more streams on demand, and tasks appended with the attributes a test
// checks (kind, duration, name, layer, phase, kernel class).
#pragma once

#include "collector/trace/trace.h"
#include "graph/graph.h"

namespace dd::test {

struct TinyGraph {
  Trace trace;
  Graph graph{trace};
  ResourceId cpu = graph.add_resource({ResourceKind::kCpuThread, 0, 0, "cpu"});
  ResourceId gpu = graph.add_resource({ResourceKind::kGpuStream, 0, 0, "gpu"});

  ResourceId add_stream(const char* name) {
    return graph.add_resource({ResourceKind::kGpuStream, 1, 0, name});
  }

  TaskId add(ResourceId resource, TimeNs duration, TaskKind kind = TaskKind::kCpuWork) {
    TaskSpec spec;
    spec.kind = kind;
    spec.resource = resource;
    spec.duration = duration;
    return graph.append_task(spec);
  }

  // A CPU task (API call or CPU work) with its phase and layer ("" = unattributed).
  TaskId cpu_task(TaskKind kind, TimeNs duration, Phase phase, const char* layer) {
    TaskSpec spec;
    spec.kind = kind;
    spec.resource = cpu;
    spec.duration = duration;
    spec.phase = phase;
    spec.layer = graph.intern(layer);
    return graph.append_task(spec);
  }

  TaskId gpu_op(ResourceId stream, TimeNs duration, const char* name, KernelClass kernel_class,
                Phase phase, const char* layer) {
    TaskSpec spec;
    spec.kind = TaskKind::kGpuOp;
    spec.resource = stream;
    spec.duration = duration;
    spec.name = graph.intern(name);
    spec.kernel_class = kernel_class;
    spec.phase = phase;
    spec.layer = graph.intern(layer);
    return graph.append_task(spec);
  }
};

}  // namespace dd::test
