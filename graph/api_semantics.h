// What a CUDA runtime/driver call does to the dependency graph, from its name (Kineto names
// like "cudaLaunchKernel", nsys names like "cudaLaunchKernel_v7000", driver "cuLaunchKernel").
#pragma once

#include <cstdint>
#include <string_view>

namespace dd {

enum class ApiRole : uint8_t {
  kLaunch,            // enqueues GPU work and returns (kernels, async copies and memsets)
  kBlockingCopy,      // enqueues a copy/memset and returns when it is done (cudaMemcpy)
  kDeviceSync,        // waits for all work of the device (cudaDeviceSynchronize, cudaFree)
  kStreamSync,        // waits for one stream
  kEventSync,         // waits for a recorded event
  kEventRecord,       // records an event on a stream
  kStreamWaitEvent,   // makes a stream wait for an event (GPU-side)
  kOther,             // no effect on dependencies (queries, attributes, allocations)
};

ApiRole api_role(std::string_view name);
std::string_view api_role_name(ApiRole role);

}  // namespace dd
