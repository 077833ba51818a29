// What the trace's allocator events (Kineto profile_memory `[memory]` instants) say about the
// model, for the parallelism what-ifs: which CPU task made an allocation, and how much memory
// each layer's forward pass keeps (its saved activations) and hands to the next layer (its
// output). Recorded times are used only to match events to tasks, never in a prediction.
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include "graph/graph.h"

namespace dd {

// CPU tasks per trace thread, by recorded start: which task was running at a time.
class ThreadTasks {
 public:
  explicit ThreadTasks(const Graph& graph);
  // The last task on `thread` that started at or before `time`; kNone if none.
  TaskId at(uint32_t thread, TimeNs time) const;

 private:
  const Graph& graph_;
  std::unordered_map<uint32_t, std::vector<TaskId>> by_thread_;
};

// When device blocks are freed: per (device, address), the frees in time order.
class BlockFrees {
 public:
  struct Free {
    TimeNs time = 0;
    uint32_t thread = kNone;
  };
  explicit BlockFrees(const MemoryEventTable& events);
  // The first free of the block at (device, address) after `time` (a block allocated then);
  // nullptr when it is never freed in the trace.
  const Free* next(int32_t device, uint64_t address, TimeNs time) const;

 private:
  std::map<std::pair<int32_t, uint64_t>, std::vector<Free>> frees_;
};

struct LayerActivations {
  uint64_t saved = 0;   // device blocks its forward allocated that live until backward starts
  uint64_t output = 0;  // the last of them: the layer's output, what a next stage receives
};

// Per layer, in the first iteration whose forward pass allocated anything: blocks allocated by
// forward (or unmarked) CPU tasks of that layer and still allocated when the iteration's first
// backward CPU task starts. Empty when the trace has no allocator events or no layers.
std::map<StringId, LayerActivations> forward_activations(const Graph& graph);

}  // namespace dd
