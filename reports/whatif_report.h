// `daydream whatif`: renders a WhatIfResult (whatif_metrics.h) as terminal text or as one JSON
// object — the models applied (and plainly, any that could not apply, with the reason), the
// measured, replayed and predicted iteration times, the speedup, and the change per phase,
// layer and kernel class in ms per steady-state iteration.
#pragma once

#include <ostream>
#include <string>

#include "reports/whatif_metrics.h"

namespace dd {

// "1.234x", or "unbounded" when the prediction takes no time.
std::string speedup_text(double speedup);
// One applied model as "name (k=v, k=v)".
std::string model_call(const AppliedModelSummary& model);

void print_whatif_text(const WhatIfResult& result, std::ostream& out);
void print_whatif_json(const WhatIfResult& result, std::ostream& out);

// A what-if whose last model left a run that cannot run (AppliedModelSummary::timed false):
// the models applied and why no time is predicted.
void print_whatif_not_timed_text(const std::vector<AppliedModelSummary>& applied,
                                 std::ostream& out);
void print_whatif_not_timed_json(const std::vector<AppliedModelSummary>& applied,
                                 std::ostream& out);

}  // namespace dd
