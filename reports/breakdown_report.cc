// Text and JSON renderings of a Breakdown (`daydream breakdown`).
#include "reports/breakdown_report.h"

#include <algorithm>
#include <string>

#include "reports/json_writer.h"
#include "reports/text_table.h"

namespace dd {

namespace {

constexpr size_t kKernelNameWidth = 80;

double share(TimeNs part, TimeNs whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

double mean_us(const BreakdownRow& row) {
  if (row.gpu_ops == 0) return 0;
  return static_cast<double>(row.gpu_time) / 1e3 / static_cast<double>(row.gpu_ops);
}

TimeNs path_kind_time(const CriticalPathSummary& path, ResourceKind kind) {
  return path.by_kind[static_cast<size_t>(kind)];
}

// --- text ---

void print_header(const Breakdown& b, std::ostream& out) {
  out << "Breakdown of the replayed run: " << b.scope << "\n";
  if (b.windows <= 1) {
    out << "iteration time: " << format_ms(b.window_time) << " ms\n";
    return;
  }
  out << "iteration time: median " << format_ms(b.steady_state) << " ms, mean "
      << PerIteration(b).ms(b.window_time) << " ms, range " << format_ms(b.shortest_window)
      << " to " << format_ms(b.longest_window) << " ms\n"
      << "times below are per iteration: totals over the " << b.windows
      << " analysed iterations divided by " << b.windows << "\n";
}

void print_phases(const Breakdown& b, std::ostream& out) {
  PerIteration per(b);
  TextTable table({"phase", "GPU ms", "GPU share", "CPU ms", "CPU share"});
  for (const BreakdownRow& row : b.phases) {
    table.add_row({row.name, per.ms(row.gpu_time), format_percent(share(row.gpu_time, b.gpu_time)),
                   per.ms(row.cpu_time), format_percent(share(row.cpu_time, b.cpu_time))});
  }
  table.add_row({"total", per.ms(b.gpu_time), format_percent(b.gpu_time > 0 ? 1.0 : 0.0),
                 per.ms(b.cpu_time), format_percent(b.cpu_time > 0 ? 1.0 : 0.0)});
  out << "\nPhases (GPU: GPU ops; CPU: API calls and CPU work, all threads)\n";
  table.print(out);
}

void print_layers(const Breakdown& b, std::ostream& out) {
  PerIteration per(b);
  TextTable table({"layer", "GPU ms", "GPU share", "GPU ops", "CPU ms"});
  for (const BreakdownRow& row : b.layers) {
    table.add_row({shorten(row.name, kKernelNameWidth), per.ms(row.gpu_time),
                   format_percent(share(row.gpu_time, b.gpu_time)), per.count(row.gpu_ops),
                   per.ms(row.cpu_time)});
  }
  out << "\nLayers (top " << kTopLayers << " by GPU time)\n";
  table.print(out);
}

void print_kernel_classes(const Breakdown& b, std::ostream& out) {
  PerIteration per(b);
  TextTable table({"kernel class", "GPU ms", "share", "count"});
  for (const BreakdownRow& row : b.kernel_classes) {
    table.add_row({row.name, per.ms(row.gpu_time), format_percent(share(row.gpu_time, b.gpu_time)),
                   per.count(row.gpu_ops)});
  }
  out << "\nKernel classes\n";
  table.print(out);
}

void print_gpu_busy(const Breakdown& b, std::ostream& out) {
  PerIteration per(b);
  TextTable table({"GPU stream", "busy ms", "busy", "idle ms", "idle"});
  auto add = [&](const std::string& name, TimeNs busy) {
    TimeNs idle = b.window_time - busy;
    table.add_row({name, per.ms(busy), format_percent(share(busy, b.window_time)), per.ms(idle),
                   format_percent(share(idle, b.window_time))});
  };
  for (const StreamBusy& stream : b.streams) add(stream.name, stream.busy);
  add("all streams (union)", b.gpu_busy);
  out << "\nGPU busy and idle (busy: union of op intervals within the iteration window)\n";
  table.print(out);
}

void print_critical_path(const Breakdown& b, std::ostream& out) {
  PerIteration per(b);
  const CriticalPathSummary& path = b.critical_path;
  TextTable resources({"resource", "kind", "ms", "share"});
  for (const CriticalPathResource& r : path.by_resource) {
    resources.add_row({r.name, std::string(resource_kind_name(r.kind)), per.ms(r.time),
                       format_percent(share(r.time, path.length))});
  }
  resources.add_row({"(launch latency, gaps)", "wait", per.ms(path.wait_time),
                     format_percent(share(path.wait_time, path.length))});
  out << "\nCritical path (" << per.ms(path.length) << " ms per iteration) by resource\n";
  resources.print(out);
  TextTable layers({"layer", "GPU ms", "CPU ms", "share"});
  for (const BreakdownRow& row : path.by_layer) {
    layers.add_row({shorten(row.name, kKernelNameWidth), per.ms(row.gpu_time), per.ms(row.cpu_time),
                    format_percent(share(row.gpu_time + row.cpu_time, path.length))});
  }
  out << "\nCritical path by layer (top " << kTopCriticalPathLayers
      << "; the wait time above is in no layer)\n";
  layers.print(out);
}

void print_verdict(const Breakdown& b, std::ostream& out) {
  const CriticalPathSummary& path = b.critical_path;
  out << "\nVerdict: " << verdict_name(b.verdict) << " (GPU streams "
      << format_percent(share(path_kind_time(path, ResourceKind::kGpuStream), path.length))
      << ", CPU threads "
      << format_percent(share(path_kind_time(path, ResourceKind::kCpuThread), path.length))
      << " of the critical path)\n  rule: " << verdict_rule() << "\n";
}

void print_top_kernels(const Breakdown& b, std::ostream& out) {
  PerIteration per(b);
  TextTable table({"kernel", "count", "GPU ms", "share", "mean us", "class"});
  for (const BreakdownRow& row : b.top_kernels) {
    table.add_row({shorten(row.name, kKernelNameWidth), per.count(row.gpu_ops),
                   per.ms(row.gpu_time), format_percent(share(row.gpu_time, b.gpu_time)),
                   format_fixed(mean_us(row), 1), row.kernel_class});
  }
  out << "\nTop " << kTopKernels << " kernels by GPU time\n";
  table.print(out);
}

// --- JSON ---

// A grouped row; shares are of `gpu_whole` and `cpu_whole`.
void write_row(JsonWriter& json, const PerIteration& per, const BreakdownRow& row, TimeNs gpu_whole,
               TimeNs cpu_whole) {
  json.begin_object()
      .field("name", row.name)
      .field("gpu_ms", per.ms_value(row.gpu_time))
      .field("gpu_pct", 100 * share(row.gpu_time, gpu_whole))
      .field("cpu_ms", per.ms_value(row.cpu_time))
      .field("cpu_pct", 100 * share(row.cpu_time, cpu_whole))
      .field("count", per.count_value(row.gpu_ops));
  if (row.gpu_ops > 0) json.field("mean_us", mean_us(row));
  if (!row.kernel_class.empty()) json.field("class", row.kernel_class);
  json.end_object();
}

void write_rows(JsonWriter& json, std::string_view key, const PerIteration& per,
                const std::vector<BreakdownRow>& rows, TimeNs gpu_whole, TimeNs cpu_whole) {
  json.key(key).begin_array();
  for (const BreakdownRow& row : rows) write_row(json, per, row, gpu_whole, cpu_whole);
  json.end_array();
}

void write_streams(JsonWriter& json, const Breakdown& b, const PerIteration& per) {
  json.key("gpu_streams").begin_array();
  for (const StreamBusy& stream : b.streams) {
    json.begin_object()
        .field("name", stream.name)
        .field("busy_ms", per.ms_value(stream.busy))
        .field("busy_pct", 100 * share(stream.busy, b.window_time))
        .field("idle_pct", 100 * share(b.window_time - stream.busy, b.window_time))
        .end_object();
  }
  json.end_array();
}

void write_critical_path(JsonWriter& json, const CriticalPathSummary& path,
                         const PerIteration& per) {
  json.key("critical_path").begin_object();
  json.field("length_ms", per.ms_value(path.length))
      .field("gpu_pct", 100 * share(path_kind_time(path, ResourceKind::kGpuStream), path.length))
      .field("cpu_pct", 100 * share(path_kind_time(path, ResourceKind::kCpuThread), path.length))
      .field("wait_pct", 100 * share(path.wait_time, path.length));
  json.key("by_resource").begin_array();
  for (const CriticalPathResource& r : path.by_resource) {
    json.begin_object()
        .field("name", r.name)
        .field("kind", resource_kind_name(r.kind))
        .field("ms", per.ms_value(r.time))
        .field("pct", 100 * share(r.time, path.length))
        .end_object();
  }
  json.begin_object()
      .field("name", "(launch latency, gaps)")
      .field("kind", "wait")
      .field("ms", per.ms_value(path.wait_time))
      .field("pct", 100 * share(path.wait_time, path.length))
      .end_object();
  json.end_array();
  write_rows(json, "by_layer", per, path.by_layer, path.length, path.length);
  json.end_object();
}

}  // namespace

void print_breakdown_text(const Breakdown& breakdown, std::ostream& out) {
  print_header(breakdown, out);
  if (breakdown.windows == 0) {
    out << "nothing to break down: no task ran\n";
    return;
  }
  print_phases(breakdown, out);
  print_layers(breakdown, out);
  print_kernel_classes(breakdown, out);
  print_gpu_busy(breakdown, out);
  print_critical_path(breakdown, out);
  print_verdict(breakdown, out);
  print_top_kernels(breakdown, out);
}

void print_breakdown_json(const Breakdown& b, std::ostream& out) {
  PerIteration per(b);
  JsonWriter json(out);
  json.begin_object()
      .field("scope", b.scope)
      .field("iterations_analysed", uint64_t{b.windows})
      .field("iteration_ms", static_cast<double>(b.steady_state) / 1e6)
      .field("iteration_mean_ms", per.ms_value(b.window_time))
      .field("iteration_min_ms", static_cast<double>(b.shortest_window) / 1e6)
      .field("iteration_max_ms", static_cast<double>(b.longest_window) / 1e6)
      .field("gpu_ms", per.ms_value(b.gpu_time))
      .field("cpu_ms", per.ms_value(b.cpu_time));
  write_rows(json, "phases", per, b.phases, b.gpu_time, b.cpu_time);
  write_rows(json, "layers", per, b.layers, b.gpu_time, b.cpu_time);
  write_rows(json, "kernel_classes", per, b.kernel_classes, b.gpu_time, b.cpu_time);
  json.field("gpu_busy_pct", 100 * share(b.gpu_busy, b.window_time))
      .field("gpu_idle_pct", 100 * share(b.window_time - b.gpu_busy, b.window_time));
  write_streams(json, b, per);
  write_critical_path(json, b.critical_path, per);
  json.field("verdict", verdict_name(b.verdict)).field("verdict_rule", verdict_rule());
  write_rows(json, "top_kernels", per, b.top_kernels, b.gpu_time, b.cpu_time);
  json.end_object();
}

}  // namespace dd
