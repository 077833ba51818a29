// The GPU table and the name matching of the device model (see device_model.h). Every row cites
// the NVIDIA document its numbers come from; "*" peaks there are with 2:4 sparsity, so the
// table holds half of them. A 0 peak means the datasheet lists no such unit (or no number).
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

// clang-format off
const std::vector<TableRow>& table() {
  static const std::vector<TableRow> rows = {
      // NVIDIA Tesla V100S datasheet: 8.2 TFLOPS fp64, 16.4 fp32, 130 tensor, 1134 GB/s.
      {{"v100s"}, {"Tesla V100S-PCIE", 8.2 * kTera, 16.4 * kTera, 0, 130 * kTera, 0, 0,
                   1134 * kGiga, 80, "NVIDIA Tesla V100S datasheet"}},
      // NVIDIA Tesla V100 datasheet, PCIe: 7 TFLOPS fp64, 14 fp32, 112 tensor, 900 GB/s.
      {{"v100", "pcie"}, {"Tesla V100-PCIE", 7 * kTera, 14 * kTera, 0, 112 * kTera, 0, 0,
                          900 * kGiga, 80, "NVIDIA Tesla V100 datasheet (PCIe)"}},
      // NVIDIA Tesla V100 datasheet, SXM2 (NVLink) 16/32 GB: 7.8 TFLOPS fp64, 15.7 fp32,
      // 125 tensor, 900 GB/s.
      {{"v100"}, {"Tesla V100-SXM2", 7.8 * kTera, 15.7 * kTera, 0, 125 * kTera, 0, 0,
                  900 * kGiga, 80, "NVIDIA Tesla V100 datasheet (SXM2)"}},
      // NVIDIA A100 datasheet: 9.7 TFLOPS fp64, 19.5 fp32, TF32 156, fp16/bf16 312 (dense);
      // 80GB PCIe: 1935 GB/s, 40GB: 1555 GB/s, 80GB SXM: 2039 GB/s; 108 SMs (A100 whitepaper).
      {{"a100", "pcie", "80gb"}, {"NVIDIA A100 80GB PCIe", 9.7 * kTera, 19.5 * kTera,
                                  156 * kTera, 312 * kTera, 312 * kTera, 0, 1935 * kGiga, 108,
                                  "NVIDIA A100 datasheet (80GB PCIe)"}},
      {{"a100", "pcie"}, {"NVIDIA A100-PCIE-40GB", 9.7 * kTera, 19.5 * kTera, 156 * kTera,
                          312 * kTera, 312 * kTera, 0, 1555 * kGiga, 108,
                          "NVIDIA A100 datasheet (40GB PCIe)"}},
      {{"a100", "40gb"}, {"NVIDIA A100-SXM4-40GB", 9.7 * kTera, 19.5 * kTera, 156 * kTera,
                          312 * kTera, 312 * kTera, 0, 1555 * kGiga, 108,
                          "NVIDIA A100 datasheet (40GB SXM)"}},
      {{"a100"}, {"NVIDIA A100-SXM4-80GB", 9.7 * kTera, 19.5 * kTera, 156 * kTera, 312 * kTera,
                  312 * kTera, 0, 2039 * kGiga, 108, "NVIDIA A100 datasheet (80GB SXM)"}},
      // NVIDIA H100 datasheet, PCIe: 26 TFLOPS fp64, 51 fp32, TF32 756*, fp16/bf16 1513*,
      // fp8 3026*, 2 TB/s, 114 SMs (H100 whitepaper).
      {{"h100", "pcie"}, {"NVIDIA H100 PCIe", 26 * kTera, 51 * kTera, 378 * kTera, 756 * kTera,
                          756 * kTera, 1513 * kTera, 2000 * kGiga, 114,
                          "NVIDIA H100 datasheet (PCIe)"}},
      // NVIDIA H100 datasheet, NVL (per GPU): 30 TFLOPS fp64, 60 fp32, TF32 835*, fp16/bf16
      // 1671*, fp8 3341*, 3.9 TB/s.
      {{"h100", "nvl"}, {"NVIDIA H100 NVL", 30 * kTera, 60 * kTera, 417.5 * kTera,
                         835.5 * kTera, 835.5 * kTera, 1670.5 * kTera, 3900 * kGiga, 132,
                         "NVIDIA H100 datasheet (NVL)"}},
      // NVIDIA H100 datasheet, SXM: 34 TFLOPS fp64, 67 fp32, TF32 989*, fp16/bf16 1979*,
      // fp8 3958*, 3.35 TB/s, 132 SMs (H100 whitepaper).
      {{"h100"}, {"NVIDIA H100 SXM", 34 * kTera, 67 * kTera, 494.7 * kTera, 989.4 * kTera,
                  989.4 * kTera, 1978.9 * kTera, 3350 * kGiga, 132,
                  "NVIDIA H100 datasheet (SXM)"}},
      // NVIDIA H200 datasheet, NVL: 30 TFLOPS fp64, 60 fp32, TF32 835*, fp16/bf16 1671*,
      // fp8 3341*, 4.8 TB/s.
      {{"h200", "nvl"}, {"NVIDIA H200 NVL", 30 * kTera, 60 * kTera, 417.5 * kTera,
                         835.5 * kTera, 835.5 * kTera, 1670.5 * kTera, 4800 * kGiga, 132,
                         "NVIDIA H200 datasheet (NVL)"}},
      // NVIDIA H200 datasheet, SXM: the H100 SXM's compute (34 fp64, 67 fp32, TF32 989*,
      // fp16/bf16 1979*, fp8 3958*) with 141 GB HBM3e at 4.8 TB/s.
      {{"h200"}, {"NVIDIA H200", 34 * kTera, 67 * kTera, 494.7 * kTera, 989.4 * kTera,
                  989.4 * kTera, 1978.9 * kTera, 4800 * kGiga, 132,
                  "NVIDIA H200 datasheet (SXM)"}},
      // NVIDIA L4 datasheet: 30.3 TFLOPS fp32, TF32 120*, fp16/bf16 242*, fp8 485*, 300 GB/s
      // (no fp64 figure); 58 SMs (Ada whitepaper).
      {{"l4"}, {"NVIDIA L4", 0, 30.3 * kTera, 60 * kTera, 121 * kTera, 121 * kTera,
                242.5 * kTera, 300 * kGiga, 58, "NVIDIA L4 datasheet"}},
      // NVIDIA T4 datasheet: 8.1 TFLOPS fp32, 65 fp16/fp32 mixed-precision tensor, 320 GB/s
      // (no fp64 figure, no bf16/TF32); 40 SMs (Turing whitepaper).
      {{"t4"}, {"Tesla T4", 0, 8.1 * kTera, 0, 65 * kTera, 0, 0, 320 * kGiga, 40,
                "NVIDIA T4 datasheet"}},
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

Result<DeviceSpec> device_of_graph(const Graph& graph) {
  const DeviceTable& devices = graph.trace().devices;
  if (devices.size() == 0) {
    return bad_input("the trace records no GPU device, so its peaks and bandwidth are unknown");
  }
  DeviceRow recorded = devices.row(0);
  auto spec = find_device(graph.str(recorded.name));
  if (!spec) {
    return bad_input("the trace's GPU is not in the device table: " + spec.error().message);
  }
  apply_recorded_properties(recorded, *spec);
  return spec;
}

}  // namespace dd
