// Breakdown comparison (see breakdown_change.h): rows matched by name into per-iteration
// changes and ranked by how much they changed.
#include "reports/breakdown_change.h"

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

namespace dd {

namespace {

// Where one breakdown's times go in a ChangeRow.
struct Side {
  const Breakdown& breakdown;
  TimeNs ChangeRow::*gpu;
  TimeNs ChangeRow::*cpu;
};

class RowMatcher {
 public:
  void add(const Side& side, const std::vector<BreakdownRow>& rows) {
    for (const BreakdownRow& row : rows) {
      auto [it, inserted] = index_.try_emplace(row.name, rows_.size());
      if (inserted) rows_.push_back({.name = row.name});
      ChangeRow& change = rows_[it->second];
      change.*side.gpu += per_iteration(side.breakdown, row.gpu_time);
      change.*side.cpu += per_iteration(side.breakdown, row.cpu_time);
    }
  }
  std::vector<ChangeRow> take() { return std::move(rows_); }

 private:
  std::vector<ChangeRow> rows_;  // in first-seen order
  std::unordered_map<std::string, size_t> index_;
};

TimeNs time_before(const ChangeRow& row) {
  return row.gpu_replay + row.cpu_replay;
}

}  // namespace

TimeNs gpu_change_key(const ChangeRow& row) {
  return std::abs(row.gpu_change());
}

TimeNs total_change_key(const ChangeRow& row) {
  return std::abs(row.gpu_change()) + std::abs(row.cpu_change());
}

TimeNs per_iteration(const Breakdown& b, TimeNs total) {
  return total / static_cast<TimeNs>(std::max<size_t>(b.windows, 1));
}

ChangeRow total_change(const Breakdown& before, const Breakdown& after, std::string name) {
  return {std::move(name), per_iteration(before, before.gpu_time),
          per_iteration(after, after.gpu_time), per_iteration(before, before.cpu_time),
          per_iteration(after, after.cpu_time)};
}

CriticalPathChange critical_path_change(const Breakdown& before, const Breakdown& after) {
  return {per_iteration(before, before.critical_path.length),
          per_iteration(after, after.critical_path.length), before.verdict, after.verdict};
}

std::vector<ChangeRow> match_rows(const Breakdown& before, const Breakdown& after,
                                  BreakdownRows rows) {
  RowMatcher matcher;
  matcher.add({before, &ChangeRow::gpu_replay, &ChangeRow::cpu_replay}, before.*rows);
  matcher.add({after, &ChangeRow::gpu_predicted, &ChangeRow::cpu_predicted}, after.*rows);
  return matcher.take();
}

void sort_by_change(std::vector<ChangeRow>& rows, ChangeKey key) {
  std::sort(rows.begin(), rows.end(), [key](const ChangeRow& a, const ChangeRow& b) {
    if (key(a) != key(b)) return key(a) > key(b);
    if (time_before(a) != time_before(b)) return time_before(a) > time_before(b);
    return a.name < b.name;
  });
}

std::vector<ChangeRow> layer_changes(std::vector<ChangeRow> all, size_t keep) {
  std::vector<ChangeRow> tail;
  for (std::string_view name : kNoLayerRows) {
    auto row = std::find_if(all.begin(), all.end(), [name](const ChangeRow& r) { return r.name == name; });
    if (row == all.end()) continue;
    tail.push_back(std::move(*row));
    all.erase(row);
  }
  sort_by_change(all, total_change_key);
  if (all.size() > keep) {
    ChangeRow rest{.name = "(" + std::to_string(all.size() - keep) + " more layers)"};
    for (size_t i = keep; i < all.size(); ++i) {
      rest.gpu_replay += all[i].gpu_replay;
      rest.gpu_predicted += all[i].gpu_predicted;
      rest.cpu_replay += all[i].cpu_replay;
      rest.cpu_predicted += all[i].cpu_predicted;
    }
    all.resize(keep);
    all.push_back(std::move(rest));
  }
  all.insert(all.end(), tail.begin(), tail.end());
  return all;
}

}  // namespace dd
