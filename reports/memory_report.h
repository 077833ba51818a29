// `daydream memory`: renders a MemoryBreakdown (memory_metrics.h) as terminal text or as one
// JSON object — the peak and what it consists of per category (with each category's rule),
// the peak per iteration, the layers and ops holding the most at the peak, memory over time
// (JSON), and what the trace cannot tell.
#pragma once

#include <ostream>

#include "reports/memory_metrics.h"

namespace dd {

void print_memory_text(const MemoryBreakdown& breakdown, std::ostream& out);
void print_memory_json(const MemoryBreakdown& breakdown, std::ostream& out);

}  // namespace dd
