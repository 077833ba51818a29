// The GPU table and the name matching of the device model (see device_model.h). Every row cites
// the NVIDIA or AMD document its numbers come from; "*" peaks there are with 2:4 sparsity, so
// the table holds half of them. A 0 peak means the datasheet lists no such unit (or no number).
#include "transforms/cost/device_model.h"

#include <array>
#include <cctype>

namespace dd {

namespace {

constexpr double kTera = 1e12;
constexpr double kGiga = 1e9;

struct TableRow {
  std::array<std::string_view, 3> tokens;  // all must occur among the name's tokens ("" = none)
  DeviceSpec spec;
};

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// One row: the tokens its name must contain, and its datasheet figures.
TableRow row(std::array<std::string_view, 3> tokens, DeviceSpec spec) { return {tokens, spec}; }

// clang-format off
const std::vector<TableRow>& table() {
  static const std::vector<TableRow> rows = {
      // NVIDIA Tesla V100S datasheet: 8.2 TFLOPS fp64, 16.4 fp32, 130 tensor, 1134 GB/s, 32 GB.
      row({"v100s"}, {.name = "Tesla V100S-PCIE", .fp64 = 8.2 * kTera, .fp32 = 16.4 * kTera,
                      .fp16_tensor = 130 * kTera, .memory_bandwidth = 1134 * kGiga,
                      .memory_bytes = 32 * kGiB, .sm_count = 80,
                      .source = "NVIDIA Tesla V100S datasheet"}),
      // NVIDIA Tesla V100 datasheet, PCIe: 7 TFLOPS fp64, 14 fp32, 112 tensor, 900 GB/s, 32/16 GB.
      row({"v100", "pcie"}, {.name = "Tesla V100-PCIE", .fp64 = 7 * kTera, .fp32 = 14 * kTera,
                             .fp16_tensor = 112 * kTera, .memory_bandwidth = 900 * kGiga,
                             .memory_bytes = 32 * kGiB, .sm_count = 80,
                             .source = "NVIDIA Tesla V100 datasheet (PCIe)"}),
      // NVIDIA Tesla V100 datasheet, SXM2 (NVLink) 16/32 GB: 7.8 TFLOPS fp64, 15.7 fp32,
      // 125 tensor, 900 GB/s.
      row({"v100", "16gb"}, {.name = "Tesla V100-SXM2-16GB", .fp64 = 7.8 * kTera,
                             .fp32 = 15.7 * kTera, .fp16_tensor = 125 * kTera,
                             .memory_bandwidth = 900 * kGiga, .memory_bytes = 16 * kGiB,
                             .sm_count = 80, .source = "NVIDIA Tesla V100 datasheet (SXM2 16GB)"}),
      row({"v100"}, {.name = "Tesla V100-SXM2", .fp64 = 7.8 * kTera, .fp32 = 15.7 * kTera,
                     .fp16_tensor = 125 * kTera, .memory_bandwidth = 900 * kGiga,
                     .memory_bytes = 32 * kGiB, .sm_count = 80,
                     .source = "NVIDIA Tesla V100 datasheet (SXM2 32GB)"}),
      // NVIDIA A100 datasheet: 9.7 TFLOPS fp64, 19.5 fp32, TF32 156, fp16/bf16 312 (dense);
      // 80GB PCIe: 1935 GB/s, 40GB: 1555 GB/s, 80GB SXM: 2039 GB/s; 108 SMs (A100 whitepaper).
      row({"a100", "pcie", "80gb"}, {.name = "NVIDIA A100 80GB PCIe", .fp64 = 9.7 * kTera,
                                     .fp32 = 19.5 * kTera, .tf32_tensor = 156 * kTera,
                                     .fp16_tensor = 312 * kTera, .bf16_tensor = 312 * kTera,
                                     .memory_bandwidth = 1935 * kGiga, .memory_bytes = 80 * kGiB,
                                     .sm_count = 108,
                                     .source = "NVIDIA A100 datasheet (80GB PCIe)"}),
      row({"a100", "pcie"}, {.name = "NVIDIA A100-PCIE-40GB", .fp64 = 9.7 * kTera,
                             .fp32 = 19.5 * kTera, .tf32_tensor = 156 * kTera,
                             .fp16_tensor = 312 * kTera, .bf16_tensor = 312 * kTera,
                             .memory_bandwidth = 1555 * kGiga, .memory_bytes = 40 * kGiB,
                             .sm_count = 108, .source = "NVIDIA A100 datasheet (40GB PCIe)"}),
      row({"a100", "40gb"}, {.name = "NVIDIA A100-SXM4-40GB", .fp64 = 9.7 * kTera,
                             .fp32 = 19.5 * kTera, .tf32_tensor = 156 * kTera,
                             .fp16_tensor = 312 * kTera, .bf16_tensor = 312 * kTera,
                             .memory_bandwidth = 1555 * kGiga, .memory_bytes = 40 * kGiB,
                             .sm_count = 108, .source = "NVIDIA A100 datasheet (40GB SXM)"}),
      row({"a100"}, {.name = "NVIDIA A100-SXM4-80GB", .fp64 = 9.7 * kTera, .fp32 = 19.5 * kTera,
                     .tf32_tensor = 156 * kTera, .fp16_tensor = 312 * kTera,
                     .bf16_tensor = 312 * kTera, .memory_bandwidth = 2039 * kGiga,
                     .memory_bytes = 80 * kGiB, .sm_count = 108,
                     .source = "NVIDIA A100 datasheet (80GB SXM)"}),
      // NVIDIA H100 datasheet, PCIe: 26 TFLOPS fp64, 51 fp32, TF32 756*, fp16/bf16 1513*,
      // fp8 3026*, 2 TB/s, 80 GB, 114 SMs (H100 whitepaper).
      row({"h100", "pcie"}, {.name = "NVIDIA H100 PCIe", .fp64 = 26 * kTera, .fp32 = 51 * kTera,
                             .tf32_tensor = 378 * kTera, .fp16_tensor = 756 * kTera,
                             .bf16_tensor = 756 * kTera, .fp8_tensor = 1513 * kTera,
                             .memory_bandwidth = 2000 * kGiga, .memory_bytes = 80 * kGiB,
                             .sm_count = 114, .source = "NVIDIA H100 datasheet (PCIe)"}),
      // NVIDIA H100 datasheet, NVL (per GPU): 30 TFLOPS fp64, 60 fp32, TF32 835*, fp16/bf16
      // 1671*, fp8 3341*, 3.9 TB/s, 94 GB.
      row({"h100", "nvl"}, {.name = "NVIDIA H100 NVL", .fp64 = 30 * kTera, .fp32 = 60 * kTera,
                            .tf32_tensor = 417.5 * kTera, .fp16_tensor = 835.5 * kTera,
                            .bf16_tensor = 835.5 * kTera, .fp8_tensor = 1670.5 * kTera,
                            .memory_bandwidth = 3900 * kGiga, .memory_bytes = 94 * kGiB,
                            .sm_count = 132, .source = "NVIDIA H100 datasheet (NVL)"}),
      // NVIDIA H100 datasheet, SXM: 34 TFLOPS fp64, 67 fp32, TF32 989*, fp16/bf16 1979*,
      // fp8 3958*, 3.35 TB/s, 80 GB, 132 SMs (H100 whitepaper).
      row({"h100"}, {.name = "NVIDIA H100 SXM", .fp64 = 34 * kTera, .fp32 = 67 * kTera,
                     .tf32_tensor = 494.7 * kTera, .fp16_tensor = 989.4 * kTera,
                     .bf16_tensor = 989.4 * kTera, .fp8_tensor = 1978.9 * kTera,
                     .memory_bandwidth = 3350 * kGiga, .memory_bytes = 80 * kGiB,
                     .sm_count = 132, .source = "NVIDIA H100 datasheet (SXM)"}),
      // NVIDIA H200 datasheet, NVL: 30 TFLOPS fp64, 60 fp32, TF32 835*, fp16/bf16 1671*,
      // fp8 3341*, 4.8 TB/s, 141 GB.
      row({"h200", "nvl"}, {.name = "NVIDIA H200 NVL", .fp64 = 30 * kTera, .fp32 = 60 * kTera,
                            .tf32_tensor = 417.5 * kTera, .fp16_tensor = 835.5 * kTera,
                            .bf16_tensor = 835.5 * kTera, .fp8_tensor = 1670.5 * kTera,
                            .memory_bandwidth = 4800 * kGiga, .memory_bytes = 141 * kGiB,
                            .sm_count = 132, .source = "NVIDIA H200 datasheet (NVL)"}),
      // NVIDIA H200 datasheet, SXM: the H100 SXM's compute (34 fp64, 67 fp32, TF32 989*,
      // fp16/bf16 1979*, fp8 3958*) with 141 GB HBM3e at 4.8 TB/s.
      row({"h200"}, {.name = "NVIDIA H200", .fp64 = 34 * kTera, .fp32 = 67 * kTera,
                     .tf32_tensor = 494.7 * kTera, .fp16_tensor = 989.4 * kTera,
                     .bf16_tensor = 989.4 * kTera, .fp8_tensor = 1978.9 * kTera,
                     .memory_bandwidth = 4800 * kGiga, .memory_bytes = 141 * kGiB,
                     .sm_count = 132, .source = "NVIDIA H200 datasheet (SXM)"}),
      // NVIDIA HGX B200 datasheet, per GPU: 37 TFLOPS fp64, 75 fp32, TF32 2.2 PF*, fp16/bf16
      // 4.5 PF*, fp8 9 PF*, 180 GB HBM3e at 7.7 TB/s; 148 SMs (as CUDA reports a B200).
      row({"b200"}, {.name = "NVIDIA B200", .fp64 = 37 * kTera, .fp32 = 75 * kTera,
                     .tf32_tensor = 1100 * kTera, .fp16_tensor = 2250 * kTera,
                     .bf16_tensor = 2250 * kTera, .fp8_tensor = 4500 * kTera,
                     .memory_bandwidth = 7700 * kGiga, .memory_bytes = 180 * kGiB,
                     .sm_count = 148, .source = "NVIDIA HGX B200 datasheet (per GPU)"}),
      // NVIDIA L4 datasheet: 30.3 TFLOPS fp32, TF32 120*, fp16/bf16 242*, fp8 485*, 300 GB/s,
      // 24 GB (no fp64 figure); 58 SMs (Ada whitepaper).
      row({"l4"}, {.name = "NVIDIA L4", .fp32 = 30.3 * kTera, .tf32_tensor = 60 * kTera,
                   .fp16_tensor = 121 * kTera, .bf16_tensor = 121 * kTera,
                   .fp8_tensor = 242.5 * kTera, .memory_bandwidth = 300 * kGiga,
                   .memory_bytes = 24 * kGiB, .sm_count = 58, .source = "NVIDIA L4 datasheet"}),
      // NVIDIA T4 datasheet: 8.1 TFLOPS fp32, 65 fp16/fp32 mixed-precision tensor, 320 GB/s,
      // 16 GB (no fp64 figure, no bf16/TF32); 40 SMs (Turing whitepaper).
      row({"t4"}, {.name = "Tesla T4", .fp32 = 8.1 * kTera, .fp16_tensor = 65 * kTera,
                   .memory_bandwidth = 320 * kGiga, .memory_bytes = 16 * kGiB, .sm_count = 40,
                   .source = "NVIDIA T4 datasheet"}),
      // AMD Instinct MI210 datasheet: 22.6 TFLOPS fp64/fp32 vector (45.3 matrix), fp16/bf16
      // matrix 181, no TF32/fp8; 64 GB HBM2e at 1.6384 TB/s; 104 CUs.
      row({"mi210"}, {.name = "AMD Instinct MI210", .vendor = Vendor::kAmd, .fp64 = 22.6 * kTera,
                      .fp32 = 22.6 * kTera, .fp16_tensor = 181 * kTera,
                      .bf16_tensor = 181 * kTera, .memory_bandwidth = 1638.4 * kGiga,
                      .memory_bytes = 64 * kGiB, .sm_count = 104,
                      .source = "AMD Instinct MI210 datasheet"}),
      // AMD Instinct MI250X datasheet (two GCDs): 47.9 TFLOPS fp64/fp32 vector, fp16/bf16
      // matrix 383, no TF32/fp8, 128 GB HBM2e at 3.2768 TB/s, 220 CUs. PyTorch sees each GCD as
      // one device, so the row is one GCD: half of each figure (110 CUs, 64 GB, 1.6384 TB/s).
      row({"mi250x"}, {.name = "AMD Instinct MI250X (one GCD)", .vendor = Vendor::kAmd,
                       .fp64 = 23.95 * kTera, .fp32 = 23.95 * kTera,
                       .fp16_tensor = 191.5 * kTera, .bf16_tensor = 191.5 * kTera,
                       .memory_bandwidth = 1638.4 * kGiga, .memory_bytes = 64 * kGiB,
                       .sm_count = 110, .source = "AMD Instinct MI250X datasheet (per GCD)"}),
      // AMD Instinct MI300X datasheet: 81.7 TFLOPS fp64 vector, 163.4 fp32 (vector and matrix),
      // TF32 653.7, fp16/bf16 1307.4, fp8 2614.9 (dense); 192 GB HBM3 at 5.3 TB/s; 304 CUs.
      row({"mi300x"}, {.name = "AMD Instinct MI300X", .vendor = Vendor::kAmd,
                       .fp64 = 81.7 * kTera, .fp32 = 163.4 * kTera, .tf32_tensor = 653.7 * kTera,
                       .fp16_tensor = 1307.4 * kTera, .bf16_tensor = 1307.4 * kTera,
                       .fp8_tensor = 2614.9 * kTera, .memory_bandwidth = 5300 * kGiga,
                       .memory_bytes = 192 * kGiB, .sm_count = 304,
                       .source = "AMD Instinct MI300X datasheet"}),
      // AMD Instinct MI325X datasheet: the MI300X's compute (81.7 fp64 vector, 163.4 fp32,
      // TF32 653.7, fp16/bf16 1307.4, fp8 2614.9) with 256 GB HBM3E at 6 TB/s; 304 CUs.
      row({"mi325x"}, {.name = "AMD Instinct MI325X", .vendor = Vendor::kAmd,
                       .fp64 = 81.7 * kTera, .fp32 = 163.4 * kTera, .tf32_tensor = 653.7 * kTera,
                       .fp16_tensor = 1307.4 * kTera, .bf16_tensor = 1307.4 * kTera,
                       .fp8_tensor = 2614.9 * kTera, .memory_bandwidth = 6000 * kGiga,
                       .memory_bytes = 256 * kGiB, .sm_count = 304,
                       .source = "AMD Instinct MI325X datasheet"}),
      // AMD Instinct MI355X datasheet: 78.6 TFLOPS fp64 vector, 157.3 fp32 vector, fp16/bf16
      // 2516.6, fp8 5033.2 (dense; CDNA 4 has no TF32 matrix path); 288 GB HBM3E at 8 TB/s;
      // 256 CUs.
      row({"mi355x"}, {.name = "AMD Instinct MI355X", .vendor = Vendor::kAmd,
                       .fp64 = 78.6 * kTera, .fp32 = 157.3 * kTera,
                       .fp16_tensor = 2516.6 * kTera, .bf16_tensor = 2516.6 * kTera,
                       .fp8_tensor = 5033.2 * kTera, .memory_bandwidth = 8000 * kGiga,
                       .memory_bytes = 288 * kGiB, .sm_count = 256,
                       .source = "AMD Instinct MI355X datasheet"}),
  };
  return rows;
}
// clang-format on

// The lowercase alphanumeric runs of a name: "NVIDIA A100-SXM4-80GB" -> nvidia, a100, sxm4, 80gb.
std::vector<std::string> name_tokens(std::string_view name) {
  std::vector<std::string> tokens(1);
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      tokens.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!tokens.back().empty()) {
      tokens.emplace_back();
    }
  }
  if (tokens.back().empty()) tokens.pop_back();
  return tokens;
}

bool matches(const TableRow& row, const std::vector<std::string>& tokens) {
  for (std::string_view wanted : row.tokens) {
    if (wanted.empty()) continue;
    bool found = false;
    for (const std::string& token : tokens) found = found || token == wanted;
    if (!found) return false;
  }
  return true;
}

std::string known_device_names() {
  std::string names;
  for (const TableRow& row : table()) names += (names.empty() ? "" : ", ") + row.spec.name;
  return names;
}

// The trace's recorded properties over the table's (see device_of_graph in the header).
void apply_recorded_properties(const DeviceRow& recorded, DeviceSpec& spec) {
  if (recorded.memory_bandwidth_bytes_per_s > 0) {
    spec.memory_bandwidth = recorded.memory_bandwidth_bytes_per_s;
    spec.source += "; memory bandwidth from the trace";
  }
  if (recorded.total_memory_bytes > 0) {
    spec.memory_bytes = static_cast<double>(recorded.total_memory_bytes);
  }
  if (recorded.sm_count > 0 && spec.sm_count > 0 && recorded.sm_count != spec.sm_count) {
    double scale = static_cast<double>(recorded.sm_count) / spec.sm_count;
    for (double* peak : {&spec.fp64, &spec.fp32, &spec.tf32_tensor, &spec.fp16_tensor,
                         &spec.bf16_tensor, &spec.fp8_tensor}) {
      *peak *= scale;
    }
    spec.source += "; peaks scaled to the trace's " + std::to_string(recorded.sm_count) + " SMs";
    spec.sm_count = recorded.sm_count;
  }
}

}  // namespace

const std::vector<DeviceSpec>& known_devices() {
  static const std::vector<DeviceSpec> devices = [] {
    std::vector<DeviceSpec> list;
    for (const TableRow& row : table()) list.push_back(row.spec);
    return list;
  }();
  return devices;
}

Result<DeviceSpec> find_device(std::string_view name) {
  std::vector<std::string> tokens = name_tokens(name);
  for (const TableRow& row : table()) {
    if (matches(row, tokens)) return row.spec;
  }
  return usage_error("unknown GPU '" + std::string(name) + "' (known: " + known_device_names() +
                     ")");
}

Result<DeviceSpec> target_device(const Graph& graph, std::string_view target) {
  auto spec = find_device(target);
  if (!spec) return spec;
  auto own = device_of_graph(graph);
  if (own && own->name == spec->name) return own;
  return spec;
}

Result<DeviceSpec> current_device(const Graph& graph) {
  if (graph.execution.device.empty()) return device_of_graph(graph);
  return target_device(graph, graph.execution.device);
}

Result<DeviceSpec> device_of_graph(const Graph& graph) {
  const DeviceTable& devices = graph.trace().devices;
  if (devices.size() == 0) {
    return bad_input("the trace records no GPU device, so its peaks and bandwidth are unknown "
                     "(name it with --gpu NAME, one of `daydream whatif --list`)");
  }
  DeviceRow recorded = devices.row(0);
  auto spec = find_device(graph.str(recorded.name));
  if (!spec) {
    return bad_input("the trace's GPU is not in the device table (name the nearest one with "
                     "--gpu NAME): " + spec.error().message);
  }
  apply_recorded_properties(recorded, *spec);
  return spec;
}

}  // namespace dd
