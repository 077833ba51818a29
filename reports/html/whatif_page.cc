// The what-if HTML page (see whatif_page.h).
#include "reports/html/whatif_page.h"

#include <algorithm>
#include <tuple>

#include "reports/html/change_bars.h"
#include "reports/html/html_document.h"
#include "reports/html/resource_timeline.h"
#include "reports/html/svg_charts.h"
#include "reports/text_table.h"
#include "reports/whatif_report.h"

namespace dd::html {

namespace {

const Series kReplayed{"replayed", "#4e79a7"};
const Series kPredicted{"predicted", "#e15759"};

double ms_value(TimeNs ns) {
  return static_cast<double>(ns) / 1e6;
}

std::string ms_text(TimeNs ns) {
  return format_ms(ns) + " ms";
}

void add_summary(Document& page, const WhatIfResult& r) {
  page.warning(trust_warning(r.trust, "the prediction"));
  for (const AppliedModelSummary& model : r.applied) {
    if (!model.caution.empty()) page.warning({"caution, " + model_call(model) + ": " + model.caution});
  }
  std::vector<std::pair<std::string, std::string>> items;
  for (const AppliedModelSummary& model : r.applied) {
    items.emplace_back(model_call(model),
                       (model.applicable ? "" : "not applicable, nothing changed: ") + model.summary);
  }
  items.emplace_back("measured iteration", ms_text(r.measured));
  items.emplace_back("replayed iteration", ms_text(r.replayed) + " (" +
                                               format_fixed(r.trust.error_pct, 2) +
                                               "% vs measured: the simulator's own error)");
  items.emplace_back("predicted iteration", ms_text(r.predicted));
  items.emplace_back("speedup (replayed / predicted)", speedup_text(r.speedup));
  items.emplace_back("critical path per iteration",
                     ms_text(r.critical_path.replay) + " -> " + ms_text(r.critical_path.predicted) +
                         ", " + std::string(verdict_name(r.critical_path.replay_verdict)) + " -> " +
                         std::string(verdict_name(r.critical_path.predicted_verdict)));
  items.emplace_back("changes cover", r.scope);
  page.summary(items);
  BarChart times{"Iteration time (steady state)", "ms", {{"iteration", "#4e79a7"}}, {}};
  times.rows = {{"measured", {ms_value(r.measured)}},
                {"replayed", {ms_value(r.replayed)}},
                {"predicted", {ms_value(r.predicted)}}};
  page.raw(svg_bar_chart(times));
}

void add_change_table(Document& page, const std::vector<ChangeRow>& rows) {
  std::vector<std::vector<std::string>> table;
  for (const ChangeRow& row : rows) {
    table.push_back({row.name, format_ms(row.gpu_replay), format_ms(row.gpu_predicted),
                     format_ms(row.gpu_change()), format_ms(row.cpu_replay),
                     format_ms(row.cpu_predicted), format_ms(row.cpu_change())});
  }
  page.table({"layer", "GPU replayed ms", "GPU predicted ms", "GPU change", "CPU replayed ms",
              "CPU predicted ms", "CPU change"},
             table);
}

}  // namespace

// A typical iteration of each timeline (their lengths are the medians the summary reports),
// measured, replayed and predicted, on one time scale.
void add_whatif_timelines(Document& page, const WhatIfTimelines& t) {
  TimeWindow measured = typical_window(t.graph, t.measured);
  TimeWindow replayed = typical_window(t.graph, t.replayed);
  TimeWindow predicted = typical_window(t.transformed, t.predicted);
  TimeNs axis = std::max({measured.end - measured.start, replayed.end - replayed.start,
                          predicted.end - predicted.start});
  bool whole_trace = replayed.iteration < 0;
  page.heading(whole_trace ? "Timelines" : "Timelines of a typical steady-state iteration");
  page.note(std::string("As the trace recorded it, as the simulator replays it unchanged, and as "
                        "predicted with the models applied, on one time scale: a shorter "
                        "predicted lane is the saving. ") +
            (whole_trace ? "The whole trace: it has no iteration markers."
                         : "Each is the steady-state iteration closest to its own median.") +
            " Colored by phase; hover a box for its task.");
  for (auto [label, graph, timeline, window] :
       {std::tuple{"measured", &t.graph, &t.measured, &measured},
        std::tuple{"replayed", &t.graph, &t.replayed, &replayed},
        std::tuple{"predicted", &t.transformed, &t.predicted, &predicted}}) {
    TimelineChart chart = resource_timeline(
        *graph, *timeline, *window,
        std::string(label) + ", " + window->name + ": " + ms_text(window->end - window->start));
    chart.axis_length = axis;
    page.raw(svg_timeline(chart));
  }
}

void write_whatif_html(const WhatIfResult& result, const WhatIfTimelines& timelines,
                       std::string_view source, std::ostream& out) {
  Document page("daydream what-if", source);
  add_summary(page, result);
  add_whatif_timelines(page, timelines);

  page.heading("Replayed vs predicted, per iteration");
  page.note(
      "Changes are measured against the replay, so they show what the models change, "
      "not the simulator's own error. GPU time: GPU ops; CPU time: CUDA API calls and CPU "
      "work on all threads.");
  page.raw(svg_bar_chart(
      change_bars("GPU time per phase", result.phases, ChangeSide::kGpu, kReplayed, kPredicted)));
  page.raw(svg_bar_chart(
      change_bars("CPU time per phase", result.phases, ChangeSide::kCpu, kReplayed, kPredicted)));
  page.raw(svg_bar_chart(change_bars("GPU time per layer (most changed first)", result.layers,
                                     ChangeSide::kGpu, kReplayed, kPredicted)));
  page.raw(svg_bar_chart(change_bars("GPU time per kernel class", result.kernel_classes,
                                     ChangeSide::kGpu, kReplayed, kPredicted)));
  page.heading("Layers, most changed first");
  add_change_table(page, result.layers);
  page.write(out);
}

}  // namespace dd::html
