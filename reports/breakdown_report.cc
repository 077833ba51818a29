// Text rendering of a Breakdown and the tables the text and HTML share (`daydream breakdown`).
#include "reports/breakdown_report.h"

#include <algorithm>
#include <string>

#include "reports/text_table.h"

namespace dd {

double share(TimeNs part, TimeNs whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

double mean_us(TimeNs total, uint64_t count) {
  return count == 0 ? 0 : static_cast<double>(total) / 1e3 / static_cast<double>(count);
}

bool operators_have_work(const Breakdown& b) {
  return std::any_of(b.operators.begin(), b.operators.end(),
                     [](const OperatorRow& row) { return row.counted_calls > 0; });
}

double per_second(double amount, TimeNs time) {
  return time > 0 ? amount / (static_cast<double>(time) / 1e9) : 0;
}

ReportTable operator_rows(const Breakdown& b) {
  PerIteration per(b);
  bool work = operators_have_work(b);
  ReportTable table{"", {"op", "calls", "CPU ms", "GPU ms", "GPU share", "GPU ops/call",
                     "launch delay us"},
                    {}};
  if (work) {
    for (const char* column : {"GFLOP", "TFLOP/s", "GB/s", "of roofline"}) table.header.push_back(column);
  }
  for (const OperatorRow& row : b.operators) {
    std::string per_call =
        row.calls == 0 ? "-" : format_fixed(static_cast<double>(row.gpu_ops) / static_cast<double>(row.calls), 1);
    std::string delay =
        row.launched_ops == 0 ? "-" : format_fixed(mean_us(row.launch_delay, row.launched_ops), 1);
    std::vector<std::string> cells{row.name, per.count(row.calls), per.ms(row.cpu_time), per.ms(row.gpu_time),
                                   format_percent(share(row.gpu_time, b.gpu_time)), per_call, delay};
    if (work && row.counted_calls == 0) cells.insert(cells.end(), 4, "-");
    if (work && row.counted_calls > 0) {
      cells.push_back(format_fixed(per.count_value(1) * row.flops / 1e9, 2));
      cells.push_back(format_fixed(per_second(row.flops, row.counted_gpu_time) / 1e12, 2));
      cells.push_back(format_fixed(per_second(row.bytes, row.counted_gpu_time) / 1e9, 1));
      cells.push_back(row.roofline_gpu_time > 0 ? format_percent(share(row.roofline_time, row.roofline_gpu_time))
                                                : "-");
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

std::string operator_work_note(const Breakdown& b) {
  if (!operators_have_work(b)) return "";
  uint64_t counted = 0, calls = 0;
  for (const OperatorRow& row : b.operators) {
    counted += row.counted_calls;
    calls += row.calls;
  }
  return "FLOPs and bytes from the recorded input shapes of " + format_count(counted) + " of " +
         format_count(calls) + " calls (per iteration: GFLOP; rates over those calls' GPU time); " +
         "of roofline: the least time their FLOPs and bytes need at the datasheet peaks of " +
         (b.peaks_name.empty() ? std::string("the trace's GPU (unknown: not shown)") : b.peaks_name) +
         " against the time they took (fp32 matrix products and convolutions against the TF32 "
         "tensor-core peak)";
}

ReportTable gpu_idle_rows(const Breakdown& b) {
  PerIteration per(b);
  ReportTable table{"", {"GPU stream", "busy ms", "busy", "idle ms", "idle", "host ms",
                     "other stream ms", "other ms"},
                    {}};
  auto add = [&](const std::string& name, const GpuTime& time) {
    TimeNs idle = time.idle_total();
    table.rows.push_back({name, per.ms(time.busy), format_percent(share(time.busy, b.window_time)),
                          per.ms(idle), format_percent(share(idle, b.window_time)),
                          per.ms(time.idle[static_cast<size_t>(IdleCause::kHost)]),
                          per.ms(time.idle[static_cast<size_t>(IdleCause::kOtherStream)]),
                          per.ms(time.idle[static_cast<size_t>(IdleCause::kOther)])});
  };
  for (const StreamActivity& stream : b.gpu.streams) add(stream.name, stream.time);
  add("all streams (union)", b.gpu.all_streams);
  return table;
}

std::string communication_line(const Breakdown& b) {
  const CommunicationOverlap& c = b.gpu.communication;
  if (!c.present) return "";
  PerIteration per(b);
  return "communication: " + per.ms(c.communication) + " ms per iteration, " +
         per.ms(c.overlapped) + " ms of it (" + format_percent(share(c.overlapped, c.communication)) +
         ") overlapped with computation, " + per.ms(c.exposed()) + " ms exposed";
}

std::string launch_queue_line(const Breakdown& b) {
  const LaunchQueue& q = b.gpu.queue;
  if (!q.present) return "";
  return "launch queue (GPU ops launched and not finished): mean " + format_fixed(q.mean, 1) +
         ", max " + format_count(q.max) + ", empty " + format_percent(share(q.empty_time, b.window_time)) +
         " of the time";
}

std::string replay_check_line(const Breakdown& b) {
  if (!b.replay_check) return "";
  const ReplayCheck& r = *b.replay_check;
  double error = r.trust.error_pct / 100;
  return "the model's check: replaying this graph gives " + format_ms(r.replayed_iteration) +
         " ms per iteration (" + (error >= 0 ? "+" : "") + format_percent(error) +
         " against the measured " + format_ms(r.measured_iteration) + " ms) and " +
         format_ms(r.replayed_gpu_idle) + " ms of GPU idle (measured " +
         format_ms(r.measured_gpu_idle) + " ms)";
}

namespace {

constexpr size_t kKernelNameWidth = 80;

double mean_us(const BreakdownRow& row) { return dd::mean_us(row.gpu_time, row.gpu_ops); }

void print_table(const ReportTable& report, std::ostream& out) {
  TextTable table(report.header);
  for (const auto& row : report.rows) {
    std::vector<std::string> cells = row;
    cells.front() = shorten(cells.front(), kKernelNameWidth);
    table.add_row(std::move(cells));
  }
  table.print(out);
}

void print_line(const std::string& line, std::ostream& out) {
  if (!line.empty()) out << line << "\n";
}

void print_header(const Breakdown& b, std::ostream& out) {
  out << "Breakdown of the " << (b.measured ? "measured" : "replayed") << " run: " << b.scope << "\n";
  if (b.windows <= 1) {
    out << "iteration time: " << format_ms(b.window_time) << " ms\n";
  } else {
    out << "iteration time: median " << format_ms(b.steady_state) << " ms, mean "
        << PerIteration(b).ms(b.window_time) << " ms, range " << format_ms(b.shortest_window)
        << " to " << format_ms(b.longest_window) << " ms\n"
        << "times below are per iteration: totals over the " << b.windows
        << " analysed iterations divided by " << b.windows << "\n";
  }
  print_line(replay_check_line(b), out);
  if (b.replay_check) print_trust_text(b.replay_check->trust, "every what-if prediction on this trace", out);
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
  out << "\nLayers (top " << kTopLayers << " by GPU time, grouped by "
      << layer_grouping_name(b.group_by) << ")\n";
  table.print(out);
  print_line(b.unattributed_note, out);
}

void print_operators(const Breakdown& b, std::ostream& out) {
  if (b.operators.empty()) return;
  out << "\nOperators (top " << kTopOperators
      << " framework ops by GPU time; launch delay: launch call start to GPU op start)\n";
  print_table(operator_rows(b), out);
  print_line(operator_work_note(b), out);
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

void print_gpu_activity(const Breakdown& b, std::ostream& out) {
  out << "\nGPU busy and idle (busy: union of op intervals within the iteration window; idle by "
         "what the op ending it waited for: its launch (host), an op on another stream, or "
         "neither (other))\n";
  print_table(gpu_idle_rows(b), out);
  print_line(communication_line(b), out);
  print_line(launch_queue_line(b), out);
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

}  // namespace

void print_breakdown_text(const Breakdown& breakdown, std::ostream& out) {
  print_header(breakdown, out);
  if (breakdown.windows == 0) {
    out << "nothing to break down: no task ran\n";
    return;
  }
  print_phases(breakdown, out);
  print_layers(breakdown, out);
  print_operators(breakdown, out);
  print_kernel_classes(breakdown, out);
  print_gpu_activity(breakdown, out);
  print_critical_path(breakdown, out);
  print_verdict(breakdown, out);
  print_top_kernels(breakdown, out);
}

}  // namespace dd
