// The communication model: every collective's formula against times worked out by hand in the
// comments, the link table and its resolution for the trace's GPU, the command-line
// parameters (topology, bandwidth, latency, algo) and their errors, and the directions that
// must hold: more GPUs and slower links never make an all-reduce faster.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <tuple>

#include "tiny_graph.h"
#include "transforms/cost/comm_model.h"
#include "transforms/model_test_support.h"

using dd::Collective;
using dd::CommAlgorithm;
using dd::CommSetup;
using dd::LinkSpec;
using dd::TimeNs;

namespace {

constexpr double kGB = 1e9;

// 25 GB/s and 2 us per step inside nodes, 10 GB/s and 5 us between them.
const LinkSpec kIntra{"intra", 25 * kGB, 2000, "test"};
const LinkSpec kInter{"inter", 10 * kGB, 5000, "test"};

CommSetup setup(uint32_t ranks, uint32_t per_node, CommAlgorithm algorithm) {
  return {ranks, per_node, kIntra, kInter, algorithm, 1};
}

dd::ModelArguments arguments(std::map<std::string, std::string> values) {
  std::map<std::string, std::string> all{
      {"topology", "8:nvlink/ib"}, {"bandwidth", "datasheet"}, {"latency", "nccl"},
      {"algo", "ring"}};
  for (auto& [key, value] : values) all[key] = value;
  return dd::ModelArguments(all);
}

}  // namespace

TEST_CASE("ring collectives follow the alpha-beta formulas", "[transforms][comm]") {
  // All-reduce of 100 MB over 4 GPUs of one node (100e6 / 25e9 = 4 ms per full buffer):
  // 2*3/4 * 4 ms = 6 ms on the wire, 2*3 steps of 2 us = 12 us.
  CHECK(dd::collective_time(Collective::kAllReduce, 100'000'000,
                            setup(4, 8, CommAlgorithm::kRing)) == 6'000'000 + 12'000);
  // Reduce-scatter and all-gather: 3/4 * 4 ms = 3 ms, 3 steps = 6 us.
  CHECK(dd::collective_time(Collective::kReduceScatter, 100'000'000,
                            setup(4, 8, CommAlgorithm::kRing)) == 3'000'000 + 6'000);
  CHECK(dd::collective_time(Collective::kAllGather, 100'000'000,
                            setup(4, 8, CommAlgorithm::kRing)) == 3'000'000 + 6'000);
  // 16 GPUs on 2 nodes of 8: the ring's bandwidth is the inter-node link's, 2*15/16 * 100e6 /
  // 10e9 = 18.75 ms; 30 steps, 2 of them between nodes: 28 * 2 + 2 * 5 = 66 us.
  CHECK(dd::collective_time(Collective::kAllReduce, 100'000'000,
                            setup(16, 8, CommAlgorithm::kRing)) == 18'750'000 + 66'000);
  // One GPU communicates with nobody.
  CHECK(dd::collective_time(Collective::kAllReduce, 100'000'000,
                            setup(1, 8, CommAlgorithm::kRing)) == 0);
}

TEST_CASE("tree and hierarchical all-reduce", "[transforms][comm]") {
  // Tree over 16 = 2 x 8: latency 2 * (log2 8 * 2 us + log2 2 * 5 us) = 22 us; wire 2 * 100e6 /
  // 10e9 = 20 ms.
  CHECK(dd::collective_time(Collective::kAllReduce, 100'000'000,
                            setup(16, 8, CommAlgorithm::kTree)) == 20'000'000 + 22'000);
  // Hierarchical over 4 nodes of 8: inside 2*7 * 2 us + 2*7/8 * 100e6 / 25e9 = 28 us + 7 ms;
  // between, 12.5 MB shards: 2*3 * 5 us + 2*3/4 * 12.5e6 / 10e9 = 30 us + 1.875 ms.
  CHECK(dd::collective_time(Collective::kAllReduce, 100'000'000,
                            setup(32, 8, CommAlgorithm::kHierarchical)) ==
        7'000'000 + 28'000 + 1'875'000 + 30'000);
  // Flat ring over the same 32 GPUs: 2*31/32 * 100e6 / 10e9 = 19.375 ms, 62 steps (6 between
  // nodes): 56 * 2 + 6 * 5 = 142 us. Hierarchical is the faster one here.
  CHECK(dd::collective_time(Collective::kAllReduce, 100'000'000,
                            setup(32, 8, CommAlgorithm::kRing)) == 19'375'000 + 142'000);
}

TEST_CASE("all-to-all, send/recv and parameter-server push/pull", "[transforms][comm]") {
  // All-to-all of 160 MB over 16 = 2 x 8: latency 7 * 2 + 8 * 5 = 54 us; inside 7/16 * 160e6
  // / 25e9 = 2.8 ms, between 8/16 * 160e6 / 10e9 = 8 ms: the slower, 8 ms.
  CHECK(dd::collective_time(Collective::kAllToAll, 160'000'000,
                            setup(16, 8, CommAlgorithm::kRing)) == 8'000'000 + 54'000);
  // Send/recv of 50 MB inside a node: 2 us + 2 ms.
  CHECK(dd::collective_time(Collective::kSendRecv, 50'000'000, setup(2, 8, CommAlgorithm::kRing)) ==
        2'000'000 + 2'000);
  // Push of 100 MB by 16 workers to 4 servers over the network: each server link carries 4
  // workers' shards: 5 us + 4 * 100e6 / 10e9 = 40 ms. With 16 servers: 10 ms.
  CommSetup ps = setup(16, 8, CommAlgorithm::kRing);
  ps.servers = 4;
  CHECK(dd::collective_time(Collective::kPush, 100'000'000, ps) == 40'000'000 + 5'000);
  ps.servers = 16;
  CHECK(dd::collective_time(Collective::kPull, 100'000'000, ps) == 10'000'000 + 5'000);
}

TEST_CASE("more GPUs and slower links never make an all-reduce faster", "[transforms][comm]") {
  for (CommAlgorithm algorithm :
       {CommAlgorithm::kRing, CommAlgorithm::kTree, CommAlgorithm::kHierarchical}) {
    for (uint64_t bytes : {uint64_t{1000}, uint64_t{25'000'000}, uint64_t{500'000'000}}) {
      TimeNs previous = 0;
      for (uint32_t ranks = 1; ranks <= 64; ranks *= 2) {
        CommSetup s = setup(ranks, 8, algorithm);
        TimeNs time = dd::collective_time(Collective::kAllReduce, bytes, s);
        CHECK(time >= previous);
        previous = time;
        CommSetup slower = s;
        slower.inter.bandwidth /= 2;
        slower.intra.bandwidth /= 2;
        slower.intra.latency *= 2;
        CHECK(dd::collective_time(Collective::kAllReduce, bytes, slower) >= time);
      }
    }
  }
}

TEST_CASE("link types resolve for the trace's GPU", "[transforms][comm]") {
  CHECK(dd::find_link("nvlink", "Tesla V100-SXM2-32GB")->name == "nvlink2");
  CHECK(dd::find_link("nvlink", "NVIDIA A100-SXM4-80GB")->bandwidth == 300 * kGB);
  CHECK(dd::find_link("nvlink", "NVIDIA H100 80GB HBM3")->name == "nvlink4");
  CHECK(dd::find_link("pcie", "NVIDIA H100 80GB HBM3")->name == "pcie5");
  CHECK(dd::find_link("ib", "")->name == "ib-hdr");
  CHECK(dd::find_link("eth-25g", "")->bandwidth == 3.125 * kGB);
  auto no_nvlink = dd::find_link("nvlink", "Tesla T4");
  REQUIRE_FALSE(no_nvlink);
  CHECK(no_nvlink.error().message.find("has no NVLink") != std::string::npos);
  auto unknown = dd::find_link("token-ring", "");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message.find("ib-ndr") != std::string::npos);
}

TEST_CASE("communication parameters build the setup", "[transforms][comm]") {
  dd::test::TinyGraph t;
  dd::test::record_device(t, "Tesla V100-SXM2-32GB");
  auto eight = dd::communication_setup(t.graph, arguments({}), 8);
  REQUIRE(eight);
  CHECK(eight->nodes() == 1);
  CHECK(eight->bottleneck().name == "nvlink2");
  CHECK(eight->text() == "ring over 8 GPUs on nvlink2 (150 GB/s, 1.9 us per step)");
  // Over 8 GPUs the network is the bottleneck, and the overrides apply to it.
  auto sixteen = dd::communication_setup(
      t.graph, arguments({{"bandwidth", "12.5"}, {"latency", "10"}, {"algo", "tree"}}), 16);
  REQUIRE(sixteen);
  CHECK(sixteen->nodes() == 2);
  CHECK(sixteen->inter.bandwidth == 12.5 * kGB);
  CHECK(sixteen->inter.latency == 10'000);
  CHECK(sixteen->intra.bandwidth == 150 * kGB);
  CHECK(sixteen->algorithm == CommAlgorithm::kTree);
  auto flat = dd::communication_setup(t.graph, arguments({{"topology", "pcie"}}), 16);
  REQUIRE(flat);
  CHECK(flat->nodes() == 1);
  CHECK(flat->bottleneck().name == "pcie3");

  for (const auto& [key, value, message] :
       {std::tuple{"topology", "8:nvlink", "no '/'"},
        std::tuple{"topology", "x:nvlink/ib", "not a number of GPUs per node"},
        std::tuple{"topology", "4:nvlink/carrier-pigeon", "unknown link type"},
        std::tuple{"bandwidth", "0", "must be > 0"}, std::tuple{"latency", "-1", "must be >= 0"},
        std::tuple{"algo", "butterfly", "expected ring, tree or hierarchical"}}) {
    auto bad = dd::communication_setup(t.graph, arguments({{key, value}}), 8);
    REQUIRE_FALSE(bad);
    INFO(bad.error().message);
    CHECK(bad.error().kind == dd::ErrorKind::kUsage);
    CHECK(bad.error().message.find(message) != std::string::npos);
  }
}
