// The kernel cost model (kernel_cost.h) on hand-computed cases, with the datasheet figures
// written out: V100 SXM2 15.7 TFLOPS fp32, 125 fp16 tensor, 900 GB/s, 80 SMs; H100 SXM 67 fp32,
// 494.7 TF32, 989.4 bf16, 3.35 TB/s, 132 SMs. A 128x64 CTA tile does 2*128*64/192 = 85.333
// FLOPs per element it streams. Also: what kernel names say (kernel_traits.h), one rule in both
// directions, and the memory fit (memory_fit.h).
#include <catch2/catch.hpp>

#include "tiny_graph.h"
#include "transforms/cost/device_model.h"
#include "transforms/cost/kernel_cost.h"
#include "transforms/cost/kernel_traits.h"
#include "transforms/cost/memory_fit.h"
#include "transforms/model_test_support.h"

using dd::CostBound;
using dd::DataType;
using dd::DeviceSpec;
using dd::KernelClass;
using dd::OpWork;

namespace {

DeviceSpec device(const char* name) { return dd::test::device_spec(name); }

OpWork tiled_compute(double m, double n, uint64_t blocks = 0) {
  OpWork work;
  work.bound = CostBound::kCompute;
  work.flops_per_element = 2 * m * n / (m + n);
  work.thread_blocks = blocks;
  return work;
}

OpWork memory_work(uint64_t blocks = 0) {
  OpWork work;
  work.bound = CostBound::kMemory;
  work.thread_blocks = blocks;
  return work;
}

}  // namespace

TEST_CASE("Kernel names say their type, TF32 math, tile and layout transposes",
          "[transforms][kernel_cost]") {
  auto sgemm = dd::kernel_traits("volta_sgemm_128x64_nn");
  CHECK(sgemm.type == DataType::kFp32);
  CHECK(sgemm.tile_m == 128);
  CHECK(sgemm.tile_n == 64);
  auto xmma = dd::kernel_traits(
      "sm90_xmma_fprop_implicit_gemm_f32f32_tf32f32_f32_nhwckrsc_nhwc_tilesize128x256x32_"
      "warpgroupsize1x1x1_execute_segment_k_off_kernel__5x_cudnn");
  CHECK(xmma.type == DataType::kTf32);
  CHECK(xmma.tile_m == 128);
  CHECK(xmma.tile_n == 256);
  CHECK(dd::kernel_traits("sm80_xmma_fprop_implicit_gemm_f32f32_f32f32_f32_nchwkcrs_nchw_"
                          "tilesize256x64x8_stage3")
            .type == DataType::kFp32);
  auto tensile = dd::kernel_traits(
      "Cijk_Ailk_Bljk_B_BS_BH_Bias_HA_S_SAV_UserArgs_MT64x288x64_MI16x16x1_SN_LDSB1");
  CHECK(tensile.type == DataType::kBf16);
  CHECK(tensile.tile_m == 64);
  CHECK(tensile.tile_n == 288);
  auto cutlass = dd::kernel_traits(
      "void cutlass::Kernel2<cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_64x64_64x6_tn_align8>");
  CHECK(cutlass.type == DataType::kBf16);
  CHECK(cutlass.tile_m == 64);
  CHECK(cutlass.tile_n == 64);
  CHECK(dd::kernel_traits("volta_h884gemm_256x128_ldg8_nn").type == DataType::kFp16);
  CHECK(dd::kernel_traits("void at::native::(anonymous namespace)::cunn_SoftMaxForward<8, "
                          "c10::BFloat16, float, c10::BFloat16>")
            .type == DataType::kBf16);
  CHECK(dd::kernel_traits("void at::native::vectorized_elementwise_kernel<4, "
                          "at::native::CUDAFunctor_add<float>>")
            .type == DataType::kFp32);
  auto transpose = dd::kernel_traits(
      "void cudnn::ops::nchwToNhwcKernel<float, float, float, false, true>");
  CHECK(transpose.layout_transpose);
  CHECK(transpose.tile_m == 0);
  auto plain = dd::kernel_traits("ncclKernel_AllReduce_RING_LL_Sum_float");
  CHECK_FALSE(plain.layout_transpose);
  CHECK(plain.tile_m == 0);
  CHECK_FALSE(dd::kernel_traits("Memcpy DtoD (Device -> Device)").type);
  auto cutlass_tf32 = dd::kernel_traits(
      "void cutlass::Kernel2<cutlass_80_tensorop_s1688gemm_128x128_32x3_tn_align4>");
  CHECK(cutlass_tf32.type == DataType::kTf32);
  CHECK(cutlass_tf32.tile_n == 128);
  auto counter = dd::kernel_traits(
      "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctorOnSelf_add<long>>");
  CHECK_FALSE(counter.type);
  CHECK(counter.integer);
  CHECK_FALSE(dd::kernel_traits("CUDAFunctor_add<float>").integer);
}

TEST_CASE("The math each type runs on, with fallbacks", "[transforms][kernel_cost]") {
  DeviceSpec v100 = device("V100");
  DeviceSpec h100 = device("H100");
  DeviceSpec mi300x = device("MI300X");
  CHECK(dd::math_peak(h100, DataType::kTf32) == 494.7e12);
  CHECK(dd::math_peak(h100, DataType::kFp32) == 67e12);
  CHECK(dd::math_on(v100, DataType::kTf32) == DataType::kFp32);  // no TF32 before Ampere
  CHECK(dd::math_on(v100, DataType::kBf16) == DataType::kFp32);  // bf16 on the CUDA cores
  CHECK(dd::math_peak(v100, DataType::kFp16) == 125e12);
  CHECK(dd::math_on(mi300x, DataType::kTf32) == DataType::kFp32);  // not PyTorch's ROCm default
  CHECK(dd::math_peak(mi300x, DataType::kBf16) == 1307.4e12);
  CHECK(dd::bytes_per_element(DataType::kTf32) == 4);
  CHECK(dd::bytes_per_element(DataType::kBf16) == 2);
}

TEST_CASE("PyTorch's TF32 default for convolutions moving onto Ampere+",
          "[transforms][kernel_cost]") {
  DeviceSpec v100 = device("V100");
  DeviceSpec a100 = device("A100");
  DeviceSpec h100 = device("H100");
  DeviceSpec mi300x = device("MI300X");
  OpWork conv = tiled_compute(128, 64);
  conv.convolution = true;
  OpWork gemm = tiled_compute(128, 64);
  // A recorded fp32 convolution from a V100 (or an AMD GPU) takes TF32 on NVIDIA Ampere+.
  CHECK(dd::type_on(v100, a100, conv, DataType::kFp32, true) == DataType::kTf32);
  CHECK(dd::type_on(mi300x, h100, conv, DataType::kFp32, true) == DataType::kTf32);
  // Not a GEMM (matmul TF32 is off), not once a rewrite set the type, not on an AMD target,
  // and not a convolution cuDNN ran on fp32 cores on a TF32 GPU.
  CHECK(dd::type_on(v100, a100, gemm, DataType::kFp32, true) == DataType::kFp32);
  CHECK(dd::type_on(v100, a100, conv, DataType::kFp32, false) == DataType::kFp32);
  CHECK(dd::type_on(v100, mi300x, conv, DataType::kFp32, true) == DataType::kFp32);
  CHECK(dd::type_on(h100, a100, conv, DataType::kFp32, true) == DataType::kFp32);
}

TEST_CASE("V100 -> H100 by hand: compute- and memory-bound, TF32, fill",
          "[transforms][kernel_cost]") {
  DeviceSpec v100 = device("V100");
  DeviceSpec h100 = device("H100");
  OpWork gemm = tiled_compute(128, 64);
  // fp32 GEMM, 100 us with a 2 us fixed part: V100 bound max(85.333/15.7e12, 4/900e9) =
  // 5.435e-12 s per element, H100 max(85.333/67e12, 4/3350e9) = 1.274e-12: 98 us x 0.23433 =
  // 22.964 us, plus 2 -> 24.964 us.
  CHECK(dd::moved_duration(100'000, 2'000, gemm, {&v100, DataType::kFp32},
                           {&h100, DataType::kFp32}) == 24'964);
  // The same tile on TF32 tensor cores is memory-bound on the H100 (85.333/494.7e12 <
  // 4/3350e9): 98 us x 1.194e-12 / 5.435e-12 = 21.529 us, plus 2 -> 23.529 us.
  CHECK(dd::moved_duration(100'000, 2'000, gemm, {&v100, DataType::kFp32},
                           {&h100, DataType::kTf32}) == 23'529);
  // Memory-bound: 38 us x 900/3350 = 10.209 us, plus 2.
  CHECK(dd::moved_duration(40'000, 2'000, memory_work(), {&v100, DataType::kFp32},
                           {&h100, DataType::kFp32}) == 12'209);
  // 40 thread blocks fill half of a V100's 80 SMs and 40/132 of an H100's:
  // 38 us x (4/3350e9 / (40/132)) / (4/900e9 / 0.5) = 16.845 us, plus 2.
  CHECK(dd::moved_duration(40'000, 2'000, memory_work(40), {&v100, DataType::kFp32},
                           {&h100, DataType::kFp32}) == 18'845);
  // A kernel at the fixed cost does not move; unchanged work never does.
  CHECK(dd::moved_duration(2'000, 2'000, gemm, {&v100, DataType::kFp32},
                           {&h100, DataType::kFp32}) == 2'000);
  OpWork communication;
  CHECK(dd::moved_duration(30'000, 2'000, communication, {&v100, DataType::kFp32},
                           {&h100, DataType::kFp32}) == 30'000);
}

TEST_CASE("Mixed precision on one V100 by hand", "[transforms][kernel_cost]") {
  DeviceSpec v100 = device("V100");
  // fp16 tensor cores: max(85.333/125e12, 2/900e9) = 2.222e-12 (memory) vs 5.435e-12 in fp32:
  // 99 us x 0.40885 = 40.477 us, plus 1 -> 41.477 us (not 15.7/125 of it: the traffic binds).
  CHECK(dd::moved_duration(100'000, 1'000, tiled_compute(128, 64), {&v100, DataType::kFp32},
                           {&v100, DataType::kFp16}) == 41'477);
  // Memory-bound: half the bytes.
  CHECK(dd::moved_duration(41'000, 1'000, memory_work(), {&v100, DataType::kFp32},
                           {&v100, DataType::kFp16}) == 21'000);
}

TEST_CASE("One rule in both directions: there and back, and through a third GPU",
          "[transforms][kernel_cost]") {
  OpWork gemm = tiled_compute(128, 64, 100);
  OpWork memory = memory_work(20);
  for (const char* a : {"V100", "A100", "H100", "MI300X", "B200", "T4"}) {
    for (const char* b : {"V100", "A100", "H100", "MI300X", "B200", "T4"}) {
      INFO(a << " -> " << b);
      DeviceSpec from = device(a);
      DeviceSpec to = device(b);
      DeviceSpec via = device("H200");
      for (const OpWork& work : {gemm, memory}) {
        dd::TimeNs there = dd::moved_duration(1'000'000, 1'000, work, {&from, DataType::kFp32},
                                              {&to, DataType::kFp32});
        CHECK(dd::moved_duration(there, 1'000, work, {&to, DataType::kFp32},
                                 {&from, DataType::kFp32}) == Approx(1'000'000).margin(2));
        dd::TimeNs stop = dd::moved_duration(1'000'000, 1'000, work, {&from, DataType::kFp32},
                                             {&via, DataType::kFp32});
        CHECK(dd::moved_duration(stop, 1'000, work, {&via, DataType::kFp32},
                                 {&to, DataType::kFp32}) == Approx(there).margin(2));
      }
    }
  }
}

TEST_CASE("Memory fit: the trace's peak allocated against the GPU's memory",
          "[transforms][kernel_cost]") {
  dd::test::TinyGraph t;
  dd::test::record_device(t, "NVIDIA H100 80GB HBM3");
  DeviceSpec t4 = device("T4");
  DeviceSpec a100 = device("A100");
  dd::MemoryFit unknown = dd::memory_fit(t.graph, t4);
  CHECK_FALSE(unknown.known);
  CHECK(unknown.fits());
  CHECK(unknown.text().find("not checked") != std::string::npos);
  constexpr int64_t kGiB = int64_t{1} << 30;
  for (int64_t total : {10 * kGiB, 20 * kGiB, 12 * kGiB}) {
    dd::MemoryEventRow event;
    event.device = 0;
    event.bytes = kGiB;
    event.total_allocated = total;
    t.trace.memory_events.append(event);
  }
  dd::MemoryEventRow host;  // host memory does not count
  host.device = -1;
  host.total_allocated = 100 * kGiB;
  t.trace.memory_events.append(host);
  dd::MemoryFit on_t4 = dd::memory_fit(t.graph, t4);
  CHECK(on_t4.known);
  CHECK(on_t4.peak_bytes == 20.0 * kGiB);
  CHECK_FALSE(on_t4.fits());  // 16 GiB
  CHECK(on_t4.text().find("DOES NOT FIT") != std::string::npos);
  CHECK(on_t4.text().find("20.0 GiB") != std::string::npos);
  CHECK(dd::memory_fit(t.graph, a100).fits());
}

TEST_CASE("A kernel that spells no type runs in the trace's usual type for its bound",
          "[transforms][kernel_cost]") {
  dd::test::TinyGraph t;
  dd::test::record_device(t, "NVIDIA H100 80GB HBM3");
  t.gpu_op(t.gpu, 100'000, "sm90_xmma_gemm_bf16bf16_bf16f32_f32", KernelClass::kGemm,
           dd::Phase::kForward, "");
  t.gpu_op(t.gpu, 10'000, "ampere_sgemm_128x64_nn", KernelClass::kGemm, dd::Phase::kForward, "");
  dd::TaskId triton = t.gpu_op(t.gpu, 50'000, "triton_tem_fused_mm_0", KernelClass::kGemm,
                               dd::Phase::kForward, "");
  dd::TaskId copy = t.gpu_op(t.gpu, 5'000, "Memcpy DtoD (Device -> Device)", KernelClass::kCopy,
                             dd::Phase::kForward, "");
  dd::TraceKernels trace(t.graph);
  // bf16 carries 100 of the 110 us of spelled compute-bound time; no memory-bound kernel
  // spells a type: fp32.
  CHECK(trace.usual_type(CostBound::kCompute) == DataType::kBf16);
  CHECK(trace.usual_type(CostBound::kMemory) == DataType::kFp32);
  OpWork work = dd::op_work(t.graph, triton, trace);
  CHECK_FALSE(work.spelled);
  CHECK(work.recorded == DataType::kBf16);
  CHECK(dd::current_type(t.graph, triton, work) == DataType::kBf16);
  CHECK(dd::op_work(t.graph, copy, trace).recorded == DataType::kFp32);
}
