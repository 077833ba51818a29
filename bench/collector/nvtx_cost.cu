// Nanoseconds per NVTX push+pop pair in this process. Run plainly (no NVTX tool: the calls
// return at once) and under `daydream record`, whose collector hands NVTX to CUPTI as marker
// records; the difference is what each module range of the PyTorch shim costs in a recording
// (bench/collector/gpu_checks.sh runs both). Prints one JSON line.
#include <cuda_runtime.h>
#include <nvtx3/nvToolsExt.h>

#include <chrono>
#include <cstdio>

int main() {
  cudaFree(nullptr);  // CUDA starts, and with it the injected collector
  const char* label = "dd:module:layer1.0.conv1|Conv2d";
  constexpr int kWarmupPairs = 1000;
  constexpr int kPairs = 200000;
  for (int i = 0; i < kWarmupPairs; ++i) {
    nvtxRangePushA(label);
    nvtxRangePop();
  }
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kPairs; ++i) {
    nvtxRangePushA(label);
    nvtxRangePop();
  }
  std::chrono::duration<double, std::nano> elapsed = std::chrono::steady_clock::now() - start;
  std::printf("{\"ns_per_push_pop\": %.1f, \"pairs\": %d}\n", elapsed.count() / kPairs, kPairs);
  return 0;
}
