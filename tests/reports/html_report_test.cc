// HTML reports: pages and charts are well-formed (every tag closed in order), self-contained
// (no scripts, no http(s) references), escape text from traces, and hold the charts they
// promise; timeline boxes merge so a chart stays small however many tasks it covers.
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bundled_traces.h"
#include "reports/breakdown_metrics.h"
#include "reports/html/breakdown_page.h"
#include "reports/html/diff_page.h"
#include "reports/html/html_document.h"
#include "reports/html/memory_page.h"
#include "reports/html/svg_charts.h"
#include "reports/html/whatif_page.h"
#include "reports/whatif_metrics.h"
#include "simulator/simulator.h"
#include "tiny_graph.h"
#include "transforms/whatif_model.h"

using dd::KernelClass;
using dd::Phase;
using dd::TaskKind;

namespace {

bool is_void_element(const std::string& name) {
  return name == "meta" || name == "br" || name == "img" || name == "hr" || name == "link" ||
         name == "input";
}

// Checks that every element is closed, in order; returns the first problem, or "".
std::string tag_problem(const std::string& html) {
  std::vector<std::string> open;
  size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string::npos) {
    if (html.compare(pos, 2, "<!") == 0) {  // doctype
      pos = html.find('>', pos);
      continue;
    }
    size_t end = html.find('>', pos);
    if (end == std::string::npos) return "unterminated tag at " + std::to_string(pos);
    std::string tag = html.substr(pos + 1, end - pos - 1);
    bool closing = tag.starts_with("/");
    bool self_closing = tag.ends_with("/");
    std::string name = tag.substr(closing ? 1 : 0);
    name = name.substr(0, name.find_first_of(" /\n"));
    if (name.empty() || name.find_first_of("<\"'&") != std::string::npos) {
      return "bad tag <" + tag + ">";
    }
    if (closing) {
      if (open.empty() || open.back() != name) {
        return "</" + name + "> closes <" + (open.empty() ? "nothing" : open.back()) + ">";
      }
      open.pop_back();
    } else if (!self_closing && !is_void_element(name)) {
      open.push_back(name);
    }
    pos = end + 1;
    if (name == "style" && !closing) pos = html.find("</style>", pos);  // CSS is not markup
  }
  return open.empty() ? "" : "<" + open.back() + "> never closed";
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

void check_self_contained(const std::string& html) {
  INFO(html.substr(0, 400));
  CHECK(tag_problem(html).empty());
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.starts_with("<!DOCTYPE html>"));
}

}  // namespace

TEST_CASE("The well-formedness check catches what it must", "[reports][html]") {
  CHECK(tag_problem("<p><b>x</b></p>").empty());
  CHECK_FALSE(tag_problem("<p><b>x</p></b>").empty());
  CHECK_FALSE(tag_problem("<p>x").empty());
  CHECK_FALSE(tag_problem("<p>a <vector<float>> b</p>").empty());  // unescaped kernel name
  CHECK(tag_problem("<svg><rect x=\"1\"/></svg>").empty());
}

TEST_CASE("Documents escape every text they are given", "[reports][html]") {
  dd::html::Document page("t <&> \"q\"", "void f<float>(a&b)");
  page.heading("<h2>");
  page.paragraph("x < y && y > z");
  page.summary({{"<k>", "<v>"}});
  page.table({"<kernel>", "ms"}, {{"at::native::vectorized<float>", "1.0"}});
  std::string html = page.str();
  check_self_contained(html);
  CHECK(html.find("void f&lt;float&gt;(a&amp;b)") != std::string::npos);
  CHECK(html.find("at::native::vectorized&lt;float&gt;") != std::string::npos);
  CHECK(html.find("<float>") == std::string::npos);
  CHECK(html.find("&quot;q&quot;") != std::string::npos);
}

TEST_CASE("Bar, line and timeline charts are well-formed SVG", "[reports][html]") {
  using namespace dd::html;
  BarChart bars{"Time per <layer>", "ms", {{"replayed", "#4e79a7"}, {"predicted", "#e15759"}},
                {{"conv<1>", {2.5, 1.25}}, {"fc", {0.5, 0.5}}, {"empty", {0, 0}}}};
  std::string bar_svg = svg_bar_chart(bars);
  CHECK(tag_problem(bar_svg).empty());
  CHECK(count(bar_svg, "<rect") == 3 * 2 + 2);  // a bar per row and series, a legend swatch per series
  CHECK(bar_svg.find("conv&lt;1&gt;") != std::string::npos);
  CHECK(bar_svg.find("2.50 ms") != std::string::npos);

  LineChart line{"Memory in use", "ms", "MB", {{"allocated", "#4e79a7"}},
                 {{{0, 10}, {1, 30}, {2, 20}}}, true, 1.0, "peak 30 MB"};
  std::string line_svg = svg_line_chart(line);
  CHECK(tag_problem(line_svg).empty());
  CHECK(line_svg.find("<path d=\"M") != std::string::npos);
  CHECK(line_svg.find("peak 30 MB") != std::string::npos);
  CHECK(line_svg.find("stroke-dasharray") != std::string::npos);

  CHECK(tag_problem(svg_bar_chart(BarChart{})).empty());
  CHECK(tag_problem(svg_line_chart(LineChart{})).empty());
  CHECK(tag_problem(svg_timeline(TimelineChart{})).empty());
}

TEST_CASE("Timeline lanes draw pixel columns: many tiny tasks become one shaded rectangle",
          "[reports][html]") {
  using namespace dd::html;
  TimelineChart chart;
  chart.begin = 0;
  chart.end = 970'000;  // the 970-pixel plot: one column per microsecond
  chart.categories = {{"forward", "#4e79a7"}, {"backward", "#f28e2b"}};
  TimelineLane lane{"stream 7", {}};
  for (dd::TimeNs t = 0; t < 500'000; t += 100) lane.boxes.push_back({t, t + 50, 0, false, "k"});
  lane.boxes.push_back({600'000, 700'000, 1, false, "bwd<kernel>"});
  chart.lanes.push_back(lane);
  std::string svg = svg_timeline(chart);
  CHECK(tag_problem(svg).empty());
  // 5000 forward boxes 50 ns apart (half busy) become one rectangle at half shade; the
  // backward box stays whole; plus the lane background and two legend swatches.
  CHECK(count(svg, "<rect") == 1 + 1 + 1 + 2);
  CHECK(svg.find("forward: 5000 tasks, 0.250 ms busy") != std::string::npos);
  CHECK(svg.find("fill-opacity=\"0.50\"><title>forward") != std::string::npos);
  CHECK(svg.find("bwd&lt;kernel&gt; (backward, 0.100 ms)") != std::string::npos);
}

TEST_CASE("Breakdown page of a hand-built run escapes kernel names and holds its charts",
          "[reports][html]") {
  dd::test::TinyGraph t;
  t.cpu_task(TaskKind::kApiCall, 10, Phase::kForward, "conv<1>");
  t.gpu_op(t.gpu, 100, "void gemm<float, 128>(A&B)", KernelClass::kGemm, Phase::kForward,
           "conv<1>");
  dd::Timeline timeline = dd::simulate(t.graph, 0);
  dd::Breakdown breakdown = dd::compute_breakdown(t.graph, timeline);
  std::ostringstream out;
  dd::html::write_breakdown_html(breakdown, t.graph, timeline, "trace: a&b.json", out);
  std::string html = out.str();
  check_self_contained(html);
  CHECK(html.find("void gemm&lt;float, 128&gt;(A&amp;B)") != std::string::npos);
  CHECK(html.find("gemm<float") == std::string::npos);
  CHECK(html.find("conv&lt;1&gt;") != std::string::npos);
  CHECK(html.find("trace: a&amp;b.json") != std::string::npos);
  CHECK(count(html, "<svg") >= 5);  // timeline, phases, layers, classes, streams, critical path
}

TEST_CASE("What-if page of a real trace shows three timelines",
          "[reports][html][golden]") {
  const dd::Graph& graph = dd::test::bundled_graph("resnet50_v100_rank0.pt.trace.json.gz");
  dd::TimeNs origin = dd::graph_origin(graph);
  dd::Graph transformed(graph);
  auto model = dd::parse_apply("amp:dtype=fp16");
  REQUIRE(model);
  auto outcome = model->model->apply(transformed, model->arguments);
  REQUIRE(outcome);
  dd::Timeline measured = dd::measured_timeline(graph);
  dd::Timeline replayed = dd::simulate(graph, origin);
  dd::Timeline predicted = dd::simulate(transformed, origin);
  dd::WhatIfResult result = dd::compare_whatif(graph, measured, replayed, transformed, predicted,
                                               {{"amp", {{"dtype", "fp16"}}, outcome->applicable, outcome->summary}});
  std::ostringstream out;
  dd::html::write_whatif_html(result, {graph, measured, replayed, transformed, predicted},
                              "trace: resnet", out);
  std::string html = out.str();
  check_self_contained(html);
  CHECK(html.find(">measured, ProfilerStep#") != std::string::npos);
  CHECK(html.find(">replayed, ProfilerStep#") != std::string::npos);
  CHECK(html.find(">predicted, ProfilerStep#") != std::string::npos);
  CHECK(count(html, "<svg") >= 3 + 5);
  // A real iteration holds thousands of tasks; merging keeps the page small.
  CHECK(html.size() < 1'000'000);
}

TEST_CASE("Memory page shows the categories the trace can tell, escaped", "[reports][html]") {
  dd::MemoryBreakdown b;
  b.device = 0;
  b.categories_known = true;
  b.peak_bytes = 3 << 20;
  b.at_peak[static_cast<size_t>(dd::MemoryCategory::kWeights)] = 1 << 20;
  b.at_peak[static_cast<size_t>(dd::MemoryCategory::kActivations)] = 2 << 20;
  b.layers_at_peak = {{"model.conv<1>", 2 << 20, 4}};
  b.series = {dd::MemorySample{0, b.at_peak}};
  std::ostringstream known;
  dd::html::write_memory_html(b, "trace: m.json", known);
  std::string html = known.str();
  check_self_contained(html);
  CHECK(html.find("model.conv&lt;1&gt;") != std::string::npos);
  CHECK(html.find(">weights<") != std::string::npos);
  CHECK(html.find("Held at the peak, by the layer") != std::string::npos);
  CHECK(count(html, "<svg") >= 3);  // over time, categories, layers

  b.categories_known = false;  // no addresses: only the total in the trace is known
  b.limitations = {"no addresses: allocations cannot be paired with their frees"};
  std::ostringstream unknown;
  dd::html::write_memory_html(b, "trace: m.json", unknown);
  html = unknown.str();
  check_self_contained(html);
  CHECK(html.find("allocated in the trace (unknown)") != std::string::npos);
  CHECK(html.find(">weights<") == std::string::npos);
  CHECK(html.find("Held at the peak") == std::string::npos);
  CHECK(html.find("no addresses: allocations cannot be paired") != std::string::npos);
}

TEST_CASE("Diff page of a hand-built run shows both timelines and the verdict",
          "[reports][html]") {
  dd::test::TinyGraph t;
  t.cpu_task(TaskKind::kApiCall, 10, Phase::kForward, "conv<1>");
  t.gpu_op(t.gpu, 100, "void gemm<float>(A&B)", KernelClass::kGemm, Phase::kForward, "conv<1>");
  dd::Timeline measured = dd::measured_timeline(t.graph);
  dd::Timeline replayed = dd::simulate(t.graph, 0);
  dd::DiffSide base{"base<.json", t.graph, measured, replayed};
  dd::DiffSide next{"new.json", t.graph, measured, replayed};
  dd::DiffResult result = dd::compare_runs(base, next, 2.0);
  std::ostringstream out;
  dd::html::write_diff_html(result, base, next, out);
  std::string html = out.str();
  check_self_contained(html);
  CHECK(html.find("base&lt;.json -&gt; new.json") != std::string::npos);
  CHECK(html.find(">base, ") != std::string::npos);
  CHECK(html.find(">new, ") != std::string::npos);
  CHECK(html.find("void gemm&lt;float&gt;(A&amp;B)") != std::string::npos);
  CHECK(count(html, "<svg") >= 2 + 4);  // two timelines; iteration, contributors, phases, classes
}
