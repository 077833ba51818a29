// device_specs: peak arithmetic throughput and memory bandwidth of a GPU, for DD_DEVICE_SPEC
// (collector-design.md §7.4). No CUDA or CUPTI API reports peak FLOP/s, so they are computed as
// SM count × clock × FLOPs per clock per SM, the last from a per-architecture table taken from
// NVIDIA's architecture whitepapers and datasheets (cited in device_specs.cc). The clock is the
// one CUPTI reports (the maximum boost clock), so these are upper bounds; the table entry used
// is named in `source`. Memory bandwidth is CUPTI's own figure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace dd::cupti {

struct DeviceSpec {
  std::optional<double> fp64, fp32, tf32_tensor, fp16_tensor, bf16_tensor, fp8_tensor,
      int8_tensor;  // FLOP/s (OP/s for int8); absent where the architecture lacks the unit
  double dram_bytes_per_s = 0;
  std::string source;  // "table:sm_90" or "unknown:sm_XY"
};

DeviceSpec device_spec(uint32_t compute_major, uint32_t compute_minor, uint32_t sm_count,
                       double clock_hz, double dram_bytes_per_s);

}  // namespace dd::cupti
