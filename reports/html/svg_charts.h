// SVG chart primitives for the HTML reports, each returning one inline <svg> element (no
// scripts, no external references; hover text through SVG <title> elements):
//  - svg_bar_chart: horizontal bars, one row per label and one bar per series side by side —
//    a single series is a plain bar chart (time per phase or layer); two series compare
//    (measured vs predicted, base vs new);
//  - svg_timeline: one lane per resource (CPU thread, GPU stream), drawn one pixel column at a
//    time: each column takes the color of the category that keeps it busiest, shaded by how
//    busy it is, and equal neighbours share one rectangle — so a lane never holds more
//    rectangles than it is pixels wide however many tasks the window holds, and a stretch of
//    short, sparse kernels reads as paler than a stretch of back-to-back ones;
//  - svg_line_chart: a time series per series (memory in use over an iteration), as steps or
//    lines, with an optional marked moment (the peak).
// The data structures are plain, not graph types, so every command's page can fill them.
// All text is escaped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collector/trace/trace.h"

namespace dd::html {

struct Series {
  std::string name;
  std::string color;  // CSS color, e.g. "#4e79a7"
};

struct BarChart {
  struct Row {
    std::string label;
    std::vector<double> values;  // one per series; negative values draw as zero
  };
  std::string title;
  std::string unit;  // written after each value, e.g. "ms"
  std::vector<Series> series;
  std::vector<Row> rows;
};

std::string svg_bar_chart(const BarChart& chart);

struct TimelineBox {
  TimeNs start = 0;
  TimeNs end = 0;
  uint8_t category = 0;    // index into TimelineChart::categories
  bool light = false;      // drawn paler (e.g. CPU work between CUDA calls)
  std::string_view label;  // hover text when the box stays alone; must outlive the rendering
};

struct TimelineLane {
  std::string name;
  std::vector<TimelineBox> boxes;  // by start time
};

struct TimelineChart {
  std::string title;
  TimeNs begin = 0;  // the window shown; boxes are clipped to it
  TimeNs end = 0;
  TimeNs axis_length = 0;  // 0: end - begin; longer: put several charts on one time scale
  std::vector<Series> categories;  // the legend; TimelineBox::category indexes it
  std::string light_meaning;       // legend text for light boxes; empty: none in the chart
  std::vector<TimelineLane> lanes;
};

std::string svg_timeline(const TimelineChart& chart);

struct LineChart {
  std::string title;
  std::string x_unit;  // axis units, e.g. "ms" and "MB"
  std::string y_unit;
  std::vector<Series> series;
  std::vector<std::vector<std::pair<double, double>>> points;  // per series, x ascending
  bool steps = true;  // a value holds until the next point (memory in use), or a straight line
  std::optional<double> marker_x;  // a vertical line, e.g. at the peak
  std::string marker_label;
};

std::string svg_line_chart(const LineChart& chart);

}  // namespace dd::html
