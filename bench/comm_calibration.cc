// comm_calibration: the communication model (transforms/cost/comm_model.h) against the NCCL
// all-reduce kernels a multi-rank trace measured. For every all-reduce kernel it reads the
// bytes reduced and the world size from the trace, predicts the ring all-reduce time on each
// link type named on the command line, and prints, per message size, the measured median
// kernel time beside the predictions. Also prints the latency and bandwidth that a
// least-squares fit of the ring formula to the medians gives — for the report only: the model
// keeps its datasheet defaults (predictions are never tuned to one trace).
//
// Where the bytes come from: Kineto records no collective sizes unless the profiler ran with
// record_shapes (then record_param_comms carries "In msg nelems", which the importer does not
// keep). The bundled DDP trace (matmul_v100_memory) clones each gradient and all-reduces the
// clone, with profile_memory on, so the device block allocated last on the launching thread
// before the kernel's launch is the buffer; its size (rounded up to the caching allocator's
// 512-byte blocks) is the message size. Kernels with no earlier allocation are skipped and
// counted. Kernel times include waiting for the peer rank to arrive, which the model does not
// predict; medians per size keep that skew from dominating.
//
// usage: comm_calibration TRACE [LINK ...]   (default links: nvlink nvlink-link)
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "collector/trace_loader.h"
#include "transforms/cost/comm_model.h"

namespace {

bool is_nccl_all_reduce(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("nccl") != std::string::npos && lower.find("allreduce") != std::string::npos;
}

// Device allocations per CPU thread, in time order.
std::map<uint32_t, std::vector<std::pair<dd::TimeNs, int64_t>>> allocations(const dd::Trace& t) {
  std::map<uint32_t, std::vector<std::pair<dd::TimeNs, int64_t>>> by_thread;
  const dd::MemoryEventTable& m = t.memory_events;
  for (size_t i = 0; i < m.size(); ++i) {
    if (m.op[i] == dd::MemoryOp::kAlloc && m.device[i] >= 0) {
      by_thread[m.thread[i]].emplace_back(m.time[i], m.bytes[i]);
    }
  }
  for (auto& [thread, list] : by_thread) std::sort(list.begin(), list.end());
  return by_thread;
}

dd::TimeNs median(std::vector<dd::TimeNs> values) {
  std::sort(values.begin(), values.end());
  return values[(values.size() - 1) / 2];
}

// Least squares of t = a * steps + b * bytes_on_wire: the fitted step latency and bandwidth.
void print_fit(const std::map<int64_t, std::vector<dd::TimeNs>>& by_size, uint32_t ranks) {
  double steps = 2.0 * (ranks - 1), wire = 2.0 * (ranks - 1) / ranks;
  double sxx = 0, sxy = 0, syy = 0, sx = 0, sy = 0, st = 0, n = 0;
  for (const auto& [bytes, times] : by_size) {
    double x = wire * static_cast<double>(bytes), t = static_cast<double>(median(times));
    sx += x, sxx += x * x, sxy += x * t, sy += t, st += t, n += 1;
    syy += t * t;
  }
  double slope = (n * sxy - sx * st) / (n * sxx - sx * sx);  // ns per byte
  double intercept = (st - slope * sx) / n;                  // ns
  std::printf("\nleast-squares fit of the ring formula to the medians (report only): "
              "%.2f us per step, %.1f GB/s\n",
              intercept / steps / 1e3, 1.0 / slope);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s TRACE [LINK ...]\n", argv[0]);
    return 1;
  }
  auto loaded = dd::load_trace({argv[1]});
  if (!loaded) {
    std::fprintf(stderr, "%s\n", loaded.error().message.c_str());
    return 2;
  }
  const dd::Trace& trace = *loaded;
  auto world = trace.metadata.find("kineto.distributedInfo.world_size");
  if (world == trace.metadata.end()) {
    std::fprintf(stderr, "%s: no distributedInfo world_size in the trace (kineto.distributedInfo.world_size)\n", argv[1]);
    return 2;
  }
  uint32_t ranks = static_cast<uint32_t>(std::stoul(world->second));
  std::string gpu = trace.devices.size() > 0 ? std::string(trace.str(trace.devices.name[0])) : "";
  std::vector<std::string> link_names;
  for (int i = 2; i < argc; ++i) link_names.emplace_back(argv[i]);
  if (link_names.empty()) link_names = {"nvlink", "nvlink-link"};
  std::vector<dd::CommSetup> setups;
  for (const std::string& name : link_names) {
    auto link = dd::find_link(name, gpu);
    if (!link) {
      std::fprintf(stderr, "%s\n", link.error().message.c_str());
      return 1;
    }
    setups.push_back({ranks, ranks, *link, *link, dd::CommAlgorithm::kRing, 1});
  }

  std::map<uint64_t, std::pair<uint32_t, dd::TimeNs>> launches;  // correlation -> thread, start
  for (size_t i = 0; i < trace.api_calls.size(); ++i) {
    launches[trace.api_calls.correlation[i]] = {trace.api_calls.thread[i],
                                                trace.api_calls.start[i]};
  }
  auto allocs = allocations(trace);
  std::map<int64_t, std::vector<dd::TimeNs>> by_size;
  size_t kernels = 0, skipped = 0;
  const dd::GpuOpTable& ops = trace.gpu_ops;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (ops.kind[i] != dd::GpuOpKind::kKernel || !is_nccl_all_reduce(trace.str(ops.name[i]))) {
      continue;
    }
    ++kernels;
    auto launch = launches.find(ops.correlation[i]);
    auto list = launch == launches.end() ? allocs.end() : allocs.find(launch->second.first);
    if (list == allocs.end()) {
      ++skipped;
      continue;
    }
    auto after = std::lower_bound(list->second.begin(), list->second.end(),
                                  std::pair(launch->second.second, int64_t{0}));
    if (after == list->second.begin()) {
      ++skipped;
      continue;
    }
    by_size[std::prev(after)->second].push_back(ops.end[i] - ops.start[i]);
  }
  std::printf("%s: %zu NCCL all-reduce kernels, world size %u, %s; %zu without a size\n",
              argv[1], kernels, ranks, gpu.c_str(), skipped);
  for (const dd::CommSetup& s : setups) std::printf("model: %s\n", s.text().c_str());
  std::printf("\n%12s %6s %12s", "bytes", "count", "measured us");
  for (const dd::CommSetup& s : setups) std::printf(" %14s %6s", s.intra.name.c_str(), "ratio");
  std::printf("\n");
  for (const auto& [bytes, times] : by_size) {
    double measured = static_cast<double>(median(times));
    std::printf("%12lld %6zu %12.1f", static_cast<long long>(bytes), times.size(),
                measured / 1e3);
    for (const dd::CommSetup& s : setups) {
      double predicted = static_cast<double>(
          dd::collective_time(dd::Collective::kAllReduce, static_cast<uint64_t>(bytes), s));
      std::printf(" %14.1f %6.2f", predicted / 1e3, predicted / measured);
    }
    std::printf("\n");
  }
  if (by_size.size() >= 2) print_fit(by_size, ranks);
  return 0;
}
