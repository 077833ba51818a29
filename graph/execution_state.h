// ExecutionState: how the GPU work of a graph runs after the what-if rewrites applied so far,
// so that each rewrite starts from what the previous one made of the run instead of from the
// trace (transforms/README.md, "State that composes"): the GPU the ops run on, the data type a
// rewrite gave an op, and which ops a rewrite put into CUDA graphs. A fresh graph is "as
// recorded" everywhere; only transforms write it, and the cost model (transforms/cost/) reads
// it. Per-task vectors are indexed by TaskId and may be shorter than the task columns: a
// missing entry means "as recorded" (new tasks need no bookkeeping here).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dd {

// The data type an op's work is done in, with the math it uses for fp32 data: kFp32 on the
// CUDA cores (or AMD's fp32 vector/matrix units), kTf32 on TF32 tensor cores (fp32 storage).
enum class DataType : uint8_t { kFp32, kTf32, kFp16, kBf16, kFp8 };
enum class LaunchMode : uint8_t { kEager, kGraph };

struct ExecutionState {
  // The device-table name of the GPU the ops run on (transforms/cost/device_model.h); empty:
  // the GPU the trace ran on.
  std::string device;
  // The data type a rewrite gave an op; nullopt: what its kernel name says
  // (transforms/cost/kernel_traits.h).
  std::vector<std::optional<DataType>> precision;
  std::vector<LaunchMode> launch;

  std::optional<DataType> precision_of(uint32_t task) const {
    return task < precision.size() ? precision[task] : std::nullopt;
  }
  void set_precision(uint32_t task, DataType value) {
    if (task >= precision.size()) precision.resize(task + 1);
    precision[task] = value;
  }
  LaunchMode launch_of(uint32_t task) const {
    return task < launch.size() ? launch[task] : LaunchMode::kEager;
  }
  void set_launch(uint32_t task, LaunchMode value) {
    if (task >= launch.size()) launch.resize(task + 1, LaunchMode::kEager);
    launch[task] = value;
  }
};

}  // namespace dd
