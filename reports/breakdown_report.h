// `daydream breakdown`: renders a Breakdown (breakdown_metrics.h) as terminal text or as one
// JSON object. Both give times in ms per iteration (the analysed total divided by the number
// of analysed iterations) and shares of the matching total.
#pragma once

#include <algorithm>
#include <ostream>
#include <string>

#include "reports/breakdown_metrics.h"
#include "reports/text_table.h"

namespace dd {

// Totals over the analysed windows, shown per iteration (for every rendering: text, JSON,
// HTML).
class PerIteration {
 public:
  explicit PerIteration(const Breakdown& b) : n_(std::max<size_t>(b.windows, 1)) {}
  TimeNs time(TimeNs total) const { return total / static_cast<TimeNs>(n_); }
  std::string ms(TimeNs total) const { return format_ms(time(total)); }
  double ms_value(TimeNs total) const { return static_cast<double>(total) / 1e6 / n(); }
  double count_value(uint64_t total) const { return static_cast<double>(total) / n(); }
  std::string count(uint64_t total) const {
    return total % n_ == 0 ? format_count(total / n_) : format_fixed(count_value(total), 1);
  }

 private:
  double n() const { return static_cast<double>(n_); }
  size_t n_;
};

void print_breakdown_text(const Breakdown& breakdown, std::ostream& out);
void print_breakdown_json(const Breakdown& breakdown, std::ostream& out);

}  // namespace dd
