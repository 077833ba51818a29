// The pipeline partitioner and schedules (see pipeline_schedule.h).
#include "transforms/models/pipeline_schedule.h"

#include <algorithm>
#include <limits>

namespace dd {

namespace {

constexpr TimeNs kInfinite = std::numeric_limits<TimeNs>::max();

// Megatron's interleaved order of one device (schedules.py,
// forward_backward_pipelining_with_interleaving): virtual micro-batch k of the forwards runs
// chunk (k / K) mod V on micro-batch (k / (K V)) K + k mod K; the backwards visit the chunks
// in reverse.
std::vector<PipelineStep> interleaved_order(uint32_t device, uint32_t devices,
                                            uint32_t microbatches, uint32_t chunks) {
  uint32_t total = microbatches * chunks;
  auto step = [&](uint32_t k, bool forward) {
    uint32_t local = (k / devices) % chunks;
    if (!forward) local = chunks - 1 - local;
    uint32_t microbatch = (k / (devices * chunks)) * devices + k % devices;
    return PipelineStep{forward, microbatch, local * devices + device};
  };
  uint32_t warmup = std::min((devices - device - 1) * 2 + (chunks - 1) * devices, total);
  std::vector<PipelineStep> order;
  for (uint32_t k = 0; k < warmup; ++k) order.push_back(step(k, true));
  for (uint32_t i = 0; i + warmup < total; ++i) {
    order.push_back(step(warmup + i, true));
    order.push_back(step(i, false));
  }
  for (uint32_t k = total - warmup; k < total; ++k) order.push_back(step(k, false));
  return order;
}

std::vector<PipelineStep> one_f_one_b_order(uint32_t device, uint32_t devices,
                                            uint32_t microbatches) {
  uint32_t warmup = std::min(devices - device - 1, microbatches);
  std::vector<PipelineStep> order;
  for (uint32_t m = 0; m < warmup; ++m) order.push_back({true, m, device});
  for (uint32_t i = 0; i + warmup < microbatches; ++i) {
    order.push_back({true, warmup + i, device});
    order.push_back({false, i, device});
  }
  for (uint32_t m = microbatches - warmup; m < microbatches; ++m) order.push_back({false, m, device});
  return order;
}

}  // namespace

std::string_view schedule_name(PipelineSchedule schedule) {
  switch (schedule) {
    case PipelineSchedule::kGpipe: return "gpipe";
    case PipelineSchedule::kOneFOneB: return "1f1b";
    case PipelineSchedule::kInterleaved: return "interleaved";
  }
  return "?";
}

Result<std::vector<size_t>> partition_layers(const PartitionInput& in, uint32_t stages) {
  size_t layers = in.compute.size();
  if (layers < stages) {
    return usage_error("pipeline: " + std::to_string(stages) + " stages need at least as many "
                       "layers, the trace has " + std::to_string(layers));
  }
  std::vector<TimeNs> prefix(layers + 1, 0);
  for (size_t i = 0; i < layers; ++i) prefix[i + 1] = prefix[i] + in.compute[i];
  auto fits = [&](size_t first, size_t last, size_t stage) {
    return in.memory_limit == 0 || !in.memory || in.memory(first, last, stage) <= in.memory_limit;
  };
  // best[k][j]: the slowest stage when layers [0, j) form k + 1 stages; start[k][j]: the first
  // layer of the last of them.
  std::vector<std::vector<TimeNs>> best(stages, std::vector<TimeNs>(layers + 1, kInfinite));
  std::vector<std::vector<size_t>> start(stages, std::vector<size_t>(layers + 1, 0));
  for (size_t j = 1; j <= layers; ++j) {
    if (fits(0, j - 1, 0)) best[0][j] = prefix[j];
  }
  for (uint32_t k = 1; k < stages; ++k) {
    for (size_t j = k + 1; j <= layers; ++j) {
      for (size_t i = k; i < j; ++i) {
        if (best[k - 1][i] == kInfinite || !fits(i, j - 1, k)) continue;
        TimeNs slowest = std::max({best[k - 1][i], in.boundary[i - 1], prefix[j] - prefix[i]});
        if (slowest < best[k][j]) {
          best[k][j] = slowest;
          start[k][j] = i;
        }
      }
    }
  }
  if (best[stages - 1][layers] == kInfinite) {
    return usage_error("pipeline: no partition into " + std::to_string(stages) +
                       " stages fits the memory limit");
  }
  std::vector<size_t> firsts(stages, 0);
  size_t end = layers;
  for (uint32_t k = stages - 1; k > 0; --k) {
    firsts[k] = start[k][end];
    end = firsts[k];
  }
  return firsts;
}

std::vector<std::vector<PipelineStep>> pipeline_order(PipelineSchedule schedule, uint32_t devices,
                                                      uint32_t microbatches, uint32_t chunks) {
  std::vector<std::vector<PipelineStep>> orders(devices);
  for (uint32_t d = 0; d < devices; ++d) {
    if (schedule == PipelineSchedule::kInterleaved) {
      orders[d] = interleaved_order(d, devices, microbatches, chunks);
    } else if (schedule == PipelineSchedule::kOneFOneB) {
      orders[d] = one_f_one_b_order(d, devices, microbatches);
    } else {
      for (uint32_t m = 0; m < microbatches; ++m) orders[d].push_back({true, m, d});
      for (uint32_t m = 0; m < microbatches; ++m) orders[d].push_back({false, m, d});
    }
  }
  return orders;
}

uint32_t activations_in_flight(const std::vector<PipelineStep>& order, uint32_t chunk) {
  int64_t held = 0, most = 0;
  for (const PipelineStep& step : order) {
    if (step.chunk != chunk) continue;
    held += step.forward ? 1 : -1;
    most = std::max(most, held);
  }
  return static_cast<uint32_t>(most);
}

}  // namespace dd
