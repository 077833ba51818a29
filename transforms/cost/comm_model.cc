// Collective durations and the communication parameters of the parallelism models (see
// comm_model.h for the formulas and their sources).
#include "transforms/cost/comm_model.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <optional>

namespace dd {

namespace {

constexpr double kGB = 1e9;

TimeNs seconds_to_ns(double seconds) { return std::llround(seconds * 1e9); }

// The latency of `steps` ring steps, `inter_steps` of which cross nodes.
TimeNs ring_latency(const CommSetup& s, uint32_t steps, uint32_t inter_steps) {
  return static_cast<TimeNs>(steps - inter_steps) * s.intra.latency +
         static_cast<TimeNs>(inter_steps) * s.inter.latency;
}

uint32_t ceil_log2(uint32_t n) { return n <= 1 ? 0 : std::bit_width(n - 1); }

TimeNs ring_all_reduce(double bytes, const CommSetup& s) {
  uint32_t n = s.ranks, m = s.nodes();
  return ring_latency(s, 2 * (n - 1), 2 * (m - 1)) +
         seconds_to_ns(2.0 * (n - 1) / n * bytes / s.bottleneck().bandwidth);
}

TimeNs tree_all_reduce(double bytes, const CommSetup& s) {
  uint32_t g = std::min(s.ranks, s.gpus_per_node), m = s.nodes();
  TimeNs latency = 2 * (static_cast<TimeNs>(ceil_log2(g)) * s.intra.latency +
                        static_cast<TimeNs>(ceil_log2(m)) * s.inter.latency);
  return latency + seconds_to_ns(2.0 * bytes / s.bottleneck().bandwidth);
}

TimeNs hierarchical_all_reduce(double bytes, const CommSetup& s) {
  uint32_t g = std::min(s.ranks, s.gpus_per_node), m = s.nodes();
  TimeNs inside = 2 * static_cast<TimeNs>(g - 1) * s.intra.latency +
                  seconds_to_ns(2.0 * (g - 1) / g * bytes / s.intra.bandwidth);
  TimeNs between = 2 * static_cast<TimeNs>(m - 1) * s.inter.latency +
                   seconds_to_ns(2.0 * (m - 1) / m * (bytes / g) / s.inter.bandwidth);
  return inside + between;
}

TimeNs all_to_all(double bytes, const CommSetup& s) {
  uint32_t n = s.ranks, g = std::min(s.ranks, s.gpus_per_node);
  TimeNs latency = static_cast<TimeNs>(g - 1) * s.intra.latency +
                   static_cast<TimeNs>(n - g) * s.inter.latency;
  double inside = (g - 1.0) / n * bytes / s.intra.bandwidth;
  double between = n > g ? (n - g) * 1.0 / n * bytes / s.inter.bandwidth : 0.0;
  return latency + seconds_to_ns(std::max(inside, between));
}

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.4g", value);
  return buffer;
}

std::string link_text(const LinkSpec& link) {
  return link.name + " (" + number_text(link.bandwidth / kGB) + " GB/s, " +
         number_text(static_cast<double>(link.latency) / 1e3) + " us per step)";
}

Result<CommAlgorithm> parse_algorithm(const std::string& text) {
  for (CommAlgorithm a : {CommAlgorithm::kRing, CommAlgorithm::kTree,
                          CommAlgorithm::kHierarchical}) {
    if (algorithm_name(a) == text) return a;
  }
  return usage_error("parameter algo=" + text + ": expected ring, tree or hierarchical");
}

// A number > 0 (>= 0 when `inclusive`), or `keep` (nullopt: the link's own value).
Result<std::optional<double>> optional_number(const ModelArguments& arguments,
                                              const std::string& name, std::string_view keep,
                                              bool inclusive) {
  if (arguments.text(name) == keep) return std::optional<double>();
  auto value = arguments.number(name);
  if (!value) return std::unexpected(value.error());
  if (*value < 0 || (*value == 0 && !inclusive)) {
    return usage_error("parameter " + name + "=" + arguments.text(name) + ": must be " +
                       (inclusive ? ">= 0" : "> 0"));
  }
  return std::optional<double>(*value);
}

// "LINK" or "G:INTRA/INTER" into the setup's links and GPUs per node.
Result<void> parse_topology(const std::string& text, std::string_view gpu, CommSetup& setup) {
  auto bad = [&](const std::string& why) {
    return usage_error("parameter topology=" + text + ": " + why +
                       " (expected LINK or GPUS_PER_NODE:INTRA/INTER, e.g. 8:nvlink/ib-hdr)");
  };
  size_t colon = text.find(':');
  if (colon == std::string::npos) {
    auto link = find_link(text, gpu);
    if (!link) return bad(link.error().message);
    setup.intra = setup.inter = *link;
    setup.gpus_per_node = setup.ranks;
    return {};
  }
  size_t slash = text.find('/', colon);
  if (slash == std::string::npos) return bad("no '/' between the two link types");
  int per_node = 0;
  auto count = text.substr(0, colon);
  if (std::sscanf(count.c_str(), "%d", &per_node) != 1 || per_node < 1 ||
      std::to_string(per_node) != count) {
    return bad("'" + count + "' is not a number of GPUs per node");
  }
  auto intra = find_link(text.substr(colon + 1, slash - colon - 1), gpu);
  if (!intra) return bad(intra.error().message);
  auto inter = find_link(text.substr(slash + 1), gpu);
  if (!inter) return bad(inter.error().message);
  setup.intra = *intra;
  setup.inter = *inter;
  setup.gpus_per_node = static_cast<uint32_t>(per_node);
  return {};
}

}  // namespace

std::string_view collective_name(Collective collective) {
  switch (collective) {
    case Collective::kAllReduce: return "all-reduce";
    case Collective::kReduceScatter: return "reduce-scatter";
    case Collective::kAllGather: return "all-gather";
    case Collective::kAllToAll: return "all-to-all";
    case Collective::kSendRecv: return "send/recv";
    case Collective::kPush: return "push";
    case Collective::kPull: return "pull";
  }
  return "?";
}

std::string_view algorithm_name(CommAlgorithm algorithm) {
  switch (algorithm) {
    case CommAlgorithm::kRing: return "ring";
    case CommAlgorithm::kTree: return "tree";
    case CommAlgorithm::kHierarchical: return "hierarchical";
  }
  return "?";
}

std::string CommSetup::text() const {
  std::string out = std::string(algorithm_name(algorithm)) + " over " + std::to_string(ranks) +
                    (ranks == 1 ? " GPU" : " GPUs");
  if (nodes() > 1) {
    out += " (" + std::to_string(nodes()) + " nodes of " + std::to_string(gpus_per_node) +
           ") on " + link_text(intra) + " inside nodes and " + link_text(inter) + " between";
  } else {
    out += " on " + link_text(intra);
  }
  return out;
}

TimeNs collective_time(Collective collective, uint64_t bytes, const CommSetup& s) {
  if (s.ranks <= 1 || bytes == 0) return 0;
  double b = static_cast<double>(bytes);
  uint32_t n = s.ranks, m = s.nodes();
  const LinkSpec& link = s.bottleneck();
  switch (collective) {
    case Collective::kAllReduce:
      if (s.algorithm == CommAlgorithm::kTree) return tree_all_reduce(b, s);
      if (s.algorithm == CommAlgorithm::kHierarchical) return hierarchical_all_reduce(b, s);
      return ring_all_reduce(b, s);
    case Collective::kReduceScatter:
    case Collective::kAllGather:
      return ring_latency(s, n - 1, m - 1) +
             seconds_to_ns((n - 1.0) / n * b / link.bandwidth);
    case Collective::kAllToAll:
      return all_to_all(b, s);
    case Collective::kSendRecv:
      return link.latency + seconds_to_ns(b / link.bandwidth);
    case Collective::kPush:
    case Collective::kPull: {
      double fan_in = std::max(1.0, static_cast<double>(n) / std::max(1u, s.servers));
      return link.latency + seconds_to_ns(fan_in * b / link.bandwidth);
    }
  }
  return 0;
}

std::vector<ModelParameter> communication_parameters() {
  return {{"topology", "8:nvlink/ib",
           "links: LINK (every GPU on one link type) or GPUS_PER_NODE:INTRA/INTER; link types "
           "nvlink, pcie (the generation of the GPU the ops run on; nvlink is AMD's Infinity "
           "Fabric on MI300X/MI325X/MI355X), nvlink2|3|4|5, xgmi3|4, nvlink-link, pcie3|4|5, "
           "ib-edr|hdr|ndr, ib (=ib-hdr), eth-10g|25g|100g, ethernet (=eth-100g)"},
          {"bandwidth", "datasheet", "GB/s per direction of the bottleneck link (the inter-node "
                                     "one when GPUs span nodes), or its datasheet value"},
          {"latency", "nccl", "us per algorithm step on the bottleneck link, or NCCL's model "
                              "value for its type"},
          {"algo", "ring", "all-reduce algorithm: ring, tree or hierarchical"}};
}

Result<CommSetup> communication_setup(const Graph& graph, const ModelArguments& arguments,
                                      uint32_t ranks) {
  CommSetup setup;
  setup.ranks = ranks;
  const DeviceTable& devices = graph.trace().devices;
  // The GPU the ops run on now: an earlier `gpu` rewrite's target, else the trace's.
  std::string_view gpu = !graph.execution.device.empty() ? graph.execution.device
                         : devices.size() > 0            ? graph.str(devices.name[0])
                                                         : std::string_view();
  if (auto parsed = parse_topology(arguments.text("topology"), gpu, setup); !parsed) {
    return std::unexpected(parsed.error());
  }
  auto algorithm = parse_algorithm(arguments.text("algo"));
  if (!algorithm) return std::unexpected(algorithm.error());
  setup.algorithm = *algorithm;
  auto bandwidth = optional_number(arguments, "bandwidth", "datasheet", false);
  if (!bandwidth) return std::unexpected(bandwidth.error());
  auto latency = optional_number(arguments, "latency", "nccl", true);
  if (!latency) return std::unexpected(latency.error());
  LinkSpec& bottleneck = setup.nodes() > 1 ? setup.inter : setup.intra;
  if (*bandwidth) bottleneck.bandwidth = **bandwidth * kGB;
  if (*latency) bottleneck.latency = std::llround(**latency * 1e3);
  if (*bandwidth || *latency) bottleneck.source += "; overridden on the command line";
  if (setup.nodes() == 1) setup.inter = setup.intra;
  return setup;
}

}  // namespace dd
