// `daydream memory --html`: a memory breakdown as one self-contained HTML page — the peak and
// where it happens, allocated memory over time per category (stacked as the allocator's total),
// what the peak consists of, the peak per iteration, the layers and ops holding the most at
// the peak, and what the trace cannot tell. The same numbers as the text report.
#pragma once

#include <ostream>
#include <string_view>

#include "reports/memory_metrics.h"

namespace dd::html {

void write_memory_html(const MemoryBreakdown& breakdown, std::string_view source,
                       std::ostream& out);

}  // namespace dd::html
