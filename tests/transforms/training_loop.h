// A hand-built training loop for the parallelism model tests: per iteration, each layer's
// forward GEMM, then the backward GEMMs in reverse layer order, one optimizer kernel and a
// host synchronization that waits for it, on a recorded H100. Every GPU op is launched by a 1 us API call on the
// one CPU thread (launch latency 0), so the GPU runs back to back and an iteration lasts
// 1 us (its first launch) + its GPU time; the tests work their times out from there.
#pragma once

#include <vector>

#include "tiny_graph.h"
#include "transforms/model_test_support.h"

namespace dd::test {

struct LayerTimes {
  const char* name;
  TimeNs forward = 0;
  TimeNs backward = 0;
};

struct TrainingLoop {
  struct Iteration {
    std::vector<TaskId> forward, backward;  // GPU ops, forward in layer order, backward reversed
    TaskId optimizer = kNone;
  };

  TinyGraph t;
  std::vector<Iteration> iterations;

  TrainingLoop(const std::vector<LayerTimes>& layers, TimeNs optimizer, int32_t count) {
    record_device(t, "NVIDIA H100 80GB HBM3");
    for (int32_t i = 0; i < count; ++i) {
      Iteration it;
      size_t first_task = t.graph.task_count();
      for (const LayerTimes& layer : layers) {
        it.forward.push_back(launched(Phase::kForward, layer.forward, layer.name));
      }
      for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) {
        it.backward.push_back(launched(Phase::kBackward, layer->backward, layer->name));
      }
      it.optimizer = launched(Phase::kOptimizer, optimizer, "");
      TaskId sync = t.cpu_task(TaskKind::kApiCall, 0, Phase::kOptimizer, "");
      t.graph.add_edge(it.optimizer, sync, EdgeKind::kHostWait);
      for (TaskId task = static_cast<TaskId>(first_task); task < t.graph.task_count(); ++task) {
        t.graph.iteration[task] = i;
      }
      TaskId start = static_cast<TaskId>(first_task);
      if (i > 0) t.graph.iterations.back().end_task = start;
      t.graph.iterations.push_back({i, kEmptyString, start, kNone});
      iterations.push_back(std::move(it));
    }
  }

 private:
  TaskId launched(Phase phase, TimeNs duration, const char* layer) {
    TaskId call = t.cpu_task(TaskKind::kApiCall, 1000, phase, layer);
    KernelClass k = phase == Phase::kOptimizer ? KernelClass::kOptimizer : KernelClass::kGemm;
    TaskId op = t.gpu_op(t.gpu, duration, "kernel", k, phase, layer);
    t.graph.add_edge(call, op, EdgeKind::kLaunch);
    return op;
  }
};

}  // namespace dd::test
