// The diff HTML page (see diff_page.h).
#include "reports/html/diff_page.h"

#include <algorithm>
#include <string>
#include <tuple>

#include "reports/diff_tables.h"
#include "reports/html/change_bars.h"
#include "reports/html/html_document.h"
#include "reports/html/resource_timeline.h"
#include "reports/html/svg_charts.h"
#include "reports/text_table.h"

namespace dd::html {

namespace {

const Series kBase{"base", "#4e79a7"};
const Series kNew{"new", "#e15759"};

double ms_value(TimeNs ns) {
  return static_cast<double>(ns) / 1e6;
}

void add_summary(Document& page, const DiffResult& r) {
  page.heading("Iteration time: " + diff_verdict(r));
  for (const std::string& line : diff_summary_lines(r)) page.paragraph(line);
  page.warning(diff_trust_lines(r));
  BarChart times{"Measured steady-state iteration time (median)", "ms", {kBase, kNew}, {}};
  times.rows = {{"iteration", {ms_value(r.base.median), ms_value(r.next.median)}}};
  page.raw(svg_bar_chart(times));
  page.heading("Checks");
  page.note("The exit status follows the iteration-time check only.");
  for (const std::string& line : diff_check_lines(r)) page.paragraph(line);
}

// A typical measured iteration of each trace, on one time scale.
void add_timelines(Document& page, const DiffSide& base, const DiffSide& next) {
  TimeWindow base_window = typical_window(base.graph, base.measured);
  TimeWindow new_window = typical_window(next.graph, next.measured);
  TimeNs axis = std::max(base_window.end - base_window.start, new_window.end - new_window.start);
  page.heading("A typical iteration of each trace, as recorded");
  page.note("On one time scale, colored by phase; hover a box for its task. Base: " +
            describe_window(base_window) + ". New: " + describe_window(new_window) + ".");
  for (auto [label, side, window] :
       {std::tuple{"base", &base, &base_window}, std::tuple{"new", &next, &new_window}}) {
    TimelineChart chart = resource_timeline(side->graph, side->measured, *window,
                                            std::string(label) + ", " + window->name + ": " +
                                                format_ms(window->end - window->start) + " ms");
    chart.axis_length = axis;
    page.raw(svg_timeline(chart));
  }
}

BarChart contributor_bars(const DiffResult& r) {
  BarChart chart{"Critical path per iteration, by contributor (largest change first)",
                 "ms",
                 {kBase, kNew},
                 {}};
  for (const DiffContributor& c : r.contributors) {
    chart.rows.push_back({c.name, {ms_value(c.base), ms_value(c.next)}});
  }
  return chart;
}

}  // namespace

void write_diff_html(const DiffResult& result, const DiffSide& base, const DiffSide& next,
                     std::ostream& out) {
  Document page("daydream diff", result.base_name + " -> " + result.new_name);
  add_summary(page, result);
  add_timelines(page, base, next);
  page.heading("Why: the change explained");
  page.note(
      "From the replays of both traces, per iteration: the critical path split into GPU "
      "time per kernel class, CUDA API calls, CPU work and waiting adds up to the change.");
  page.raw(svg_bar_chart(contributor_bars(result)));
  page.raw(svg_bar_chart(
      change_bars("GPU time per phase", result.phases, ChangeSide::kGpu, kBase, kNew)));
  page.raw(svg_bar_chart(
      change_bars("CPU time per phase", result.phases, ChangeSide::kCpu, kBase, kNew)));
  page.raw(svg_bar_chart(change_bars("GPU time per kernel class", result.kernel_classes,
                                     ChangeSide::kGpu, kBase, kNew)));
  for (const ReportTable& table : diff_tables(result)) {
    page.heading(table.title);
    page.table(table.header, table.rows);
  }
  page.write(out);
}

}  // namespace dd::html
