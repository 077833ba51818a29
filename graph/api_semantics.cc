// CUDA API name → role table. Names are normalized by dropping version and per-thread-stream
// suffixes ("_v7000", "_v2", "_ptsz", "_ptds") before lookup. HIP (ROCm) calls, which Kineto
// records under the same `cuda_runtime` category, mirror CUDA's runtime API name for name
// ("hipLaunchKernel" is cudaLaunchKernel, "hipStreamWaitEvent" is cudaStreamWaitEvent), so a
// "hip" prefix reads as "cuda"; the calls HIP has and CUDA's runtime has not are listed apart.
#include "graph/api_semantics.h"

#include <array>
#include <cctype>
#include <string>
#include <utility>

namespace dd {

namespace {

std::string_view strip_suffixes(std::string_view name) {
  for (bool changed = true; changed;) {
    changed = false;
    for (std::string_view suffix : {"_ptsz", "_ptds"}) {
      if (name.ends_with(suffix)) {
        name.remove_suffix(suffix.size());
        changed = true;
      }
    }
    size_t v = name.rfind("_v");
    if (v != std::string_view::npos && v + 2 < name.size()) {
      bool digits = true;
      for (char c : name.substr(v + 2)) digits = digits && std::isdigit(static_cast<unsigned char>(c));
      if (digits) {
        name = name.substr(0, v);
        changed = true;
      }
    }
  }
  if (name.starts_with("__")) name.remove_prefix(2);  // __cudaLaunchKernel (CUDA 13)
  return name;
}

constexpr std::array<std::pair<std::string_view, ApiRole>, 39> kRoles = {{
    {"cudaLaunchKernel", ApiRole::kLaunch},
    {"cudaLaunchKernelExC", ApiRole::kLaunch},
    {"cudaLaunchCooperativeKernel", ApiRole::kLaunch},
    {"cudaLaunchHostFunc", ApiRole::kLaunch},
    {"cudaGraphLaunch", ApiRole::kLaunch},
    {"cudaMemcpyAsync", ApiRole::kLaunch},
    {"cudaMemcpy2DAsync", ApiRole::kLaunch},
    {"cudaMemcpy3DAsync", ApiRole::kLaunch},
    {"cudaMemcpyPeerAsync", ApiRole::kLaunch},
    {"cudaMemsetAsync", ApiRole::kLaunch},
    {"cudaMemset2DAsync", ApiRole::kLaunch},
    {"cuLaunchKernel", ApiRole::kLaunch},
    {"cuLaunchKernelEx", ApiRole::kLaunch},
    {"cuLaunchCooperativeKernel", ApiRole::kLaunch},
    {"cuGraphLaunch", ApiRole::kLaunch},
    {"cuMemcpyAsync", ApiRole::kLaunch},
    {"cuMemcpyHtoDAsync", ApiRole::kLaunch},
    {"cuMemcpyDtoHAsync", ApiRole::kLaunch},
    {"cuMemcpyDtoDAsync", ApiRole::kLaunch},
    {"cuMemsetD8Async", ApiRole::kLaunch},
    {"cuMemsetD32Async", ApiRole::kLaunch},
    {"cudaMemcpy", ApiRole::kBlockingCopy},
    {"cudaMemcpy2D", ApiRole::kBlockingCopy},
    {"cudaMemcpyToSymbol", ApiRole::kBlockingCopy},
    {"cudaMemcpyFromSymbol", ApiRole::kBlockingCopy},
    {"cudaMemset", ApiRole::kBlockingCopy},
    {"cuMemcpyHtoD", ApiRole::kBlockingCopy},
    {"cuMemcpyDtoH", ApiRole::kBlockingCopy},
    {"cudaDeviceSynchronize", ApiRole::kDeviceSync},
    {"cuCtxSynchronize", ApiRole::kDeviceSync},
    {"cudaFree", ApiRole::kDeviceSync},
    {"cuMemFree", ApiRole::kDeviceSync},
    {"cudaStreamSynchronize", ApiRole::kStreamSync},
    {"cuStreamSynchronize", ApiRole::kStreamSync},
    {"cudaEventSynchronize", ApiRole::kEventSync},
    {"cuEventSynchronize", ApiRole::kEventSync},
    {"cudaEventRecord", ApiRole::kEventRecord},
    {"cudaStreamWaitEvent", ApiRole::kStreamWaitEvent},
    {"internal_launch", ApiRole::kLaunch},  // CUPTI INTERNAL_LAUNCH_API records (daydream record)
}};

// HIP calls without a CUDA runtime namesake (ROCm HIP API reference). hipMemcpyWithStream
// copies on a stream and returns when the copy is done, like cudaMemcpy.
constexpr std::array<std::pair<std::string_view, ApiRole>, 5> kHipOnlyRoles = {{
    {"hipModuleLaunchKernel", ApiRole::kLaunch},
    {"hipExtModuleLaunchKernel", ApiRole::kLaunch},
    {"hipExtLaunchKernel", ApiRole::kLaunch},
    {"hipHccModuleLaunchKernel", ApiRole::kLaunch},
    {"hipMemcpyWithStream", ApiRole::kBlockingCopy},
}};

ApiRole cuda_role(std::string_view base) {
  for (const auto& [known, role] : kRoles) {
    if (base == known) return role;
  }
  if (base == "cudaEventRecordWithFlags" || base == "cuEventRecord") return ApiRole::kEventRecord;
  if (base == "cuStreamWaitEvent") return ApiRole::kStreamWaitEvent;
  return ApiRole::kOther;
}

}  // namespace

ApiRole api_role(std::string_view name) {
  std::string_view base = strip_suffixes(name);
  if (!base.starts_with("hip")) return cuda_role(base);
  for (const auto& [known, role] : kHipOnlyRoles) {
    if (base == known) return role;
  }
  std::string cuda_name = "cuda";
  cuda_name += base.substr(3);
  return cuda_role(cuda_name);
}

std::string_view api_role_name(ApiRole role) {
  static constexpr std::array<std::string_view, 8> kNames = {
      "launch", "blocking_copy", "device_sync", "stream_sync", "event_sync", "event_record",
      "stream_wait_event", "other"};
  return kNames[static_cast<size_t>(role)];
}

}  // namespace dd
