// `daydream advise --html`: the advice as one self-contained page — the run and whether its
// replay holds, the ranked suggestions as bars and as a table (predicted iteration, speedup,
// what changes on the critical path, confidence, memory), what could not apply and what would
// make it apply, the GPU sweep with costs, and the top suggestion's predicted timeline beside
// the measured and replayed ones on one time scale.
#pragma once

#include <optional>
#include <ostream>
#include <string_view>

#include "reports/advise_report.h"
#include "reports/html/whatif_page.h"

namespace dd::html {

// `top_suggestion`: the timelines of the top row's prediction (none when nothing ranked).
void write_advise_html(const Advice& advice, const std::optional<WhatIfTimelines>& top_suggestion,
                       size_t top, std::string_view source, std::ostream& out);

}  // namespace dd::html
