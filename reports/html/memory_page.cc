// The memory HTML page (see memory_page.h).
#include "reports/html/memory_page.h"

#include <array>
#include <string>

#include "reports/html/html_document.h"
#include "reports/html/svg_charts.h"
#include "reports/text_table.h"

namespace dd::html {

namespace {

// One color per MemoryCategory, in enum order.
constexpr std::array<std::string_view, kMemoryCategoryCount> kCategoryColors = {
    "#4e79a7", "#bab0ac", "#f28e2b", "#e15759", "#76b7b2", "#9d9d9d", "#59a14f"};
constexpr double kMiB = 1024.0 * 1024.0;

MemoryCategory category_at(size_t i) {
  return static_cast<MemoryCategory>(i);
}

double mib(int64_t bytes) {
  return static_cast<double>(bytes) / kMiB;
}

double ms_since(TimeNs time, TimeNs origin) {
  return static_cast<double>(time - origin) / 1e6;
}

std::string bytes_text(int64_t bytes) {
  return format_bytes(static_cast<double>(bytes));
}

void add_summary(Document& page, const MemoryBreakdown& b) {
  std::vector<std::pair<std::string, std::string>> items;
  items.emplace_back("GPU", std::to_string(b.device));
  items.emplace_back("allocator events", format_count(b.events) + " (" +
                                             format_count(b.allocations) + " allocations, " +
                                             format_count(b.frees) + " frees)");
  items.emplace_back("peak allocated", peak_statement(b));
  items.emplace_back("allocated before the trace", before_trace_statement(b));
  items.emplace_back("peak at", format_ms(b.peak_time - b.first_event) +
                                    " ms after the first allocator event (" + b.peak_site + ")");
  if (b.peak_recorded_total >= 0) {
    items.emplace_back("the allocator's own total there", bytes_text(b.peak_recorded_total));
  }
  if (b.peak_reserved >= 0) items.emplace_back("reserved at the peak", bytes_text(b.peak_reserved));
  page.summary(items);
}

// Allocated memory over time: the total, and each category shown.
void add_over_time(Document& page, const MemoryBreakdown& b) {
  LineChart chart;
  chart.title = "Allocated memory over time";
  chart.x_unit = "ms";
  chart.y_unit = "MiB";
  chart.series.push_back({"total", "#000000"});
  chart.points.emplace_back();
  for (const MemorySample& sample : b.series) {
    chart.points.back().emplace_back(ms_since(sample.time, b.first_event), mib(sample.total()));
  }
  for (size_t i = 0; i < kMemoryCategoryCount; ++i) {
    if (!memory_category_shown(b, category_at(i))) continue;
    chart.series.push_back(
        {memory_category_label(b, category_at(i)), std::string(kCategoryColors[i])});
    chart.points.emplace_back();
    for (const MemorySample& sample : b.series) {
      chart.points.back().emplace_back(ms_since(sample.time, b.first_event), mib(sample.bytes[i]));
    }
  }
  chart.marker_x = ms_since(b.peak_time, b.first_event);
  chart.marker_label = "peak " + bytes_text(b.peak_bytes);
  page.heading("Memory over time");
  page.note("Milliseconds after the first allocator event; " + std::to_string(b.series.size()) +
            " samples, the peak included.");
  page.raw(svg_line_chart(chart));
}

void add_categories(Document& page, const MemoryBreakdown& b) {
  page.heading("What the peak consists of");
  BarChart chart{"Allocated at the peak, by category", "MiB", {{"at peak", "#4e79a7"}}, {}};
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < kMemoryCategoryCount; ++i) {
    MemoryCategory category = category_at(i);
    if (!memory_category_shown(b, category)) continue;
    std::string label = memory_category_label(b, category);
    chart.rows.push_back({label, {mib(b.at_peak[i])}});
    rows.push_back({label, bytes_text(b.at_peak[i]),
                    b.categories_known ? std::string(memory_category_rule(category)) : ""});
  }
  page.raw(svg_bar_chart(chart));
  page.table({"category", "at peak", "rule"}, rows);
}

void add_iteration_peaks(Document& page, const MemoryBreakdown& b) {
  if (b.iteration_peaks.empty()) return;
  BarChart chart{"Peak allocated per iteration", "MiB", {{"peak", "#f28e2b"}}, {}};
  for (const IterationPeak& peak : b.iteration_peaks) {
    chart.rows.push_back({peak.name, {mib(peak.peak_bytes)}});
  }
  page.heading("Peak per iteration");
  page.raw(svg_bar_chart(chart));
}

void add_holders(Document& page, const std::vector<MemoryHolder>& holders, std::string title,
                 std::string group) {
  if (holders.empty()) return;
  BarChart chart{title, "MiB", {{"live at peak", "#59a14f"}}, {}};
  std::vector<std::vector<std::string>> rows;
  for (const MemoryHolder& holder : holders) {
    chart.rows.push_back({holder.name, {mib(holder.bytes)}});
    rows.push_back({holder.name, bytes_text(holder.bytes), format_count(holder.blocks)});
  }
  page.heading(title);
  page.raw(svg_bar_chart(chart));
  page.table({std::move(group), "live at peak", "blocks"}, rows);
}

}  // namespace

void write_memory_html(const MemoryBreakdown& breakdown, std::string_view source,
                       std::ostream& out) {
  const MemoryBreakdown& b = breakdown;
  Document page("daydream memory", source);
  add_summary(page, b);
  if (!b.peak_exceeds_device) {  // else the totals over time are known to be wrong
    add_over_time(page, b);
    add_categories(page, b);
    add_iteration_peaks(page, b);
  }
  if (b.categories_known && !b.peak_exceeds_device) {
    add_holders(page, b.layers_at_peak, "Held at the peak, by the layer that allocated it",
                "layer");
    add_holders(page, b.ops_at_peak, "Held at the peak, by the framework op that allocated it",
                "op");
  }
  if (!b.limitations.empty()) {
    page.heading("What this trace cannot tell");
    for (const std::string& line : b.limitations) page.paragraph(line);
  }
  page.write(out);
}

}  // namespace dd::html
