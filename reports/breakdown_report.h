// `daydream breakdown`: renders a Breakdown (breakdown_metrics.h) as terminal text or as one
// JSON object (breakdown_json.cc), and builds the tables that the text and the HTML page
// (html/breakdown_page.h) both show. Times are in ms per iteration (the analysed total divided
// by the number of analysed iterations) with shares of the matching total.
#pragma once

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

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

// `part` of `whole` as a fraction; 0 when `whole` is not positive.
double share(TimeNs part, TimeNs whole);
// The mean of `total` over `count` in microseconds; 0 when `count` is 0.
double mean_us(TimeNs total, uint64_t count);

// Critical-path task time on resources of `kind`.
inline TimeNs path_kind_time(const CriticalPathSummary& path, ResourceKind kind) {
  return path.by_kind[static_cast<size_t>(kind)];
}

// Tables shared by the text and HTML renderings (ReportTable, text_table.h): cells already
// formatted.
ReportTable operator_rows(const Breakdown& breakdown);  // the per-operator table
// What the operator table's work columns mean, for this breakdown; "" without them.
std::string operator_work_note(const Breakdown& breakdown);
ReportTable gpu_idle_rows(const Breakdown& breakdown);  // busy and idle causes per stream
// One line each on communication overlap and on the launch queue; "" when not present.
std::string communication_line(const Breakdown& breakdown);
std::string launch_queue_line(const Breakdown& breakdown);
// The replay beside the measured run; "" when the breakdown has no replay check.
std::string replay_check_line(const Breakdown& breakdown);

void print_breakdown_text(const Breakdown& breakdown, std::ostream& out);
void print_breakdown_json(const Breakdown& breakdown, std::ostream& out);

}  // namespace dd
