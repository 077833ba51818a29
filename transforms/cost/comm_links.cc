// The link types of the communication model (see comm_model.h), each with the datasheet or
// specification its numbers come from. Bandwidths are per direction, per GPU; latencies are
// per algorithm step, from NCCL's own tuning model (src/graph/tuning.cc of NCCL 2.x, table
// hwLat, ring algorithm, LL128 protocol: 1.9 us on NVLink, 2.5 us on PCIe, 4.0 us on the
// network; NCCL treats InfiniBand and TCP sockets alike there, so Ethernet gets the network
// figure too — TCP stacks add more, which `latency=` overrides).
#include <array>
#include <cctype>
#include <string>

#include "transforms/cost/comm_model.h"
#include "transforms/cost/device_model.h"

namespace dd {

namespace {

constexpr double kGB = 1e9;
constexpr TimeNs kNvlinkStep = 1900, kPcieStep = 2500, kNetworkStep = 4000;

// clang-format off
const std::vector<LinkSpec>& link_table() {
  static const std::vector<LinkSpec> links = {
      // NVIDIA Tesla V100 datasheet: NVLink 300 GB/s (6 NVLink 2.0 links of 25 GB/s per
      // direction).
      {"nvlink2", 150 * kGB, kNvlinkStep, "NVIDIA V100 datasheet: NVLink 2.0, 300 GB/s bidirectional"},
      // NVIDIA A100 datasheet: NVLink 600 GB/s (12 NVLink 3.0 links).
      {"nvlink3", 300 * kGB, kNvlinkStep, "NVIDIA A100 datasheet: NVLink 3.0, 600 GB/s bidirectional"},
      // NVIDIA H100 / H200 SXM datasheets: NVLink 900 GB/s (18 NVLink 4.0 links).
      {"nvlink4", 450 * kGB, kNvlinkStep, "NVIDIA H100 datasheet: NVLink 4.0, 900 GB/s bidirectional"},
      // NVIDIA HGX B200 datasheet: NVLink 5, 1.8 TB/s per GPU (18 links).
      {"nvlink5", 900 * kGB, kNvlinkStep, "NVIDIA HGX B200 datasheet: NVLink 5, 1.8 TB/s bidirectional"},
      // AMD Instinct MI300X / MI325X datasheets: 7 Infinity Fabric links to the other GPUs of
      // a platform, 128 GB/s each, 896 GB/s aggregate bidirectional (NVLink's role; RCCL uses
      // NCCL's step latency model).
      {"xgmi3", 448 * kGB, kNvlinkStep, "AMD Instinct MI300X datasheet: Infinity Fabric, 7 x 128 GB/s bidirectional"},
      // AMD Instinct MI355X datasheet: 7 Infinity Fabric links of 153.6 GB/s, 1075.2 GB/s
      // aggregate bidirectional.
      {"xgmi4", 537.6 * kGB, kNvlinkStep, "AMD Instinct MI355X datasheet: Infinity Fabric, 7 x 153.6 GB/s bidirectional"},
      // One NVLink link (any generation 2-4): 25 GB/s per direction; GPU pairs of a DGX-1
      // (hybrid cube-mesh) are joined by one or two of them.
      {"nvlink-link", 25 * kGB, kNvlinkStep, "one NVLink link, 50 GB/s bidirectional"},
      // PCI Express base specifications, x16: 8 / 16 / 32 GT/s per lane, 128b/130b encoding.
      {"pcie3", 15.75 * kGB, kPcieStep, "PCIe 3.0 x16: 8 GT/s x 16 lanes, 128b/130b"},
      {"pcie4", 31.5 * kGB, kPcieStep, "PCIe 4.0 x16: 16 GT/s x 16 lanes, 128b/130b"},
      {"pcie5", 63 * kGB, kPcieStep, "PCIe 5.0 x16: 32 GT/s x 16 lanes, 128b/130b"},
      // NVIDIA ConnectX-5/6/7 adapter datasheets: EDR 100 Gb/s, HDR 200 Gb/s, NDR 400 Gb/s
      // per port.
      {"ib-edr", 12.5 * kGB, kNetworkStep, "InfiniBand EDR, 100 Gb/s per port (ConnectX-5)"},
      {"ib-hdr", 25 * kGB, kNetworkStep, "InfiniBand HDR, 200 Gb/s per port (ConnectX-6)"},
      {"ib-ndr", 50 * kGB, kNetworkStep, "InfiniBand NDR, 400 Gb/s per port (ConnectX-7)"},
      // IEEE 802.3 line rates.
      {"eth-10g", 1.25 * kGB, kNetworkStep, "10 Gb/s Ethernet (IEEE 802.3ae)"},
      {"eth-25g", 3.125 * kGB, kNetworkStep, "25 Gb/s Ethernet (IEEE 802.3by)"},
      {"eth-100g", 12.5 * kGB, kNetworkStep, "100 Gb/s Ethernet (IEEE 802.3ba)"},
  };
  return links;
}
// clang-format on

struct Alias {
  std::string_view name, target;
};
constexpr std::array<Alias, 2> kAliases = {{{"ib", "ib-hdr"}, {"ethernet", "eth-100g"}}};

// The scale-up link ("nvlink": NVLink, or AMD's Infinity Fabric) and PCIe link of a GPU family,
// from the families' datasheets: V100 (NVLink 2.0, PCIe 3.0), A100 (NVLink 3.0, PCIe 4.0),
// H100/H200 (NVLink 4.0, PCIe 5.0), B200 (NVLink 5, PCIe 5.0), L4 (no NVLink, PCIe 4.0), T4 (no
// NVLink, PCIe 3.0), MI300X/MI325X (Infinity Fabric 3, PCIe 5.0), MI355X (Infinity Fabric 4,
// PCIe 5.0).
struct Family {
  std::string_view token, nvlink, pcie;
};
constexpr std::array<Family, 10> kFamilies = {{{"v100", "nvlink2", "pcie3"},
                                               {"a100", "nvlink3", "pcie4"},
                                               {"h100", "nvlink4", "pcie5"},
                                               {"h200", "nvlink4", "pcie5"},
                                               {"b200", "nvlink5", "pcie5"},
                                               {"l4", "", "pcie4"},
                                               {"t4", "", "pcie3"},
                                               {"mi300x", "xgmi3", "pcie5"},
                                               {"mi325x", "xgmi3", "pcie5"},
                                               {"mi355x", "xgmi4", "pcie5"}}};

// The family of a GPU as the device table (device_model.h) names it: its canonical name
// ("Tesla V100-SXM2", "NVIDIA A100-SXM4-80GB") contains the family token.
const Family* family_of(std::string_view gpu_name) {
  auto device = find_device(gpu_name);
  if (!device) return nullptr;
  std::string name = device->name;
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const Family& family : kFamilies) {
    if (name.find(family.token) != std::string::npos) return &family;
  }
  return nullptr;
}

std::string known_links() {
  std::string names = "nvlink, pcie";
  for (const LinkSpec& link : link_table()) names += ", " + link.name;
  for (const Alias& alias : kAliases) names += ", " + std::string(alias.name);
  return names;
}

// "nvlink" / "pcie": the generation of the trace's GPU.
Result<std::string> resolve_generic(std::string_view name, std::string_view gpu_name) {
  const Family* family = family_of(gpu_name);
  std::string gpu = gpu_name.empty() ? "an unrecorded GPU" : std::string(gpu_name);
  if (family == nullptr) {
    return usage_error("link '" + std::string(name) + "': the NVLink/PCIe generation of " + gpu +
                       " is unknown; name one (nvlink2|nvlink3|nvlink4|nvlink5|xgmi3|xgmi4|pcie3|"
                       "pcie4|pcie5)");
  }
  std::string_view target = name == "nvlink" ? family->nvlink : family->pcie;
  if (target.empty()) {
    return usage_error("link 'nvlink': " + gpu + " has no NVLink (use pcie)");
  }
  return std::string(target);
}

}  // namespace

Result<LinkSpec> find_link(std::string_view name, std::string_view gpu_name) {
  std::string wanted(name);
  if (name == "nvlink" || name == "pcie") {
    auto resolved = resolve_generic(name, gpu_name);
    if (!resolved) return std::unexpected(resolved.error());
    wanted = *resolved;
  }
  for (const Alias& alias : kAliases) {
    if (alias.name == name) wanted = alias.target;
  }
  for (const LinkSpec& link : link_table()) {
    if (link.name == wanted) return link;
  }
  return usage_error("unknown link type '" + std::string(name) + "' (known: " + known_links() +
                     ")");
}

}  // namespace dd
