// A small CUDA program for checking `daydream record` end to end on a GPU: two streams, an
// event that makes one wait for the other, a stream synchronize, async and blocking copies, a
// memset, stream-ordered allocations and NVTX iteration ranges. check_streams_trace.py knows
// what it does and checks the recorded trace against it.
#include <cuda_runtime.h>
#include <nvtx3/nvToolsExt.h>

#include <cstdio>
#include <string>

__global__ void spin(float* data, int n, int rounds) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  float v = data[i];
  for (int r = 0; r < rounds; ++r) v = v * 0.999f + 0.001f;
  data[i] = v;
}

#define CHECK(call)                                                                  \
  do {                                                                               \
    cudaError_t e = (call);                                                          \
    if (e != cudaSuccess) {                                                          \
      std::fprintf(stderr, "%s failed: %s\n", #call, cudaGetErrorString(e));         \
      return 1;                                                                      \
    }                                                                                \
  } while (0)

int main() {
  constexpr int kIterations = 5;
  constexpr int n = 1 << 20;
  cudaStream_t compute, side;
  CHECK(cudaStreamCreateWithFlags(&compute, cudaStreamNonBlocking));
  CHECK(cudaStreamCreateWithFlags(&side, cudaStreamNonBlocking));
  cudaEvent_t ready;
  CHECK(cudaEventCreateWithFlags(&ready, cudaEventDisableTiming));
  float *a, *b, *pinned;
  CHECK(cudaMalloc(&a, n * sizeof(float)));
  CHECK(cudaMalloc(&b, n * sizeof(float)));
  CHECK(cudaMallocHost(&pinned, n * sizeof(float)));
  static float pageable[n];
  for (int it = 0; it < kIterations; ++it) {
    std::string name = "dd:iteration#" + std::to_string(it);
    nvtxRangeId_t iteration = nvtxRangeStartA(name.c_str());
    nvtxRangePushA("dd:module:stage_a|Spin");
    spin<<<n / 256, 256, 0, compute>>>(a, n, 2000);        // A
    nvtxRangePop();
    CHECK(cudaEventRecord(ready, compute));
    CHECK(cudaStreamWaitEvent(side, ready, 0));
    spin<<<n / 256, 256, 0, side>>>(a, n, 500);            // B: after A, through the event
    spin<<<n / 256, 256, 0, compute>>>(b, n, 1000);        // C: overlaps B
    float* scratch;
    CHECK(cudaMallocAsync(&scratch, n * sizeof(float), side));
    CHECK(cudaMemcpyAsync(scratch, a, n * sizeof(float), cudaMemcpyDeviceToDevice, side));
    CHECK(cudaMemcpyAsync(pinned, scratch, n * sizeof(float), cudaMemcpyDeviceToHost, side));
    CHECK(cudaFreeAsync(scratch, side));
    CHECK(cudaMemsetAsync(b, 0, n * sizeof(float), compute));
    CHECK(cudaStreamSynchronize(side));
    CHECK(cudaMemcpy(a, pageable, n * sizeof(float), cudaMemcpyHostToDevice));  // blocking
    CHECK(cudaDeviceSynchronize());
    nvtxRangeEnd(iteration);
  }
  std::printf("done\n");
  return 0;
}
