// `daydream diff --html`: a diff of two traces as one self-contained HTML page — the verdict and
// summary lines, the checks, a typical measured iteration of each trace on one time scale, and
// base-vs-new bars for the critical-path contributors, phases and kernel classes, followed by
// the same tables as the text and Markdown reports (diff_tables.h).
#pragma once

#include <ostream>
#include <string_view>

#include "reports/diff_metrics.h"

namespace dd::html {

void write_diff_html(const DiffResult& result, const DiffSide& base, const DiffSide& next,
                     std::ostream& out);

}  // namespace dd::html
