// The two decisions of pipeline parallelism that do not touch a graph, for the `pipeline`
// model (pipeline_model.cc): how to cut a sequence of layers into stages, and in which order
// each device runs its micro-batches' forward and backward work.
//
// Partition (PipeDream: Narayanan et al., "PipeDream: Generalized Pipeline Parallelism for DNN
// Training", SOSP 2019, section 3.1, without stage replication): contiguous stages chosen by
// dynamic programming to minimize the slowest stage, where a stage costs its layers' compute
// and the boundary before it costs the activation and gradient transfer (both directions on
// one link, 2 x send), under an optional per-stage memory limit.
//
// Schedules (per device, the sequence of (forward|backward, micro-batch, model chunk)):
//  - gpipe (Huang et al., "GPipe", NeurIPS 2019): all M forwards, then all M backwards; every
//    stage holds M micro-batches' activations. Balanced stages idle a fraction (K-1)/(M+K-1).
//  - 1f1b (PipeDream-Flush, Narayanan et al., "Memory-Efficient Pipeline-Parallel DNN
//    Training", ICML 2021): stage s runs min(K-s-1, M) warm-up forwards, then alternates one
//    forward and one backward, then drains; it holds at most min(K-s, M) micro-batches'
//    activations, with GPipe's bubble.
//  - interleaved (Megatron-LM: Narayanan et al., "Efficient Large-Scale Language Model
//    Training on GPU Clusters", SC 2021): each device holds V model chunks (chunk c on device
//    c mod K), micro-batches in groups of K per chunk, warm-up (K-s-1) * 2 + (V-1) * K
//    forwards; the bubble shrinks by V. Needs M to be a multiple of K, as Megatron does.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "collector/trace/result.h"
#include "graph/graph.h"

namespace dd {

enum class PipelineSchedule : uint8_t { kGpipe, kOneFOneB, kInterleaved };

// Cost inputs of the partitioner: per layer in forward order, its compute time, and the
// transfer time of the activations leaving it; `memory(first, last, stage)` the bytes a stage
// of layers [first, last] at position `stage` needs (0 when unknown).
struct PartitionInput {
  std::vector<TimeNs> compute;        // per layer, forward + backward
  std::vector<TimeNs> boundary;       // per layer: 2 x send of its output (last: unused)
  std::function<uint64_t(size_t, size_t, size_t)> memory;
  uint64_t memory_limit = 0;          // 0: none
};

// The first layer of each of `stages` stages (the first is 0), minimizing the slowest stage;
// an error when no partition fits the memory limit or there are fewer layers than stages.
Result<std::vector<size_t>> partition_layers(const PartitionInput& input, uint32_t stages);

struct PipelineStep {
  bool forward = true;
  uint32_t microbatch = 0;
  uint32_t chunk = 0;  // model chunk (stage index when not interleaved)
};

// The order of work on each of `devices` devices for `microbatches` micro-batches and
// `chunks` model chunks per device (1 unless interleaved).
std::vector<std::vector<PipelineStep>> pipeline_order(PipelineSchedule schedule, uint32_t devices,
                                                      uint32_t microbatches, uint32_t chunks);

// How many micro-batches' activations of chunk `chunk` device `device` holds at most under
// `schedule` (from the order: forwards done minus backwards done).
uint32_t activations_in_flight(const std::vector<PipelineStep>& order, uint32_t chunk);

std::string_view schedule_name(PipelineSchedule schedule);

}  // namespace dd
