// job_ranks and CUDA activity per process (see job_ranks.h): one pass over the GPU ops, API
// calls and memory events.
#include "collector/trace/job_ranks.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace dd {

std::vector<JobRank> job_ranks(const Trace& trace) {
  std::vector<std::set<int32_t>> devices(trace.processes.size());
  for (uint32_t stream : trace.gpu_ops.stream) {
    if (stream == kNone) continue;
    uint32_t process = trace.streams.process[stream];
    if (process != kNone) devices[process].insert(trace.streams.device[stream]);
  }
  std::vector<JobRank> ranks;
  for (uint32_t p = 0; p < trace.processes.size(); ++p) {
    if (devices[p].empty()) continue;
    int32_t rank = trace.processes.rank[p];
    std::string label = rank >= 0 ? "rank " + std::to_string(rank)
                                  : "pid " + std::to_string(trace.processes.pid[p]);
    ranks.push_back({p, std::move(label), {devices[p].begin(), devices[p].end()}});
  }
  auto known = [&](const JobRank& r) { return trace.processes.rank[r.process] >= 0; };
  std::stable_sort(ranks.begin(), ranks.end(), [&](const JobRank& a, const JobRank& b) {
    if (known(a) != known(b)) return known(a);
    if (known(a)) return trace.processes.rank[a.process] < trace.processes.rank[b.process];
    return std::pair(a.devices.front(), trace.processes.pid[a.process]) <
           std::pair(b.devices.front(), trace.processes.pid[b.process]);
  });
  // Two files of one job may share a rank (a rerun) or a pid (two hosts): tell them apart.
  std::map<std::string, int> seen;
  for (JobRank& r : ranks) {
    int count = ++seen[r.label];
    if (count > 1) r.label += " #" + std::to_string(count);
  }
  return ranks;
}

std::vector<bool> processes_with_cuda_activity(const Trace& trace) {
  std::vector<bool> active(trace.processes.size(), false);
  auto mark = [&](uint32_t process) {
    if (process != kNone) active[process] = true;
  };
  for (uint32_t stream : trace.gpu_ops.stream) {
    if (stream != kNone) mark(trace.streams.process[stream]);
  }
  for (uint32_t thread : trace.api_calls.thread) {
    if (thread != kNone) mark(trace.threads.process[thread]);
  }
  for (size_t i = 0; i < trace.memory_events.size(); ++i) {
    if (trace.memory_events.device[i] >= 0) mark(trace.memory_events.process[i]);
  }
  return active;
}

}  // namespace dd
