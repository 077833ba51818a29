// Two-sided bars of ChangeRows (see change_bars.h).
#include "reports/html/change_bars.h"

namespace dd::html {

namespace {

double ms_value(TimeNs ns) {
  return static_cast<double>(ns) / 1e6;
}

}  // namespace

BarChart change_bars(std::string title, const std::vector<ChangeRow>& rows, ChangeSide side,
                     const Series& before, const Series& after) {
  BarChart chart{std::move(title), "ms", {before, after}, {}};
  for (const ChangeRow& row : rows) {
    chart.rows.push_back(
        {row.name, side == ChangeSide::kGpu
                       ? std::vector{ms_value(row.gpu_replay), ms_value(row.gpu_predicted)}
                       : std::vector{ms_value(row.cpu_replay), ms_value(row.cpu_predicted)}});
  }
  return chart;
}

}  // namespace dd::html
