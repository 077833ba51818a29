// The device model: the device table and its name matching (real trace spellings), the
// trace's properties overriding the table, and the GPU a rewrite moved the ops to.
#include <catch2/catch.hpp>

#include "tiny_graph.h"
#include "transforms/cost/device_model.h"
#include "transforms/model_test_support.h"

using dd::DeviceSpec;

namespace {

DeviceSpec device(const char* name) { return dd::test::device_spec(name); }

}  // namespace

TEST_CASE("Device names from real traces find their table rows", "[transforms][device]") {
  CHECK(device("Tesla V100-SXM2-32GB").name == "Tesla V100-SXM2");
  CHECK(device("Tesla V100-SXM2-16GB").name == "Tesla V100-SXM2-16GB");
  CHECK(device("Tesla V100-SXM2-16GB").memory_bytes == 16.0 * (1 << 30));
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
  CHECK(device("NVIDIA B200").sm_count == 148);
  CHECK(device("AMD Instinct MI300X VF").name == "AMD Instinct MI300X");
  CHECK(device("AMD Instinct MI300X").vendor == dd::Vendor::kAmd);
}

TEST_CASE("Device names as users type them, and unknown names", "[transforms][device]") {
  CHECK(device("h100").name == "NVIDIA H100 SXM");
  CHECK(device("A100").name == "NVIDIA A100-SXM4-80GB");
  CHECK(device("a100-40gb").name == "NVIDIA A100-SXM4-40GB");
  CHECK(device("V100").name == "Tesla V100-SXM2");
  auto l40s = dd::find_device("NVIDIA L40S");  // "l4" is not a token of it
  REQUIRE_FALSE(l40s);
  CHECK(l40s.error().message.find("known: Tesla V100S-PCIE") != std::string::npos);
  CHECK(device("mi250x").name == "AMD Instinct MI250X (one GCD)");
  CHECK(device("MI325X").memory_bandwidth == 6000e9);
  CHECK(device("mi355x").fp16_tensor == 2516.6e12);
  CHECK_FALSE(dd::find_device("AMD Instinct MI100"));
}

TEST_CASE("Every table row has its datasheet peaks and a source", "[transforms][device]") {
  for (const DeviceSpec& spec : dd::known_devices()) {
    INFO(spec.name);
    CHECK(spec.fp32 > 0);
    CHECK(spec.fp16_tensor > spec.fp32);
    CHECK(spec.memory_bandwidth > 0);
    CHECK(spec.memory_bytes > 0);
    CHECK(spec.sm_count > 0);
    bool amd = spec.vendor == dd::Vendor::kAmd;
    CHECK(spec.source.find(amd ? "AMD" : "NVIDIA") != std::string::npos);
  }
  DeviceSpec v100 = device("V100");
  CHECK(v100.fp32 == 15.7e12);
  CHECK(v100.fp16_tensor == 125e12);
  CHECK(v100.bf16_tensor == 0);
  CHECK(v100.tf32_tensor == 0);
  DeviceSpec h100 = device("H100");
  CHECK(h100.bf16_tensor == 989.4e12);
  CHECK(h100.tf32_tensor == 494.7e12);
  DeviceSpec b200 = device("B200");
  CHECK(b200.bf16_tensor == 2250e12);  // 4.5 PFLOPS with 2:4 sparsity
  CHECK(b200.memory_bandwidth == 7700e9);
  DeviceSpec mi300x = device("MI300X");
  CHECK(mi300x.bf16_tensor == 1307.4e12);
  CHECK(mi300x.memory_bandwidth == 5300e9);
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

TEST_CASE("The GPU the ops run on: the trace's, or where a rewrite moved them",
          "[transforms][device]") {
  dd::test::TinyGraph t;
  dd::test::record_device(t, "NVIDIA H100 80GB HBM3", 66, 2e12);  // a cut-down H100
  auto traced = dd::current_device(t.graph);
  REQUIRE(traced);
  CHECK(traced->sm_count == 66);
  t.graph.execution.device = "NVIDIA A100-SXM4-80GB";
  auto moved = dd::current_device(t.graph);
  REQUIRE(moved);
  CHECK(moved->name == "NVIDIA A100-SXM4-80GB");
  // Back on the trace's own GPU: its recorded properties again.
  auto back = dd::target_device(t.graph, "H100");
  REQUIRE(back);
  CHECK(back->sm_count == 66);
  CHECK(back->memory_bandwidth == 2e12);
  CHECK_FALSE(dd::target_device(t.graph, "GV100"));
}
