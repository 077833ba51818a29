// The cost models: the device table and its name matching (real trace spellings), the trace's
// properties overriding the table, and the roofline rules of kernel_cost.h on hand-computed
// cases (datasheet peaks: V100 SXM2 15.7 TFLOPS fp32, 125 fp16 tensor, 900 GB/s; H100 SXM 67
// fp32, 494.7 TF32, 989.4 fp16/bf16, 3.35 TB/s).
#include <catch2/catch.hpp>

#include "tiny_graph.h"
#include "transforms/cost/device_model.h"
#include "transforms/cost/kernel_cost.h"
#include "transforms/model_test_support.h"

using dd::CostBound;
using dd::DataType;
using dd::DeviceSpec;
using dd::KernelClass;

namespace {

DeviceSpec device(const char* name) {
  auto spec = dd::find_device(name);
  REQUIRE(spec);
  return *spec;
}

dd::TimeNs rescale(dd::TimeNs measured, KernelClass k, const DeviceSpec& from, DataType from_type,
                   const DeviceSpec& to, DataType to_type) {
  return dd::rescaled_duration(measured, dd::cost_bound(k), k, {&from, from_type},
                               {&to, to_type});
}

}  // namespace

TEST_CASE("Device names from real traces find their table rows", "[transforms][device]") {
  CHECK(device("Tesla V100-SXM2-32GB").name == "Tesla V100-SXM2");
  CHECK(device("Tesla V100-SXM2-16GB").name == "Tesla V100-SXM2");
  CHECK(device("Tesla V100-PCIE-32GB").name == "Tesla V100-PCIE");
  CHECK(device("Tesla V100S-PCIE-32GB").name == "Tesla V100S-PCIE");
  CHECK(device("NVIDIA A100-SXM4-80GB").memory_bandwidth == 2039e9);
  CHECK(device("NVIDIA A100-SXM4-40GB").memory_bandwidth == 1555e9);
  CHECK(device("NVIDIA A100-PCIE-40GB").name == "NVIDIA A100-PCIE-40GB");
  CHECK(device("NVIDIA A100 80GB PCIe").memory_bandwidth == 1935e9);
  CHECK(device("NVIDIA H100 80GB HBM3").name == "NVIDIA H100 SXM");
  CHECK(device("NVIDIA H100 PCIe").sm_count == 114);
  CHECK(device("NVIDIA H100 NVL").name == "NVIDIA H100 NVL");
  CHECK(device("NVIDIA H200").memory_bandwidth == 4800e9);
  CHECK(device("NVIDIA L4").name == "NVIDIA L4");
  CHECK(device("Tesla T4").name == "Tesla T4");
}

TEST_CASE("Device names as users type them, and unknown names", "[transforms][device]") {
  CHECK(device("h100").name == "NVIDIA H100 SXM");
  CHECK(device("A100").name == "NVIDIA A100-SXM4-80GB");
  CHECK(device("a100-40gb").name == "NVIDIA A100-SXM4-40GB");
  CHECK(device("V100").name == "Tesla V100-SXM2");
  auto l40s = dd::find_device("NVIDIA L40S");  // "l4" is not a token of it
  REQUIRE_FALSE(l40s);
  CHECK(l40s.error().message.find("known: Tesla V100S-PCIE") != std::string::npos);
  CHECK_FALSE(dd::find_device("AMD Instinct MI250X"));
}

TEST_CASE("Every table row has its datasheet peaks and a source", "[transforms][device]") {
  for (const DeviceSpec& spec : dd::known_devices()) {
    INFO(spec.name);
    CHECK(spec.fp32 > 0);
    CHECK(spec.fp16_tensor > spec.fp32);
    CHECK(spec.memory_bandwidth > 0);
    CHECK(spec.sm_count > 0);
    CHECK(spec.source.find("NVIDIA") != std::string::npos);
  }
  DeviceSpec v100 = device("V100");
  CHECK(v100.fp32 == 15.7e12);
  CHECK(v100.fp16_tensor == 125e12);
  CHECK(v100.bf16_tensor == 0);
  CHECK(v100.tf32_tensor == 0);
  DeviceSpec h100 = device("H100");
  CHECK(h100.bf16_tensor == 989.4e12);
  CHECK(h100.tf32_tensor == 494.7e12);
}

TEST_CASE("The trace's device properties override the table", "[transforms][device]") {
  dd::test::TinyGraph same;
  dd::test::record_device(same, "Tesla V100-SXM2-32GB", 80, 0);
  auto v100 = dd::device_of_graph(same.graph);
  REQUIRE(v100);
  CHECK(v100->memory_bandwidth == 900e9);
  CHECK(v100->fp32 == 15.7e12);

  dd::test::TinyGraph cut_down;  // an H100 die with half its SMs and its own bandwidth
  dd::test::record_device(cut_down, "NVIDIA H100 80GB HBM3", 66, 2e12);
  auto h100 = dd::device_of_graph(cut_down.graph);
  REQUIRE(h100);
  CHECK(h100->memory_bandwidth == 2e12);
  CHECK(h100->sm_count == 66);
  CHECK(h100->fp32 == Approx(33.5e12));
  CHECK(h100->bf16_tensor == Approx(494.7e12));
  CHECK(h100->source.find("66 SMs") != std::string::npos);
}

TEST_CASE("An unknown or missing trace device is an error", "[transforms][device]") {
  dd::test::TinyGraph none;
  auto missing = dd::device_of_graph(none.graph);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("no GPU device") != std::string::npos);
  dd::test::TinyGraph unknown;
  dd::test::record_device(unknown, "Quadro GV100", 80, 0);
  auto unknown_spec = dd::device_of_graph(unknown.graph);
  REQUIRE_FALSE(unknown_spec);
  CHECK(unknown_spec.error().message.find("Quadro GV100") != std::string::npos);
}

TEST_CASE("Cost bounds by class", "[transforms][kernel_cost]") {
  CHECK(dd::cost_bound(KernelClass::kGemm) == CostBound::kCompute);
  CHECK(dd::cost_bound(KernelClass::kAttention) == CostBound::kCompute);
  CHECK(dd::cost_bound(KernelClass::kNormalization) == CostBound::kMemory);
  CHECK(dd::cost_bound(KernelClass::kOptimizer) == CostBound::kMemory);
  CHECK(dd::cost_bound(KernelClass::kMemset) == CostBound::kMemory);
  CHECK(dd::cost_bound(KernelClass::kCommunication) == CostBound::kUnchanged);
  CHECK(dd::cost_bound(KernelClass::kOther) == CostBound::kUnchanged);
}

TEST_CASE("fp32 runs as PyTorch's defaults: TF32 convolutions, fp32 GEMMs",
          "[transforms][kernel_cost]") {
  DeviceSpec a100 = device("A100");
  CHECK(dd::compute_peak(a100, KernelClass::kConvolution, DataType::kFp32) == 156e12);
  CHECK(dd::compute_peak(a100, KernelClass::kGemm, DataType::kFp32) == 19.5e12);
  DeviceSpec v100 = device("V100");
  CHECK(dd::compute_peak(v100, KernelClass::kConvolution, DataType::kFp32) == 15.7e12);
  CHECK(dd::compute_peak(v100, KernelClass::kGemm, DataType::kBf16) == 0);
}

TEST_CASE("Mixed precision on one V100: memory-bound halves, GEMM bounded by its traffic",
          "[transforms][kernel_cost]") {
  DeviceSpec v100 = device("V100");
  // GEMM 100 us: compute 100 x 15.7/125 = 12.56 us; memory 100 x 1 x 2/4 x 1 = 50 us -> 50 us.
  CHECK(rescale(100'000, KernelClass::kGemm, v100, DataType::kFp32, v100, DataType::kFp16) ==
        50'000);
  CHECK(rescale(100'000, KernelClass::kElementwise, v100, DataType::kFp32, v100,
                DataType::kFp16) == 50'000);
  CHECK(rescale(100'000, KernelClass::kCommunication, v100, DataType::kFp32, v100,
                DataType::kFp16) == 100'000);
  // Same type, same device: nothing changes.
  CHECK(rescale(100'000, KernelClass::kGemm, v100, DataType::kFp32, v100, DataType::kFp32) ==
        100'000);
}

TEST_CASE("Another GPU: the roofline's larger bound wins", "[transforms][kernel_cost]") {
  DeviceSpec v100 = device("V100");
  DeviceSpec h100 = device("H100");
  // V100 -> H100 fp32 GEMM: compute 100 x 15.7/67 = 23.43 us; memory 100 x 900/3350 =
  // 26.866 us -> 26.866 us. Convolution (TF32 on H100): compute 3.17 us, memory 26.866 us.
  CHECK(rescale(100'000, KernelClass::kGemm, v100, DataType::kFp32, h100, DataType::kFp32) ==
        26'866);
  CHECK(rescale(100'000, KernelClass::kConvolution, v100, DataType::kFp32, h100,
                DataType::kFp32) == 26'866);
  CHECK(rescale(40'000, KernelClass::kReduction, v100, DataType::kFp32, h100, DataType::kFp32) ==
        10'746);
  // H100 -> V100 fp32 GEMM: compute 100 x 67/15.7 = 426.75 us beats memory 372.2 us.
  CHECK(rescale(100'000, KernelClass::kGemm, h100, DataType::kFp32, v100, DataType::kFp32) ==
        426'752);
  // H100 amp bf16: a TF32 convolution gets 494.7/989.4 = 0.5 (and half the bytes): 50 us.
  CHECK(rescale(100'000, KernelClass::kConvolution, h100, DataType::kFp32, h100,
                DataType::kBf16) == 50'000);
}
