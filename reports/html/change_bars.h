// Bars comparing two sides of a ChangeRow list (breakdown_change.h) — replayed vs predicted for
// a what-if page, base vs new for a diff page — one row per group, GPU or CPU time.
#pragma once

#include <string>
#include <vector>

#include "reports/breakdown_change.h"
#include "reports/html/svg_charts.h"

namespace dd::html {

enum class ChangeSide : uint8_t { kGpu, kCpu };

// `before` names and colors the rows' replay side, `after` their predicted side.
BarChart change_bars(std::string title, const std::vector<ChangeRow>& rows, ChangeSide side,
                     const Series& before, const Series& after);

}  // namespace dd::html
