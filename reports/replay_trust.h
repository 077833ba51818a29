// The trust signal: every prediction is "the replay, rewritten", so a replay that misses the
// measured iteration time by more than kTrustedReplayErrorPct makes every simulated number
// built on it doubtful. assess_replay measures the miss on the analysed (steady-state)
// iterations and names its likely causes from what the graph knows it could not model: GPU ops
// that waited for something the trace does not record (they started later than every recorded
// dependency allowed), dependencies inferred without records, GPU ops without a launch, broken
// dependency cycles, a trace without iteration markers. Every command that shows simulated
// numbers (replay, whatif, diff, export --replay, the HTML pages) prints it where it shows them,
// and their JSON carries it as "trust".
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph.h"
#include "reports/json_writer.h"

namespace dd {

// The replay error above which simulated numbers are flagged as not trustworthy (the bar of the
// corpus fidelity benchmark, bench/corpus).
inline constexpr double kTrustedReplayErrorPct = 5.0;

struct ReplayTrust {
  double error_pct = 0;  // signed: (simulated - measured) / measured, analysed iterations
  bool trusted = true;   // |error_pct| <= kTrustedReplayErrorPct
  TimeNs unrecorded_wait_ns = 0;  // GPU time spent waiting for what the trace does not record
  std::vector<std::string> causes;  // of a miss, most likely first; empty when trusted or unknown
};

// (simulated - measured) / measured in percent, signed; 0 when nothing was measured.
double replay_error_pct(TimeNs measured, TimeNs simulated);

ReplayTrust assess_replay(const Graph& graph, TimeNs measured, TimeNs simulated,
                          uint64_t forced_starts = 0);

// Nothing when the replay is trusted; otherwise the warning's lines, naming `what` it puts in
// doubt (e.g. "the prediction"): the miss first, then the likely causes.
std::vector<std::string> trust_warning(const ReplayTrust& trust, std::string_view what);
void print_trust_text(const ReplayTrust& trust, std::string_view what, std::ostream& out);
// `key`: {"replay_error_pct", "bar_pct", "trusted", "unrecorded_gpu_wait_ms", "causes"}.
void write_trust_json(const ReplayTrust& trust, JsonWriter& json, std::string_view key = "trust");

}  // namespace dd
