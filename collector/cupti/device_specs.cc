// Per-architecture FLOPs per clock per SM (dense, no sparsity), and the peaks computed from
// them (see device_specs.h). Sources, each checked against the product's published peak at its
// stated boost clock:
//  sm_70  NVIDIA Tesla V100 GPU Architecture whitepaper (2017), Table 1: 80 SMs, 1530 MHz,
//         15.7 TF FP32, 7.8 TF FP64, 125 TF tensor (FP16).
//  sm_75  NVIDIA Turing GPU Architecture whitepaper (2018), Appendix; T4 datasheet: 40 SMs,
//         1590 MHz, 8.1 TF FP32, 65 TF FP16 tensor, 130 TOPS INT8.
//  sm_80  NVIDIA A100 Tensor Core GPU Architecture whitepaper (2020), Table 1: 108 SMs,
//         1410 MHz, 19.5 TF FP32, 9.7 TF FP64 (vector units; 19.5 with tensor cores),
//         156 TF TF32, 312 TF FP16/BF16, 624 TOPS INT8.
//  sm_86  NVIDIA Ampere GA102 GPU Architecture whitepaper (2021); A10 datasheet: 72 SMs,
//         1695 MHz, 31.2 TF FP32, 125 TF FP16 tensor, 62.5 TF TF32.
//  sm_89  NVIDIA Ada GPU Architecture whitepaper (2022); L4 datasheet: 58 SMs, 2040 MHz,
//         30.3 TF FP32, 121 TF FP16/BF16 tensor, 242 TF FP8, 242 TOPS INT8 (dense).
//  sm_90  NVIDIA H100 Tensor Core GPU Architecture whitepaper (2022), Table 3: per SM and clock
//         128 FP32 FMA, 64 FP64 FMA (vector units), 1024 dense FP16/BF16 tensor FMA,
//         512 TF32, 2048 FP8 and INT8; H100 SXM5: 132 SMs, 989 TF FP16 at 1830 MHz.
// FP64 below is always the vector-unit rate; "FMA" counts as two FLOPs.
#include "collector/cupti/device_specs.h"

#include <array>

namespace dd::cupti {

namespace {

// FLOPs per clock per SM; 0 = no such unit.
struct ArchitectureRates {
  uint32_t major, minor;
  double fp64, fp32, tf32_tensor, fp16_tensor, bf16_tensor, fp8_tensor, int8_tensor;
};

constexpr std::array<ArchitectureRates, 6> kRates = {{
    {7, 0, 64, 128, 0, 1024, 0, 0, 0},
    {7, 5, 4, 128, 0, 1024, 0, 0, 2048},
    {8, 0, 64, 128, 1024, 2048, 2048, 0, 4096},
    {8, 6, 4, 256, 512, 1024, 1024, 0, 2048},
    {8, 9, 4, 256, 512, 1024, 1024, 2048, 2048},
    {9, 0, 128, 256, 2048, 4096, 4096, 8192, 8192},
}};

}  // namespace

DeviceSpec device_spec(uint32_t compute_major, uint32_t compute_minor, uint32_t sm_count,
                       double clock_hz, double dram_bytes_per_s) {
  DeviceSpec spec;
  spec.dram_bytes_per_s = dram_bytes_per_s;
  std::string arch = "sm_" + std::to_string(compute_major) + std::to_string(compute_minor);
  for (const ArchitectureRates& rates : kRates) {
    if (rates.major != compute_major || rates.minor != compute_minor) continue;
    double per_clock = static_cast<double>(sm_count) * clock_hz;
    auto peak = [&](double flops_per_clock) -> std::optional<double> {
      if (flops_per_clock == 0) return std::nullopt;
      return flops_per_clock * per_clock;
    };
    spec.fp64 = peak(rates.fp64);
    spec.fp32 = peak(rates.fp32);
    spec.tf32_tensor = peak(rates.tf32_tensor);
    spec.fp16_tensor = peak(rates.fp16_tensor);
    spec.bf16_tensor = peak(rates.bf16_tensor);
    spec.fp8_tensor = peak(rates.fp8_tensor);
    spec.int8_tensor = peak(rates.int8_tensor);
    spec.source = "table:" + arch;
    return spec;
  }
  spec.source = "unknown:" + arch;
  return spec;
}

}  // namespace dd::cupti
