// `daydream breakdown`: renders a Breakdown (breakdown_metrics.h) as terminal text or as one
// JSON object. Both give times in ms per iteration (the analysed total divided by the number
// of analysed iterations) and shares of the matching total.
#pragma once

#include <ostream>

#include "reports/breakdown_metrics.h"

namespace dd {

void print_breakdown_text(const Breakdown& breakdown, std::ostream& out);
void print_breakdown_json(const Breakdown& breakdown, std::ostream& out);

}  // namespace dd
