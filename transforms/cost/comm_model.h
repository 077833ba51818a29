// The communication model (ARCHITECTURE.md, "What-if optimizations"): how long a collective
// takes, from latency + bytes / bandwidth per step of its algorithm (the alpha-beta model of
// Thakur, Rabenseifner and Gropp, "Optimization of Collective Communication Operations in
// MPICH", IJHPCA 2005), over the links of a topology. The parallelism what-ifs (ddp, ps,
// priority-comm, pipeline, virtual-nodes) get every collective's duration from here, never
// from a constant of their own.
//
// A topology is GPUs per node on one link type inside a node and one between nodes; a link is
// a bandwidth per direction per GPU and a latency per algorithm step (comm_links.cc lists the
// link types with the datasheet numbers). N ranks, G GPUs per node (G >= N: one node), M =
// ceil(N / G) nodes, B bytes per rank, alpha and beta a link's step latency and bandwidth;
// "bottleneck" is the inter-node link when M > 1 (the slower one on every ring that crosses
// nodes), else the intra-node link:
//   ring all-reduce        2(N-1) steps (2(M-1) of them cross nodes) + 2(N-1)/N * B / beta
//   ring reduce-scatter,   N-1 steps (M-1 cross nodes) + (N-1)/N * B / beta
//     all-gather           (B: the whole buffer, gathered or to be scattered)
//   tree all-reduce        NCCL's double binary tree (Sanders, Speck, Traeff, "Two-tree
//                          algorithms for full bandwidth broadcast, reduction and scan",
//                          Parallel Computing 2009): 2(ceil(log2 G) alpha_intra +
//                          ceil(log2 M) alpha_inter) + 2 B / beta (each node sends and
//                          receives B per direction in the reduce and again in the broadcast)
//   hierarchical           Horovod's hierarchical all-reduce (and BlueConnect, MLSys 2019):
//     all-reduce           ring reduce-scatter inside each node, ring all-reduce of the B/G
//                          shards between nodes (one NIC per GPU, all in parallel), ring
//                          all-gather inside each node
//   all-to-all             pairwise exchange: (G-1) alpha_intra + (N-G) alpha_inter +
//                          max((G-1)/N * B / beta_intra, (N-G)/N * B / beta_inter)
//   send/recv              alpha + B / beta of one link (between pipeline stages)
//   parameter-server push, K servers hold B/K each; N workers push (or pull) B each:
//     pull                 alpha + max(1, N/K) * B / beta over the bottleneck link (a server's
//                          link carries N/K workers' shards; Li et al., "Scaling Distributed
//                          Machine Learning with the Parameter Server", OSDI 2014)
// One rank communicates with nobody: every collective over N = 1 takes 0.
//
// Not modeled: protocol choice (NCCL's LL/LL128/Simple trade latency for bandwidth), the
// kernel's launch and the skew between ranks arriving at a collective (a measured NCCL
// kernel also waits for its slowest peer), contention with other traffic, and links that
// reach less than their datasheet bandwidth. bench/comm_calibration.cc compares the model with
// the NCCL kernels of a real trace.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "collector/trace/result.h"
#include "graph/graph.h"
#include "transforms/whatif_model.h"

namespace dd {

enum class Collective : uint8_t { kAllReduce, kReduceScatter, kAllGather, kAllToAll, kSendRecv,
                                  kPush, kPull };
enum class CommAlgorithm : uint8_t { kRing, kTree, kHierarchical };

std::string_view collective_name(Collective collective);  // "all-reduce", ...
std::string_view algorithm_name(CommAlgorithm algorithm);  // "ring", "tree", "hierarchical"

struct LinkSpec {
  std::string name;        // "nvlink", "pcie4", "ib-hdr", ...
  double bandwidth = 0;    // bytes/s per direction, per GPU
  TimeNs latency = 0;      // per algorithm step
  std::string source;      // where the numbers come from
};

// The link type `name` (comm_links.cc); "nvlink" and "pcie" resolve to the generation of
// `gpu_name` (the trace's GPU). An error listing the known names otherwise.
Result<LinkSpec> find_link(std::string_view name, std::string_view gpu_name);

struct CommSetup {
  uint32_t ranks = 1;
  uint32_t gpus_per_node = 1;  // >= ranks: one node
  LinkSpec intra, inter;       // inter is used only when ranks > gpus_per_node
  CommAlgorithm algorithm = CommAlgorithm::kRing;
  uint32_t servers = 1;        // parameter servers (push/pull only)

  uint32_t nodes() const { return (ranks + gpus_per_node - 1) / gpus_per_node; }
  const LinkSpec& bottleneck() const { return nodes() > 1 ? inter : intra; }
  // "ring all-reduce over 8 GPUs on nvlink (150 GB/s, 1.9 us per step)" style text.
  std::string text() const;
};

// The duration of `collective` of `bytes` per rank under `setup` (header comment's formulas).
TimeNs collective_time(Collective collective, uint64_t bytes, const CommSetup& setup);

// The parameters every parallelism model takes for its communication: topology, bandwidth,
// latency and algo (help texts say what each means).
std::vector<ModelParameter> communication_parameters();

// The CommSetup of `ranks` GPUs from those parameters, on the GPU the graph's ops run on (an
// earlier `gpu` rewrite's target, else the trace's; it decides what "nvlink" and "pcie" mean). `topology` is LINK (every GPU on one link type) or
// G:INTRA/INTER (G GPUs per node on INTRA, nodes on INTER); bandwidth (GB/s) and latency (us)
// override the bottleneck link unless "datasheet" / "nccl". Usage errors name the parameter.
Result<CommSetup> communication_setup(const Graph& graph, const ModelArguments& arguments,
                                      uint32_t ranks);

}  // namespace dd
