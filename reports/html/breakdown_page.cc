// The breakdown HTML page (see breakdown_page.h).
#include "reports/html/breakdown_page.h"

#include "reports/breakdown_report.h"
#include "reports/html/html_document.h"
#include "reports/html/resource_timeline.h"
#include "reports/html/svg_charts.h"
#include "reports/text_table.h"

namespace dd::html {

namespace {

const Series kGpuSeries{"GPU time", "#4e79a7"};
const Series kCpuSeries{"CPU time", "#f28e2b"};

std::string ms_text(double ms) {
  return format_fixed(ms, 3) + " ms";
}

std::string percent_of(TimeNs part, TimeNs whole) {
  return format_percent(whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0);
}

// GPU and CPU time of each row, per iteration.
BarChart gpu_cpu_bars(std::string title, const std::vector<BreakdownRow>& rows,
                      const PerIteration& per) {
  BarChart chart{std::move(title), "ms", {kGpuSeries, kCpuSeries}, {}};
  for (const BreakdownRow& row : rows) {
    chart.rows.push_back({row.name, {per.ms_value(row.gpu_time), per.ms_value(row.cpu_time)}});
  }
  return chart;
}

void add_summary(Document& page, const Breakdown& b, const PerIteration& per) {
  TimeNs idle = b.gpu.all_streams.idle_total();
  page.summary({
      {"timeline analysed", b.measured ? "measured" : "replayed"},
      {"analysed", b.scope},
      {"iteration time (median)", ms_text(static_cast<double>(b.steady_state) / 1e6)},
      {"GPU time per iteration (all ops)", ms_text(per.ms_value(b.gpu_time))},
      {"CPU time per iteration (all threads)", ms_text(per.ms_value(b.cpu_time))},
      {"GPU idle per iteration (no stream busy)",
       ms_text(per.ms_value(idle)) + " (" + percent_of(idle, b.window_time) + ")"},
      {"critical path per iteration", ms_text(per.ms_value(b.critical_path.length))},
      {"verdict", std::string(verdict_name(b.verdict))},
  });
  page.note("verdict rule: " + verdict_rule());
  if (std::string check = replay_check_line(b); !check.empty()) page.note(check);
  if (b.replay_check) page.warning(trust_warning(b.replay_check->trust, "every what-if prediction on this trace"));
}

void add_timeline(Document& page, const Breakdown& b, const Graph& graph, const Timeline& timeline) {
  TimeWindow window = iteration_window(graph, timeline, representative_iteration(graph, timeline));
  page.heading(window.iteration < 0 ? "Timeline" : "Timeline of one steady-state iteration");
  page.note(std::string(b.measured ? "The measured run of " : "The replayed (simulated) run of ") +
            describe_window(window) +
            "; one lane per CPU thread and GPU stream, colored by phase. Hover a box for its "
            "task, or for how many tasks a box merges.");
  page.raw(svg_timeline(resource_timeline(graph, timeline, window, window.name)));
}

void add_critical_path(Document& page, const Breakdown& b, const PerIteration& per) {
  BarChart chart{"Critical path per iteration by resource", "ms", {{"time", "#e15759"}}, {}};
  for (const CriticalPathResource& r : b.critical_path.by_resource) {
    chart.rows.push_back({r.name, {per.ms_value(r.time)}});
  }
  chart.rows.push_back({"(launch latency, gaps)", {per.ms_value(b.critical_path.wait_time)}});
  page.heading("Critical path");
  page.raw(svg_bar_chart(chart));
  page.raw(svg_bar_chart(gpu_cpu_bars("Critical path per iteration by layer",
                                      b.critical_path.by_layer, per)));
}

void add_operators(Document& page, const Breakdown& b) {
  if (b.operators.empty()) return;
  ReportTable table = operator_rows(b);
  page.heading("Operators");
  page.note("Per iteration, the top framework ops by GPU time; launch delay: from a launch "
            "call's start to its op's start on the GPU.");
  page.table(table.header, table.rows);
  if (std::string note = operator_work_note(b); !note.empty()) page.note(note);
}

void add_gpu_activity(Document& page, const Breakdown& b) {
  ReportTable table = gpu_idle_rows(b);
  page.heading("GPU busy and idle");
  page.note("Per iteration. Idle time is charged to what the op that ended it waited for: its "
            "launch (host), an op on another stream, or neither (other).");
  page.table(table.header, table.rows);
  for (const std::string& line : {communication_line(b), launch_queue_line(b)}) {
    if (!line.empty()) page.paragraph(line);
  }
  const LaunchQueue& q = b.gpu.queue;
  if (!q.present || q.series.empty()) return;
  LineChart chart{"Launch queue over the first analysed iteration (largest in each step)", "ms",
                  "ops", {kGpuSeries}, {{}}, true, {}, ""};
  for (size_t i = 0; i < q.series.size(); ++i) {
    double x = static_cast<double>(static_cast<TimeNs>(i) * q.series_step) / 1e6;
    chart.points[0].emplace_back(x, static_cast<double>(q.series[i]));
  }
  page.raw(svg_line_chart(chart));
}

void add_top_kernels(Document& page, const Breakdown& b, const PerIteration& per) {
  std::vector<std::vector<std::string>> rows;
  for (const BreakdownRow& row : b.top_kernels) {
    rows.push_back({row.name, row.kernel_class, per.count(row.gpu_ops), per.ms(row.gpu_time),
                    percent_of(row.gpu_time, b.gpu_time)});
  }
  page.heading("Top kernels by GPU time");
  page.table({"kernel", "class", "count", "GPU ms", "share"}, rows, 2);
}

}  // namespace

void write_breakdown_html(const Breakdown& breakdown, const Graph& graph,
                          const Timeline& timeline, std::string_view source, std::ostream& out) {
  PerIteration per(breakdown);
  Document page("daydream breakdown", source);
  add_summary(page, breakdown, per);
  add_timeline(page, breakdown, graph, timeline);

  page.heading("Where the time goes");
  page.note("Per iteration. GPU time: GPU ops; CPU time: CUDA API calls and CPU work on all "
            "threads (CPU time includes time spent waiting in synchronizing calls).");
  page.raw(svg_bar_chart(gpu_cpu_bars("Time per phase", breakdown.phases, per)));
  page.raw(svg_bar_chart(gpu_cpu_bars(
      "Time per layer (grouped by " + std::string(layer_grouping_name(breakdown.group_by)) + ")",
      breakdown.layers, per)));
  if (!breakdown.unattributed_note.empty()) page.note(breakdown.unattributed_note);
  BarChart classes{"GPU time per kernel class", "ms", {kGpuSeries}, {}};
  for (const BreakdownRow& row : breakdown.kernel_classes) {
    classes.rows.push_back({row.name, {per.ms_value(row.gpu_time)}});
  }
  page.raw(svg_bar_chart(classes));
  add_operators(page, breakdown);
  add_gpu_activity(page, breakdown);
  add_critical_path(page, breakdown, per);
  add_top_kernels(page, breakdown, per);
  page.write(out);
}

}  // namespace dd::html
