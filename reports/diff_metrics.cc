// Trace-to-trace comparison (see diff_metrics.h): the measured steady-state spreads for the
// noise-aware verdict, and two replay breakdowns with every layer and kernel kept for the
// explanation.
#include "reports/diff_metrics.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>

#include "reports/job_breakdown.h"
#include "reports/text_table.h"
#include "simulator/iteration_metrics.h"

namespace dd {

namespace {

constexpr size_t kAll = std::numeric_limits<size_t>::max();
constexpr size_t kDiffTopLayers = 10;

IterationSpread steady_spread(const Graph& graph, const Timeline& measured) {
  IterationTimes times = iteration_times(graph, measured);
  IterationSpread spread;
  spread.median = times.steady_state;
  size_t first = first_steady_iteration(times.per_iteration.size());
  for (size_t i = first; i < times.per_iteration.size(); ++i) {
    TimeNs t = times.per_iteration[i];
    spread.shortest = spread.samples == 0 ? t : std::min(spread.shortest, t);
    spread.longest = std::max(spread.longest, t);
    ++spread.samples;
  }
  return spread;
}

// The critical path per iteration split into parts that add up to its length.
std::vector<DiffContributor> path_contributors(const Breakdown& base, const Breakdown& next) {
  std::vector<DiffContributor> rows;
  auto add = [&](std::string name, std::string kind, TimeNs b, TimeNs n) {
    b = per_iteration(base, b);
    n = per_iteration(next, n);
    if (b != 0 || n != 0) rows.push_back({std::move(name), std::move(kind), b, n});
  };
  const CriticalPathSummary& bp = base.critical_path;
  const CriticalPathSummary& np = next.critical_path;
  for (size_t k = 0; k < kKernelClassCount; ++k) {
    add(std::string(kernel_class_name(static_cast<KernelClass>(k))), "kernel_class",
        bp.by_kernel_class[k], np.by_kernel_class[k]);
  }
  auto task_kind = [](TaskKind kind) { return static_cast<size_t>(kind); };
  add("CUDA API calls (launch overhead)", "cpu_api", bp.by_task_kind[task_kind(TaskKind::kApiCall)],
      np.by_task_kind[task_kind(TaskKind::kApiCall)]);
  add("CPU work (framework, Python, data)", "cpu_work",
      bp.by_task_kind[task_kind(TaskKind::kCpuWork)], np.by_task_kind[task_kind(TaskKind::kCpuWork)]);
  add("waiting (launch latency, gaps)", "wait", bp.wait_time, np.wait_time);
  std::stable_sort(rows.begin(), rows.end(), [](const DiffContributor& a, const DiffContributor& b) {
    return std::abs(a.delta()) > std::abs(b.delta());
  });
  return rows;
}

// Every kernel of both breakdowns, matched by (name, class), per iteration.
std::vector<KernelChange> match_kernels(const Breakdown& base, const Breakdown& next) {
  std::map<std::pair<std::string, std::string>, KernelChange> by_key;
  auto add = [&](const Breakdown& b, TimeNs KernelChange::*time, double KernelChange::*count) {
    double windows = static_cast<double>(std::max<size_t>(b.windows, 1));
    for (const BreakdownRow& row : b.top_kernels) {
      KernelChange& k = by_key[{row.name, row.kernel_class}];
      k.name = row.name;
      k.kernel_class = row.kernel_class;
      k.*time += per_iteration(b, row.gpu_time);
      k.*count += static_cast<double>(row.gpu_ops) / windows;
    }
  };
  add(base, &KernelChange::base, &KernelChange::base_count);
  add(next, &KernelChange::next, &KernelChange::next_count);
  std::vector<KernelChange> all;
  for (auto& entry : by_key) all.push_back(std::move(entry.second));
  return all;
}

void sort_kernels(std::vector<KernelChange>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const KernelChange& a, const KernelChange& b) {
    return std::abs(a.delta()) > std::abs(b.delta());
  });
}

void add_kernel_changes(const Breakdown& base, const Breakdown& next, DiffResult& out) {
  std::vector<KernelChange> all = match_kernels(base, next);
  for (const KernelChange& k : all) {
    if (k.base_count == 0) out.added.push_back(k);
    if (k.next_count == 0) out.removed.push_back(k);
  }
  sort_kernels(out.added);
  sort_kernels(out.removed);
  std::erase_if(all, [](const KernelChange& k) { return k.delta() == 0; });
  sort_kernels(all);
  if (all.size() > kDiffTopKernels) all.resize(kDiffTopKernels);
  out.kernels = std::move(all);
}

std::string signed_ms_text(TimeNs ns) {
  return format_signed_ms(ns) + " ms";
}

// Whether a time that grew by `growth` from `base` grew beyond the threshold and the noise.
bool grew_beyond(TimeNs growth, TimeNs base, const DiffResult& r) {
  return growth > r.noise_band &&
         static_cast<double>(growth) > r.threshold_pct / 100.0 * static_cast<double>(base);
}

DiffCheck iteration_check(const DiffResult& r) {
  std::string message = format_ms(r.base.median) + " ms -> " + format_ms(r.next.median) + " ms (" +
                        signed_ms_text(r.change) + ", " + format_fixed(r.change_pct, 2) +
                        "%); threshold " + format_fixed(r.threshold_pct, 2) + "%, noise band " +
                        (r.noise_known ? "+/-" + format_ms(r.noise_band) + " ms" : "unknown");
  std::string verdict = r.regressed      ? "regressed"
                        : r.improved     ? "improved"
                        : r.change == 0  ? "no change"
                        : r.within_noise ? "within noise"
                                         : "within threshold";
  return {"iteration time", !r.regressed, verdict + ": " + message};
}

// A part of the critical path fails when it alone grew by more than the threshold (of the
// base iteration time) and the noise band.
DiffCheck path_check(const std::string& name, TimeNs base, TimeNs next, const DiffResult& r) {
  bool grew = grew_beyond(next - base, r.base.median, r);
  return {name, !grew,
          std::string(grew ? "grew beyond threshold and noise: " : "ok: ") + format_ms(base) +
              " ms -> " + format_ms(next) + " ms per iteration (" + signed_ms_text(next - base) + ")"};
}

DiffCheck bound_check(const CriticalPathChange& path) {
  bool same = path.replay_verdict == path.predicted_verdict;
  return {"critical path resource", same,
          std::string(same ? "unchanged: " : "moved: ") +
              std::string(verdict_name(path.replay_verdict)) + " -> " +
              std::string(verdict_name(path.predicted_verdict)) + " (" + verdict_rule() + ")"};
}

void decide(DiffResult& r) {
  r.change = r.next.median - r.base.median;
  r.change_pct = r.base.median > 0
                     ? 100.0 * static_cast<double>(r.change) / static_cast<double>(r.base.median)
                     : 0.0;
  r.noise_known = r.base.samples > 1 && r.next.samples > 1;
  r.noise_band = r.base.half_spread() + r.next.half_spread();
  r.within_noise = r.noise_known && std::abs(r.change) <= r.noise_band;
  r.regressed = grew_beyond(r.change, r.base.median, r);
  r.improved = grew_beyond(-r.change, r.base.median, r);
}

}  // namespace

std::string diff_noise_rule() {
  return "regressed when the steady-state median iteration time grew by more than the "
         "threshold and by more than the noise band (half the spread, max - min, of each "
         "trace's steady-state iterations, added); a change within the noise band is noise";
}

DiffResult compare_runs(const DiffSide& base, const DiffSide& next, double threshold_pct) {
  DiffResult out;
  out.base_name = base.name;
  out.new_name = next.name;
  out.threshold_pct = threshold_pct;
  out.base = steady_spread(base.graph, base.measured);
  out.next = steady_spread(next.graph, next.measured);
  decide(out);
  BreakdownOptions every_row;
  every_row.top_layers = every_row.top_kernels = kAll;
  // A job of several ranks is compared through its slowest rank on each side.
  Breakdown before = run_breakdown(base.graph, base.replayed,
                                   slowest_rank(base.graph, base.replayed), every_row);
  Breakdown after = run_breakdown(next.graph, next.replayed,
                                  slowest_rank(next.graph, next.replayed), every_row);
  out.base_replayed = iteration_times(base.graph, base.replayed).steady_state;
  out.new_replayed = iteration_times(next.graph, next.replayed).steady_state;
  out.base_trust = assess_replay(base.graph, iteration_times(base.graph, base.measured).steady_state,
                                 out.base_replayed, base.replayed.forced_starts);
  out.new_trust = assess_replay(next.graph, iteration_times(next.graph, next.measured).steady_state,
                                out.new_replayed, next.replayed.forced_starts);
  out.base_scope = before.scope;
  out.new_scope = after.scope;
  out.contributors = path_contributors(before, after);
  out.critical_path = critical_path_change(before, after);
  out.total = total_change(before, after, "total");
  out.phases = match_rows(before, after, &Breakdown::phases);
  out.layers = layer_changes(match_rows(before, after, &Breakdown::layers), kDiffTopLayers);
  out.kernel_classes = match_rows(before, after, &Breakdown::kernel_classes);
  sort_by_change(out.kernel_classes, gpu_change_key);
  add_kernel_changes(before, after, out);
  const CriticalPathSummary& bp = before.critical_path;
  const CriticalPathSummary& np = after.critical_path;
  auto on_gpu = [](const CriticalPathSummary& p) { return p.by_task_kind[static_cast<size_t>(TaskKind::kGpuOp)]; };
  auto on_cpu = [](const CriticalPathSummary& p) {
    return p.by_task_kind[static_cast<size_t>(TaskKind::kApiCall)] +
           p.by_task_kind[static_cast<size_t>(TaskKind::kCpuWork)];
  };
  out.checks = {iteration_check(out),
                path_check("GPU time on the critical path", per_iteration(before, on_gpu(bp)),
                           per_iteration(after, on_gpu(np)), out),
                path_check("CPU overhead on the critical path (API calls and CPU work)",
                           per_iteration(before, on_cpu(bp)), per_iteration(after, on_cpu(np)), out),
                bound_check(out.critical_path)};
  return out;
}

}  // namespace dd
