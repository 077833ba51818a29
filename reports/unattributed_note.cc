// What a breakdown says about GPU time in no layer (see unattributed_note.h).
#include "reports/unattributed_note.h"

#include <algorithm>
#include <cmath>

namespace dd {

namespace {

std::string percent(double share) { return std::to_string(std::lround(100 * share)) + "%"; }

bool has_framework_ops(const Trace& trace) {
  const auto& kinds = trace.ranges.kind;
  return std::find(kinds.begin(), kinds.end(), RangeKind::kFrameworkOp) != kinds.end();
}

// What records layers for work of `phase` in `trace`.
std::string remedy(const Trace& trace, Phase phase) {
  switch (trace.format) {
    case TraceFormat::kDaydreamSqlite:
      if (phase == Phase::kBackward) {
        return "this recording marks no module on the autograd thread (recorded with "
               "`--annotate none`, or by a daydream that marked modules in the forward only); "
               "this daydream's `record` marks where each module's backward begins there";
      }
      return "record with `daydream record --annotate modules` (or `ops`)";
    case TraceFormat::kNsysSqlite:
      return "an Nsight Systems export has layers only from NVTX ranges: profile with "
             "torch.autograd.profiler.emit_nvtx(), or record with `daydream record`";
    case TraceFormat::kKinetoJson:
      if (!has_framework_ops(trace)) {
        return "the trace has no framework ops at all: profile with ProfilerActivity.CPU as "
               "well as CUDA";
      }
      return "the PyTorch profiler records framework ops around the work launched inside them; "
             "work launched outside any (CUDA graph replays, custom launchers) has no layer";
    case TraceFormat::kUnknown: break;
  }
  return "the trace records no module or framework op around these launches";
}

}  // namespace

std::string unattributed_note(const Trace& trace, const UnattributedGpu& unattributed,
                              TimeNs gpu_time) {
  TimeNs total = 0;
  for (TimeNs time : unattributed.by_phase) total += time;
  if (gpu_time <= 0 || static_cast<double>(total) < kUnattributedNoteShare * static_cast<double>(gpu_time)) {
    return "";
  }
  std::string share = percent(static_cast<double>(total) / static_cast<double>(gpu_time));
  if (2 * unattributed.without_launch >= total) {
    return share + " of the GPU time is in no layer: the trace records no launch for most of it "
           "(a trace of GPU activity alone, or launch records lost), so nothing says which "
           "layer asked for it";
  }
  auto most = std::max_element(unattributed.by_phase.begin(), unattributed.by_phase.end());
  Phase phase = static_cast<Phase>(most - unattributed.by_phase.begin());
  return share + " of the GPU time is in no layer, " +
         percent(static_cast<double>(*most) / static_cast<double>(total)) + " of that in " +
         std::string(phase_name(phase)) + ": no module or framework op encloses the calls that "
         "launched it; " + remedy(trace, phase);
}

}  // namespace dd
