// Interval arithmetic over analysed windows (see time_windows.h).
#include "reports/time_windows.h"

#include <algorithm>
#include <iterator>

#include "simulator/saturating_time.h"

namespace dd {

std::vector<Span> merge_spans(std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.start < b.start; });
  std::vector<Span> merged;
  for (const Span& s : spans) {
    if (!merged.empty() && s.start <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, s.end);
    } else {
      merged.push_back(s);
    }
  }
  return merged;
}

TimeNs covered_time(const std::vector<Span>& merged, const std::vector<Span>& windows) {
  TimeNs total = 0;
  for (const Span& w : windows) {
    auto it = std::partition_point(merged.begin(), merged.end(),
                                   [&w](const Span& s) { return s.end <= w.start; });
    for (; it != merged.end() && it->start < w.end; ++it) {
      TimeNs part = elapsed_saturated(std::max(it->start, w.start), std::min(it->end, w.end));
      total = add_saturated(total, part);
    }
  }
  return total;
}

std::vector<Span> intersect_spans(const std::vector<Span>& a, const std::vector<Span>& b) {
  std::vector<Span> overlap;
  auto i = a.begin(), j = b.begin();
  while (i != a.end() && j != b.end()) {
    TimeNs start = std::max(i->start, j->start), end = std::min(i->end, j->end);
    if (start < end) overlap.push_back({start, end});
    if (i->end < j->end) {
      ++i;
    } else {
      ++j;
    }
  }
  return overlap;
}

bool in_windows(const std::vector<Span>& windows, TimeNs time) {
  auto after = std::partition_point(windows.begin(), windows.end(),
                                    [time](const Span& w) { return w.start <= time; });
  return after != windows.begin() && time < std::prev(after)->end;
}

}  // namespace dd
