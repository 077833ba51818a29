// SVG chart rendering (see svg_charts.h). Fixed 1200-px-wide coordinate systems that scale
// with the page (viewBox); axes get "nice" ticks (1, 2 or 5 times a power of ten).
#include "reports/html/svg_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "reports/html/html_document.h"

namespace dd::html {

namespace {

constexpr double kWidth = 1200;
constexpr double kTitleHeight = 26;
constexpr double kLegendHeight = 20;
constexpr double kAxisHeight = 30;
constexpr size_t kBarLabelChars = 50;
constexpr size_t kLaneLabelChars = 30;
constexpr size_t kHoverLabelChars = 160;
constexpr double kLightOpacity = 0.4;
constexpr std::string_view kGridColor = "#e6e6e6";

std::string fixed(double value, int decimals) {
  char text[48];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

std::string px(double value) {
  return fixed(value, 1);
}

// A value as a reader wants it: three significant figures or more, no exponent.
std::string readable(double value) {
  double magnitude = std::fabs(value);
  return fixed(value, magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3);
}

// An axis tick label: as few decimals as the step needs.
std::string tick_label(double value, double step) {
  int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step)));
  return fixed(value, std::min(decimals, 6));
}

double nice_step(double range, int target_ticks) {
  if (!(range > 0)) return 1;
  double raw = range / target_ticks;
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double normalized = raw / magnitude;
  double nice = normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10;
  return nice * magnitude;
}

std::string truncated(std::string_view text, size_t max_chars) {
  if (text.size() <= max_chars) return std::string(text);
  return std::string(text.substr(0, max_chars - 3)) + "...";
}

void open_svg(std::string& svg, double height, std::string_view title) {
  svg += "<svg width=\"" + px(kWidth) + "\" height=\"" + px(height) + "\" viewBox=\"0 0 " +
         px(kWidth) + " " + px(height) + "\" role=\"img\" aria-label=\"" + escape(title) + "\">\n";
  svg += "<text class=\"title\" x=\"0\" y=\"17\">" + escape(title) + "</text>\n";
}

// One legend entry per series in a row under the title, starting at x.
void legend(std::string& svg, const std::vector<Series>& series, double y, double x = 0) {
  for (const Series& s : series) {
    svg += "<rect x=\"" + px(x) + "\" y=\"" + px(y) + "\" width=\"12\" height=\"12\" fill=\"" +
           escape(s.color) + "\"/>";
    svg += "<text x=\"" + px(x + 16) + "\" y=\"" + px(y + 10.5) + "\">" + escape(s.name) +
           "</text>\n";
    x += 16 + 7.2 * static_cast<double>(s.name.size()) + 22;
  }
}

void text(std::string& svg, double x, double y, std::string_view anchor, std::string_view cls,
          std::string_view content, std::string_view hover = {}) {
  svg += "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\"";
  if (anchor != "start") svg += " text-anchor=\"" + std::string(anchor) + "\"";
  if (!cls.empty()) svg += " class=\"" + std::string(cls) + "\"";
  svg += ">";
  if (!hover.empty()) svg += "<title>" + escape(hover) + "</title>";
  svg += escape(content) + "</text>\n";
}

void line(std::string& svg, double x1, double y1, double x2, double y2, std::string_view color,
          std::string_view extra = {}) {
  svg += "<line x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) + "\" y2=\"" +
         px(y2) + "\" stroke=\"" + std::string(color) + "\"";
  if (!extra.empty()) svg += " " + std::string(extra);
  svg += "/>\n";
}

// Vertical grid lines and tick labels of a linear axis from 0 to `axis_max` (in `unit`).
void vertical_grid(std::string& svg, double left, double width, double top, double bottom,
                   double axis_max, double step, std::string_view unit) {
  for (int i = 0; i * step <= axis_max * (1 + 1e-9); ++i) {
    double value = i * step;
    double x = left + value / axis_max * width;
    line(svg, x, top, x, bottom, kGridColor);
    std::string label = tick_label(value, step);
    if (i == 0 && !unit.empty()) label += " " + std::string(unit);
    text(svg, x, bottom + 14, "middle", "axis", label);
  }
}

// --- timeline lanes, one pixel column at a time ---

// What one pixel column of a lane holds: busy time per (category, light) key, and the tasks
// that start in it.
struct LaneColumns {
  size_t keys = 0;
  std::vector<TimeNs> busy;  // column * keys + key
  std::vector<uint32_t> starts;
  std::vector<std::string_view> last_label;  // of the last task starting in the column
};

// A run of adjacent columns drawn as one rectangle.
struct LaneRun {
  size_t first = 0;
  size_t last = 0;
  size_t key = 0;
  int shade = 0;  // 1..kShades: how much of the run's columns is busy
  uint64_t tasks = 0;
  TimeNs busy = 0;
  std::string_view label;
};

constexpr int kShades = 4;

LaneColumns fill_columns(const TimelineLane& lane, const TimelineChart& chart, size_t columns,
                         double column_ns) {
  LaneColumns c;
  c.keys = 2 * std::max<size_t>(chart.categories.size(), 1);
  c.busy.assign(columns * c.keys, 0);
  c.starts.assign(columns, 0);
  c.last_label.assign(columns, {});
  for (const TimelineBox& box : lane.boxes) {
    TimeNs start = std::max(box.start, chart.begin);
    TimeNs end = std::min(box.end, chart.end);
    if (end < start) continue;
    size_t key = std::min<size_t>(box.category, c.keys / 2 - 1) * 2 + (box.light ? 1 : 0);
    auto column_of = [&](TimeNs t) {
      return std::min(columns - 1, static_cast<size_t>(static_cast<double>(t - chart.begin) / column_ns));
    };
    size_t first = column_of(start);
    ++c.starts[first];
    c.last_label[first] = box.label;
    for (size_t col = first; col <= column_of(end); ++col) {
      double column_start = static_cast<double>(chart.begin) + static_cast<double>(col) * column_ns;
      double overlap = std::min(static_cast<double>(end), column_start + column_ns) -
                       std::max(static_cast<double>(start), column_start);
      if (overlap > 0) c.busy[col * c.keys + key] += static_cast<TimeNs>(overlap);
    }
  }
  return c;
}

// The run a column starts: its dominant key and shade; nullopt for an empty column.
std::optional<LaneRun> column_run(const LaneColumns& c, size_t col, double column_ns) {
  TimeNs total = 0;
  size_t key = 0;
  for (size_t k = 0; k < c.keys; ++k) {
    total += c.busy[col * c.keys + k];
    if (c.busy[col * c.keys + k] > c.busy[col * c.keys + key]) key = k;
  }
  if (total == 0 && c.starts[col] == 0) return std::nullopt;
  int shade = std::clamp(
      static_cast<int>(std::lround(kShades * static_cast<double>(total) / column_ns)), 1, kShades);
  return LaneRun{col, col, key, shade, c.starts[col], total, c.last_label[col]};
}

void draw_run(std::string& svg, const LaneRun& run, const TimelineChart& chart, double left,
              double column_px, double y, double height) {
  const Series* category = run.key / 2 < chart.categories.size() ? &chart.categories[run.key / 2]
                                                                  : nullptr;
  std::string name = category ? category->name : std::string("tasks");
  std::string busy = readable(static_cast<double>(run.busy) / 1e6) + " ms";
  std::string hover = run.tasks == 1 && !run.label.empty()
                          ? truncated(run.label, kHoverLabelChars) + " (" + name + ", " + busy + ")"
                          : name + ": " + std::to_string(run.tasks) + " tasks, " + busy + " busy";
  double opacity = (run.key % 2 == 1 ? kLightOpacity : 1.0) * run.shade / kShades;
  svg += "<rect x=\"" + px(left + static_cast<double>(run.first) * column_px) + "\" y=\"" +
         px(y) + "\" width=\"" + px(static_cast<double>(run.last - run.first + 1) * column_px) +
         "\" height=\"" +
         px(height) + "\" fill=\"" + escape(category ? category->color : "#888") + "\"";
  if (opacity < 1.0) svg += " fill-opacity=\"" + fixed(opacity, 2) + "\"";
  svg += "><title>" + escape(hover) + "</title></rect>\n";
}

// A lane as runs of pixel columns: each column takes the key that keeps it busiest, shaded by
// how busy it is; adjacent columns of the same key and shade share one rectangle.
void draw_lane(std::string& svg, const TimelineLane& lane, const TimelineChart& chart,
               double left, size_t columns, double column_ns, double column_px, double y,
               double height) {
  LaneColumns c = fill_columns(lane, chart, columns, column_ns);
  std::optional<LaneRun> open;
  for (size_t col = 0; col < columns; ++col) {
    std::optional<LaneRun> next = column_run(c, col, column_ns);
    if (open && next && next->key == open->key && next->shade == open->shade) {
      open->last = col;
      open->tasks += next->tasks;
      open->busy += next->busy;
      if (next->tasks > 0) open->label = next->label;
      continue;
    }
    if (open) draw_run(svg, *open, chart, left, column_px, y, height);
    open = next;
  }
  if (open) draw_run(svg, *open, chart, left, column_px, y, height);
}

}  // namespace

std::string svg_bar_chart(const BarChart& chart) {
  constexpr double kLabelWidth = 340;
  constexpr double kValueWidth = 100;
  constexpr double kBarHeight = 13;
  constexpr double kBarGap = 2;
  constexpr double kGroupGap = 9;
  const double plot_width = kWidth - kLabelWidth - kValueWidth;
  const size_t series = std::max<size_t>(chart.series.size(), 1);
  const double group_height =
      static_cast<double>(series) * (kBarHeight + kBarGap) - kBarGap + kGroupGap;
  const double top = kTitleHeight + (chart.series.size() > 1 ? kLegendHeight : 0) + 4;
  const double bottom = top + static_cast<double>(chart.rows.size()) * group_height;

  double max_value = 0;
  for (const auto& row : chart.rows) {
    for (double v : row.values) max_value = std::max(max_value, v);
  }
  double step = nice_step(max_value > 0 ? max_value : 1, 5);
  double axis_max = std::max(step, std::ceil(max_value / step) * step);

  std::string svg;
  open_svg(svg, bottom + kAxisHeight, chart.title);
  if (chart.series.size() > 1) legend(svg, chart.series, kTitleHeight, kLabelWidth);
  vertical_grid(svg, kLabelWidth, plot_width, top - 4, bottom, axis_max, step, chart.unit);
  for (size_t r = 0; r < chart.rows.size(); ++r) {
    const BarChart::Row& row = chart.rows[r];
    double y = top + static_cast<double>(r) * group_height;
    double label_y = y + (group_height - kGroupGap) / 2 + 4;
    text(svg, kLabelWidth - 8, label_y, "end", "", truncated(row.label, kBarLabelChars),
         row.label.size() > kBarLabelChars ? std::string_view(row.label) : std::string_view());
    for (size_t s = 0; s < row.values.size() && s < series; ++s) {
      double value = std::max(row.values[s], 0.0);
      double width = value / axis_max * plot_width;
      double bar_y = y + static_cast<double>(s) * (kBarHeight + kBarGap);
      std::string color = s < chart.series.size() ? chart.series[s].color : "#4e79a7";
      std::string hover = row.label;
      if (s < chart.series.size() && chart.series.size() > 1) hover += ", " + chart.series[s].name;
      hover += ": " + readable(row.values[s]) + " " + chart.unit;
      svg += "<rect x=\"" + px(kLabelWidth) + "\" y=\"" + px(bar_y) + "\" width=\"" +
             fixed(std::max(width, 0.5), 2) + "\" height=\"" + px(kBarHeight) + "\" fill=\"" +
             escape(color) + "\"><title>" + escape(hover) + "</title></rect>\n";
      text(svg, kLabelWidth + width + 5, bar_y + kBarHeight - 2.5, "start", "axis",
           readable(row.values[s]) + " " + chart.unit);
    }
  }
  svg += "</svg>";
  return svg;
}

std::string svg_timeline(const TimelineChart& chart) {
  constexpr double kLabelWidth = 210;
  constexpr double kLaneHeight = 16;
  constexpr double kLaneGap = 6;
  const double plot_width = kWidth - kLabelWidth - 20;
  const double top = kTitleHeight + kLegendHeight + 6;
  const double bottom =
      top + static_cast<double>(chart.lanes.size()) * (kLaneHeight + kLaneGap) - kLaneGap;
  TimeNs window = std::max<TimeNs>(chart.end - chart.begin, 1);
  TimeNs axis = std::max(chart.axis_length, window);
  double scale = plot_width / static_cast<double>(axis);
  double axis_ms = static_cast<double>(axis) / 1e6;
  double step = nice_step(axis_ms, 10);

  std::string svg;
  open_svg(svg, bottom + kAxisHeight, chart.title);
  legend(svg, chart.categories, kTitleHeight, kLabelWidth);
  if (!chart.light_meaning.empty()) {
    double x = kWidth - 20 - 7.0 * static_cast<double>(chart.light_meaning.size()) - 16;
    svg += "<rect x=\"" + px(x) + "\" y=\"" + px(kTitleHeight) +
           "\" width=\"12\" height=\"12\" fill=\"#777\" fill-opacity=\"" + fixed(kLightOpacity, 2) +
           "\"/>";
    text(svg, x + 16, kTitleHeight + 10.5, "start", "", chart.light_meaning);
  }
  vertical_grid(svg, kLabelWidth, plot_width, top - 3, bottom, axis_ms, step, "ms");
  double window_width = static_cast<double>(window) * scale;
  auto columns = static_cast<size_t>(std::max(1.0, std::ceil(window_width)));
  double column_ns = static_cast<double>(window) / static_cast<double>(columns);
  for (size_t l = 0; l < chart.lanes.size(); ++l) {
    const TimelineLane& lane = chart.lanes[l];
    double y = top + static_cast<double>(l) * (kLaneHeight + kLaneGap);
    text(svg, kLabelWidth - 8, y + kLaneHeight - 4, "end", "", truncated(lane.name, kLaneLabelChars),
         lane.name.size() > kLaneLabelChars ? std::string_view(lane.name) : std::string_view());
    svg += "<rect x=\"" + px(kLabelWidth) + "\" y=\"" + px(y) + "\" width=\"" + px(window_width) +
           "\" height=\"" + px(kLaneHeight) + "\" fill=\"#f4f4f4\"/>\n";
    draw_lane(svg, lane, chart, kLabelWidth, columns, column_ns,
              window_width / static_cast<double>(columns), y, kLaneHeight);
  }
  svg += "</svg>";
  return svg;
}

std::string svg_line_chart(const LineChart& chart) {
  constexpr double kLeft = 90;
  constexpr double kPlotHeight = 260;
  const double plot_width = kWidth - kLeft - 20;
  const double top = kTitleHeight + kLegendHeight + 8;
  const double bottom = top + kPlotHeight;

  double x_min = INFINITY, x_max = -INFINITY, y_max = 0;
  for (const auto& points : chart.points) {
    for (const auto& [x, y] : points) {
      x_min = std::min(x_min, x);
      x_max = std::max(x_max, x);
      y_max = std::max(y_max, y);
    }
  }
  if (!(x_min < x_max)) {
    x_min = std::isfinite(x_min) ? x_min : 0;
    x_max = x_min + 1;
  }
  double y_step = nice_step(y_max > 0 ? y_max : 1, 5);
  double y_axis = std::max(y_step, std::ceil(y_max / y_step) * y_step);
  double x_step = nice_step(x_max - x_min, 10);
  auto x_of = [&](double x) { return kLeft + (x - x_min) / (x_max - x_min) * plot_width; };
  auto y_of = [&](double y) { return bottom - std::max(y, 0.0) / y_axis * kPlotHeight; };

  std::string svg;
  open_svg(svg, bottom + kAxisHeight + 6, chart.title);
  legend(svg, chart.series, kTitleHeight, kLeft);
  for (int i = 0; i * y_step <= y_axis * (1 + 1e-9); ++i) {
    double y = y_of(i * y_step);
    line(svg, kLeft, y, kLeft + plot_width, y, kGridColor);
    std::string label = tick_label(i * y_step, y_step);
    if (i == 0) label += " " + chart.y_unit;
    text(svg, kLeft - 6, y + 4, "end", "axis", label);
  }
  double first_tick = std::ceil(x_min / x_step) * x_step;
  for (double x = first_tick; x <= x_max * (1 + 1e-12) + 1e-12; x += x_step) {
    line(svg, x_of(x), bottom, x_of(x), bottom + 4, "#999");
    std::string label = tick_label(x, x_step);
    if (x == first_tick) label += " " + chart.x_unit;
    text(svg, x_of(x), bottom + 17, "middle", "axis", label);
  }
  line(svg, kLeft, bottom, kLeft + plot_width, bottom, "#999");
  for (size_t s = 0; s < chart.points.size(); ++s) {
    const auto& points = chart.points[s];
    if (points.empty()) continue;
    std::string path = "M" + px(x_of(points[0].first)) + " " + px(y_of(points[0].second));
    for (size_t i = 1; i < points.size(); ++i) {
      if (chart.steps) {
        path += "H" + px(x_of(points[i].first)) + "V" + px(y_of(points[i].second));
      } else {
        path += "L" + px(x_of(points[i].first)) + " " + px(y_of(points[i].second));
      }
    }
    std::string color = s < chart.series.size() ? chart.series[s].color : "#4e79a7";
    svg += "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + escape(color) +
           "\" stroke-width=\"1.6\"/>\n";
  }
  if (chart.marker_x) {
    double x = x_of(*chart.marker_x);
    line(svg, x, top, x, bottom, "#c0392b", "stroke-dasharray=\"4 3\"");
    text(svg, x + 4, top + 12, "start", "", chart.marker_label);
  }
  svg += "</svg>";
  return svg;
}

}  // namespace dd::html
