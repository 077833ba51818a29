// The numbers behind `daydream diff BASE NEW`: how the iteration time of one training loop
// changed between two traces (before and after a commit), whether that is a regression, and
// why. diff_report.h renders a DiffResult as text, Markdown, JSON or JUnit XML; an HTML
// renderer can take the same struct.
//
// The verdict is on the measured steady-state iteration time (iteration_metrics.h: the median
// of the later half of the marked iterations) and is noise-aware. The rule:
//   change     = median(NEW) - median(BASE) over the steady-state iterations
//   noise band = half the spread (max - min) of BASE's steady-state iterations
//                + half the spread of NEW's
//   regressed  = change > threshold% of median(BASE)  and  change > noise band
//   improved   = the same, the other way
// A change within the noise band is reported as noise, never as a regression. With one
// steady-state iteration per trace the spread is unknown (0) and only the threshold applies;
// the result says so.
//
// The explanation comes from the replays of both graphs (which reproduce the measured runs,
// see `daydream replay`), so it counts time exactly like `daydream breakdown`:
//   - contributors: the change of the critical path per iteration, split into parts that add
//     up to it — GPU time on the path per kernel class, CUDA API calls (launch overhead) and
//     CPU work (framework, Python, data) on the path, and waiting (launch latency, gaps); the
//     iteration time follows the critical path, so these explain the iteration-time change;
//   - whether the critical path moved (GPU-bound <-> CPU-bound);
//   - GPU and CPU time per phase, layer and kernel class; the kernels whose time changed most;
//     kernels added and removed (matched by name and class).
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"
#include "reports/breakdown_change.h"
#include "reports/replay_trust.h"
#include "simulator/timeline.h"

namespace dd {

inline constexpr double kDefaultRegressionThresholdPct = 2.0;
inline constexpr size_t kDiffTopKernels = 10;

// One trace of the comparison: its graph, measured timeline and replay.
struct DiffSide {
  std::string name;  // the file, as the user gave it
  const Graph& graph;
  const Timeline& measured;
  const Timeline& replayed;
};

// The measured steady-state iterations of one trace.
struct IterationSpread {
  TimeNs median = 0;
  TimeNs shortest = 0;
  TimeNs longest = 0;
  size_t samples = 0;
  TimeNs half_spread() const { return (longest - shortest) / 2; }
};

// One part of the critical-path change per iteration.
struct DiffContributor {
  std::string name;  // "gemm", "CUDA API calls", ...
  std::string kind;  // "kernel_class", "cpu_api", "cpu_work", "wait"
  TimeNs base = 0;
  TimeNs next = 0;
  TimeNs delta() const { return next - base; }
};

// GPU time and launches of one kernel (name and class) per iteration in each trace.
struct KernelChange {
  std::string name;
  std::string kernel_class;
  TimeNs base = 0;
  TimeNs next = 0;
  double base_count = 0;
  double next_count = 0;
  TimeNs delta() const { return next - base; }
};

// One pass/fail check, as a CI system shows it (a JUnit test case).
struct DiffCheck {
  std::string name;
  bool passed = true;
  std::string message;
};

struct DiffResult {
  std::string base_name, new_name;
  IterationSpread base, next;        // measured
  TimeNs base_replayed = 0;          // replayed steady-state iteration times
  TimeNs new_replayed = 0;
  TimeNs change = 0;                 // next.median - base.median
  double change_pct = 0;
  double threshold_pct = kDefaultRegressionThresholdPct;
  TimeNs noise_band = 0;
  bool noise_known = false;          // both traces have several steady-state iterations
  bool within_noise = false;        // noise known and |change| within the band
  bool regressed = false;
  bool improved = false;
  std::string base_scope, new_scope;  // which iterations were analysed, in words
  ReplayTrust base_trust, new_trust;  // whether each replay the explanation builds on holds

  std::vector<DiffContributor> contributors;  // largest |delta| first; they sum to the
                                              // critical-path change
  CriticalPathChange critical_path;
  ChangeRow total;
  std::vector<ChangeRow> phases;          // one per Phase
  std::vector<ChangeRow> layers;          // top kTopChangedLayers by change, rest, no-layer rows
  std::vector<ChangeRow> kernel_classes;  // by |GPU change|
  std::vector<KernelChange> kernels;      // top kDiffTopKernels by |change|, changed only
  std::vector<KernelChange> added;        // in NEW only, by time (all of them)
  std::vector<KernelChange> removed;      // in BASE only, by time (all of them)
  std::vector<DiffCheck> checks;          // the iteration-time check first
};

// The regression rule in words (the header comment's rule, for the outputs).
std::string diff_noise_rule();

DiffResult compare_runs(const DiffSide& base, const DiffSide& next, double threshold_pct);

}  // namespace dd
