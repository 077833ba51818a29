// Text and JSON renderings of a MemoryBreakdown (`daydream memory`).
#include "reports/memory_report.h"

#include <string>

#include "reports/json_writer.h"
#include "reports/text_table.h"

namespace dd {

namespace {

constexpr size_t kHolderNameWidth = 70;

double ms_since(TimeNs time, TimeNs origin) {
  return static_cast<double>(time - origin) / 1e6;
}

double bytes_value(int64_t bytes) {
  return static_cast<double>(bytes);
}

MemoryCategory category_at(size_t i) {
  return static_cast<MemoryCategory>(i);
}

std::string share(int64_t part, int64_t whole) {
  return whole > 0 ? format_percent(static_cast<double>(part) / static_cast<double>(whole)) : "-";
}

// --- text ---

void print_header(const MemoryBreakdown& b, std::ostream& out) {
  out << "Memory breakdown of GPU " << b.device << ": " << format_count(b.events)
      << " allocator events (" << format_count(b.allocations) << " allocations, "
      << format_count(b.frees) << " frees)";
  if (b.host_events > 0)
    out << "; " << format_count(b.host_events) << " host-memory events not analysed";
  out << "\n";
  if (!b.other_devices.empty()) {
    out << "Other GPUs with allocator events (see --device):";
    for (int32_t device : b.other_devices) out << " " << device;
    out << "\n";
  }
  out << "\nPeak allocated: " << peak_statement(b);
  if (!b.peak_exceeds_device) {
    out << ", " << format_ms(b.peak_time - b.first_event) << " ms after the first allocator event ("
        << b.peak_site << ")";
  }
  out << "\nAllocated before the trace: " << before_trace_statement(b) << "\n";
  if (b.peak_recorded_total >= 0) {
    out << "The allocator's own total there: "
        << format_count(static_cast<uint64_t>(b.peak_recorded_total)) << " bytes";
    if (b.peak_reserved >= 0) out << "; reserved " << format_bytes(bytes_value(b.peak_reserved));
    out << "\n";
  }
}

void print_categories(const MemoryBreakdown& b, std::ostream& out) {
  TextTable table({"category", "at peak", "share"});
  for (size_t i = 0; i < kMemoryCategoryCount; ++i) {
    MemoryCategory category = category_at(i);
    if (!memory_category_shown(b, category)) continue;
    table.add_row({memory_category_label(b, category), format_bytes(bytes_value(b.at_peak[i])),
                   share(b.at_peak[i], b.peak_bytes)});
  }
  table.add_row(
      {"total", format_bytes(bytes_value(b.peak_bytes)), share(b.peak_bytes, b.peak_bytes)});
  out << "\nWhat the peak consists of\n";
  table.print(out);
  if (!b.categories_known) return;
  out << "Each allocation is paired with its free by address and takes the first category whose "
         "rule matches where it was allocated and freed:\n";
  for (size_t i = 0; i < kMemoryCategoryCount; ++i) {
    out << "  " << memory_category_name(category_at(i)) << ": "
        << memory_category_rule(category_at(i)) << "\n";
  }
}

void print_iteration_peaks(const MemoryBreakdown& b, std::ostream& out) {
  if (b.iteration_peaks.empty()) return;
  TextTable table({"iteration", "peak allocated"});
  for (const IterationPeak& peak : b.iteration_peaks) {
    table.add_row({peak.name, format_bytes(bytes_value(peak.peak_bytes))});
  }
  out << "\nPeak per iteration\n";
  table.print(out);
}

void print_holders(const std::vector<MemoryHolder>& rows, const std::string& title,
                   const std::string& group, std::ostream& out) {
  if (rows.empty()) return;
  TextTable table({group, "live at peak", "blocks"});
  for (const MemoryHolder& row : rows) {
    table.add_row({shorten(row.name, kHolderNameWidth), format_bytes(bytes_value(row.bytes)),
                   format_count(row.blocks)});
  }
  out << "\n" << title << "\n";
  table.print(out);
}

void print_limitations(const MemoryBreakdown& b, std::ostream& out) {
  out << "\nMemory over time: " << b.series.size() << " samples per category in --json (series).\n";
  if (b.limitations.empty()) return;
  out << "\nWhat this trace cannot tell:\n";
  for (const std::string& line : b.limitations) out << "  - " << line << "\n";
}

// --- JSON ---

void write_categories(JsonWriter& json, const MemoryBreakdown& b) {
  json.key("categories").begin_object();
  for (size_t i = 0; i < kMemoryCategoryCount; ++i) {
    json.field(memory_category_name(category_at(i)), b.at_peak[i]);
  }
  json.end_object();
  json.key("category_rules").begin_object();
  for (size_t i = 0; i < kMemoryCategoryCount; ++i) {
    json.field(memory_category_name(category_at(i)), memory_category_rule(category_at(i)));
  }
  json.end_object();
}

void write_holders(JsonWriter& json, std::string_view key, const std::vector<MemoryHolder>& rows) {
  json.key(key).begin_array();
  for (const MemoryHolder& row : rows) {
    json.begin_object()
        .field("name", row.name)
        .field("bytes", row.bytes)
        .field("blocks", row.blocks)
        .end_object();
  }
  json.end_array();
}

// Column per series: time_ms, total_bytes, then bytes per category.
void write_series(JsonWriter& json, const MemoryBreakdown& b) {
  json.key("series").begin_object();
  json.key("time_ms").begin_array();
  for (const MemorySample& s : b.series) json.value(ms_since(s.time, b.first_event));
  json.end_array();
  json.key("total_bytes").begin_array();
  for (const MemorySample& s : b.series) json.value(s.total());
  json.end_array();
  for (size_t i = 0; i < kMemoryCategoryCount; ++i) {
    json.key(memory_category_name(category_at(i))).begin_array();
    for (const MemorySample& s : b.series) json.value(s.bytes[i]);
    json.end_array();
  }
  json.end_object();
}

}  // namespace

void print_memory_text(const MemoryBreakdown& breakdown, std::ostream& out) {
  print_header(breakdown, out);
  if (!breakdown.peak_exceeds_device) {  // else the totals over time are known to be wrong
    print_categories(breakdown, out);
    print_iteration_peaks(breakdown, out);
  }
  if (breakdown.categories_known && !breakdown.peak_exceeds_device) {
    print_holders(breakdown.layers_at_peak, "Held at the peak, by the layer that allocated it",
                  "layer", out);
    print_holders(breakdown.ops_at_peak, "Held at the peak, by the framework op that allocated it",
                  "op", out);
  }
  print_limitations(breakdown, out);
}

void print_memory_json(const MemoryBreakdown& breakdown, std::ostream& out) {
  const MemoryBreakdown& b = breakdown;
  JsonWriter json(out);
  json.begin_object()
      .field("device", b.device)
      .field("events", b.events)
      .field("allocations", b.allocations)
      .field("frees", b.frees)
      .field("host_events", b.host_events)
      .field("has_addresses", b.has_addresses)
      .field("has_allocator_totals", b.has_allocator_totals)
      .field("categories_known", b.categories_known)
      .field("peak_bytes", b.peak_bytes)
      .field("peak_time_ms", ms_since(b.peak_time, b.first_event))
      .field("peak_site", b.peak_site);
  json.key("peak_recorded_total_bytes");
  if (b.peak_recorded_total >= 0) {
    json.value(b.peak_recorded_total);
  } else {
    json.null();
  }
  json.field("before_trace_bytes", b.before_trace_bytes);
  json.field("before_trace_known", b.before_trace_known);
  json.field("growth_bytes", b.growth_bytes);
  json.field("device_memory_bytes", b.device_memory_bytes);
  json.field("peak_exceeds_device_memory", b.peak_exceeds_device);
  write_categories(json, b);
  json.key("iteration_peaks").begin_array();
  for (const IterationPeak& peak : b.iteration_peaks) {
    json.begin_object().field("name", peak.name).field("peak_bytes", peak.peak_bytes).end_object();
  }
  json.end_array();
  write_holders(json, "layers_at_peak", b.layers_at_peak);
  write_holders(json, "ops_at_peak", b.ops_at_peak);
  write_series(json, b);
  json.key("limitations").begin_array();
  for (const std::string& line : b.limitations) json.value(line);
  json.end_array();
  json.end_object();
}

}  // namespace dd
