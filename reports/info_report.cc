// Text and JSON renderings of a trace summary (`daydream info`).
#include "reports/info_report.h"

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <vector>

#include "collector/trace/iterations.h"
#include "collector/trace/job_ranks.h"
#include "reports/json_writer.h"
#include "reports/text_table.h"

namespace dd {

namespace {

struct Counts {
  uint64_t kernels = 0, memcpy = 0, memset = 0, runtime = 0, driver = 0;
  std::array<uint64_t, 6> ranges_by_kind{};
};

struct TimeSpan {
  TimeNs start = std::numeric_limits<TimeNs>::max();
  TimeNs end = std::numeric_limits<TimeNs>::min();
  bool empty() const { return start > end; }
  void cover(TimeNs s, TimeNs e) {
    start = std::min(start, s);
    end = std::max(end, e);
  }
};

Counts count_events(const Trace& trace) {
  Counts c;
  for (GpuOpKind kind : trace.gpu_ops.kind) {
    if (kind == GpuOpKind::kKernel) ++c.kernels;
    if (kind == GpuOpKind::kMemcpy) ++c.memcpy;
    if (kind == GpuOpKind::kMemset) ++c.memset;
  }
  for (ApiSource source : trace.api_calls.source) {
    (source == ApiSource::kRuntime ? c.runtime : c.driver)++;
  }
  for (RangeKind kind : trace.ranges.kind) ++c.ranges_by_kind[static_cast<size_t>(kind)];
  return c;
}

TimeSpan time_span(const Trace& trace) {
  TimeSpan span;
  for (size_t i = 0; i < trace.api_calls.size(); ++i) {
    span.cover(trace.api_calls.start[i], trace.api_calls.end[i]);
  }
  for (size_t i = 0; i < trace.gpu_ops.size(); ++i) {
    span.cover(trace.gpu_ops.start[i], trace.gpu_ops.end[i]);
  }
  for (size_t i = 0; i < trace.ranges.size(); ++i) {
    span.cover(trace.ranges.start[i], trace.ranges.end[i]);
  }
  for (TimeNs t : trace.memory_events.time) span.cover(t, t);
  return span;
}

uint64_t ranges_total(const Counts& c) {
  uint64_t total = 0;
  for (uint64_t n : c.ranges_by_kind) total += n;
  return total;
}

std::string device_line(const Trace& trace, uint32_t i) {
  const DeviceTable& d = trace.devices;
  std::string line = "device " + std::to_string(d.device_id[i]) + ": " +
                     std::string(trace.str(d.name[i]).empty() ? "(unnamed)" : trace.str(d.name[i]));
  if (d.compute_major[i] > 0) {
    line += ", compute " + std::to_string(d.compute_major[i]) + "." +
            std::to_string(d.compute_minor[i]);
  }
  if (d.sm_count[i] > 0) line += ", " + std::to_string(d.sm_count[i]) + " SMs";
  if (d.total_memory_bytes[i] > 0) {
    line += ", " + format_bytes(static_cast<double>(d.total_memory_bytes[i]));
  }
  return line;
}

// The repeated annotations that could mark iterations, with the flag that would use them.
void print_marker_candidates(const Trace& trace, std::ostream& out) {
  std::vector<MarkerCandidate> candidates = iteration_marker_candidates(trace);
  if (candidates.empty()) {
    out << "  no repeated annotation could mark them: the trace is analysed as one iteration\n";
    return;
  }
  out << "  candidate markers (pick one with --iteration-marker NAME):\n";
  for (const MarkerCandidate& c : candidates) {
    out << "    '" << c.name << "' x" << c.count
        << (c.gpu_side ? " (GPU-side copy only: its CPU range is the one to use)\n" : "\n");
  }
}

// The processes a report lists, and how many it leaves out.
struct ListedProcesses {
  std::vector<uint32_t> rows;
  size_t left_out = 0;
};

ListedProcesses listed_processes(const Trace& trace, const InfoOptions& options) {
  std::vector<bool> active = processes_with_cuda_activity(trace);
  ListedProcesses listed;
  for (uint32_t p = 0; p < trace.processes.size(); ++p) {
    if (options.all_processes || active[p]) {
      listed.rows.push_back(p);
    } else {
      ++listed.left_out;
    }
  }
  return listed;
}

// The rank label of each process row (empty: not a rank of a several-rank job).
std::vector<std::string> rank_labels(const Trace& trace, const std::vector<JobRank>& ranks) {
  std::vector<std::string> labels(trace.processes.size());
  if (ranks.size() > 1) {
    for (const JobRank& r : ranks) labels[r.process] = r.label;
  }
  return labels;
}

// Iteration rows in the order a job reads best: the k-th iteration of every rank together.
std::vector<uint32_t> iteration_order(const Trace& trace, const std::vector<JobRank>& ranks) {
  std::vector<size_t> rank_position(trace.processes.size(), ranks.size());
  for (size_t i = 0; i < ranks.size(); ++i) rank_position[ranks[i].process] = i;
  std::vector<size_t> index_in_process(trace.iterations.size());
  std::vector<size_t> seen(trace.processes.size() + 1, 0);
  for (uint32_t i = 0; i < trace.iterations.size(); ++i) {
    uint32_t p = trace.iterations.process[i];
    index_in_process[i] = seen[p == kNone ? trace.processes.size() : p]++;
  }
  std::vector<uint32_t> order(trace.iterations.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  auto position = [&](uint32_t i) {
    uint32_t p = trace.iterations.process[i];
    return p == kNone ? ranks.size() : rank_position[p];
  };
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (index_in_process[a] != index_in_process[b]) return index_in_process[a] < index_in_process[b];
    return position(a) < position(b);
  });
  return order;
}

TimeNs first_iteration_start(const Trace& trace) {
  return *std::min_element(trace.iterations.start.begin(), trace.iterations.start.end());
}

void print_devices_text(const Trace& trace, const std::vector<JobRank>& ranks, std::ostream& out) {
  out << "devices:\n";
  if (ranks.size() < 2) {
    if (trace.devices.size() == 0) out << "  (none described in the trace)\n";
    for (uint32_t i = 0; i < trace.devices.size(); ++i) out << "  " << device_line(trace, i) << "\n";
    return;
  }
  std::vector<bool> shown(trace.devices.size(), false);
  for (const JobRank& rank : ranks) {
    for (int32_t id : rank.devices) {
      uint32_t row = trace.devices.find(rank.process, id);
      out << "  " << rank.label << ": ";
      if (row == kNone) {
        out << "device " << id << " (not described in the trace)\n";
        continue;
      }
      shown[row] = true;
      out << device_line(trace, row) << "\n";
    }
  }
  auto others = std::count(shown.begin(), shown.end(), false);
  if (others > 0) {
    out << "  (the trace describes " << others << " more GPUs that no rank ran work on)\n";
  }
}

void print_processes_text(const Trace& trace, const std::vector<JobRank>& ranks,
                          const InfoOptions& options, std::ostream& out) {
  out << "processes:\n";
  ListedProcesses listed = listed_processes(trace, options);
  std::vector<std::string> labels = rank_labels(trace, ranks);
  for (uint32_t p : listed.rows) {
    auto threads = std::count(trace.threads.process.begin(), trace.threads.process.end(), p);
    auto streams = std::count(trace.streams.process.begin(), trace.streams.process.end(), p);
    out << "  pid " << trace.processes.pid[p];
    if (!trace.str(trace.processes.name[p]).empty()) out << " (" << trace.str(trace.processes.name[p]) << ")";
    if (!labels[p].empty() && !labels[p].starts_with("pid ")) {
      out << ", " << labels[p];
    } else if (trace.processes.rank[p] >= 0) {
      out << ", rank " << trace.processes.rank[p];
    }
    out << ": " << threads << " threads, " << streams << " GPU streams\n";
  }
  if (listed.left_out > 0) {
    out << "  (" << listed.left_out
        << " processes without CUDA activity not listed; --all-processes lists them)\n";
  }
}

void print_iterations_text(const Trace& trace, const std::vector<JobRank>& ranks,
                           std::ostream& out) {
  out << " (" << iteration_source_name(trace.iterations.source[0]) << ")\n";
  std::vector<std::string> labels = rank_labels(trace, ranks);
  bool with_ranks = ranks.size() > 1;
  std::vector<std::string> header{"iteration"};
  if (with_ranks) header.push_back("rank");
  header.insert(header.end(), {with_ranks ? "start (ms from the job's first)" : "start (ms from first)",
                               "duration (ms)"});
  TextTable iterations(header);
  TimeNs first = first_iteration_start(trace);
  for (uint32_t i : iteration_order(trace, ranks)) {
    std::vector<std::string> row{std::string(trace.str(trace.iterations.name[i]))};
    if (with_ranks) {
      uint32_t p = trace.iterations.process[i];
      row.push_back(p == kNone || labels[p].empty() ? "-" : labels[p]);
    }
    row.push_back(format_ms(trace.iterations.start[i] - first));
    row.push_back(format_ms(trace.iterations.end[i] - trace.iterations.start[i]));
    iterations.add_row(row);
  }
  iterations.print(out);
}

}  // namespace

void print_info_text(const Trace& trace, std::ostream& out, const InfoOptions& options) {
  Counts c = count_events(trace);
  TimeSpan span = time_span(trace);
  std::vector<JobRank> ranks = job_ranks(trace);
  out << "format: " << trace_format_name(trace.format) << "\n";
  if (uint64_t mtia = trace.diagnostics.count("mtia_device_events_not_modeled") +
                      trace.diagnostics.count("mtia_runtime_calls_not_modeled")) {
    out << "accelerator: Meta MTIA (" << format_count(mtia)
        << " device events and runtime calls, counted below; daydream does not model MTIA yet: "
           "replay, breakdown and whatif cannot run on this trace)\n";
  }
  if (ranks.size() > 1) {
    out << "job: " << ranks.size() << " ranks";
    if (std::ranges::any_of(ranks, [&](const JobRank& r) { return trace.processes.rank[r.process] < 0; })) {
      out << " (where the trace records no rank number, named by process id)";
    }
    out << ":";
    for (const JobRank& r : ranks) out << " " << r.label << (&r == &ranks.back() ? "" : ",");
    out << "\n";
  }
  print_devices_text(trace, ranks, out);
  print_processes_text(trace, ranks, options, out);
  out << "events:\n";
  TextTable table({"kind", "count"});
  table.add_row({"kernels", format_count(c.kernels)});
  table.add_row({"memcpy", format_count(c.memcpy)});
  table.add_row({"memset", format_count(c.memset)});
  table.add_row({"CUDA runtime calls", format_count(c.runtime)});
  table.add_row({"CUDA driver calls", format_count(c.driver)});
  for (size_t k = 0; k < c.ranges_by_kind.size(); ++k) {
    if (c.ranges_by_kind[k] == 0) continue;
    table.add_row({"ranges: " + std::string(range_kind_name(static_cast<RangeKind>(k))),
                   format_count(c.ranges_by_kind[k])});
  }
  table.add_row({"forward->backward links", format_count(trace.range_links.size())});
  table.add_row({"synchronizations", format_count(trace.syncs.size())});
  table.add_row({"CUDA event records", format_count(trace.cuda_events.size())});
  table.add_row({"memory events", format_count(trace.memory_events.size())});
  table.print(out);
  if (!span.empty()) out << "time span: " << format_ms(span.end - span.start) << " ms\n";
  out << "iterations: " << trace.iterations.size();
  if (trace.iterations.size() == 0) {
    out << " (no ProfilerStep#N, NVTX dd:iteration or Optimizer.step ranges found)\n";
    print_marker_candidates(trace, out);
  } else {
    print_iterations_text(trace, ranks, out);
  }
  out << "diagnostics:";
  if (trace.diagnostics.empty() && trace.diagnostics.notes().empty()) out << " none";
  out << "\n";
  for (const auto& [name, counter] : trace.diagnostics.counters()) {
    out << "  " << name << ": " << format_count(counter.count) << " ("
        << severity_name(counter.severity) << ")\n";
  }
  for (const DiagnosticNote& note : trace.diagnostics.notes()) {
    out << "  " << severity_name(note.severity) << ": " << note.text << "\n";
  }
}

void print_info_json(const Trace& trace, std::ostream& out, const InfoOptions& options) {
  Counts c = count_events(trace);
  TimeSpan span = time_span(trace);
  std::vector<JobRank> ranks = job_ranks(trace);
  std::vector<std::string> labels = rank_labels(trace, ranks);
  JsonWriter json(out);
  json.begin_object();
  json.field("format", trace_format_name(trace.format));
  json.key("ranks").begin_array();
  for (const JobRank& r : ranks) {
    if (ranks.size() < 2) break;
    json.begin_object()
        .field("label", r.label)
        .field("rank", trace.processes.rank[r.process])
        .field("pid", trace.processes.pid[r.process]);
    json.key("devices").begin_array();
    for (int32_t id : r.devices) json.value(int64_t{id});
    json.end_array().end_object();
  }
  json.end_array();
  json.key("devices").begin_array();
  for (uint32_t i = 0; i < trace.devices.size(); ++i) {
    const DeviceTable& d = trace.devices;
    json.begin_object()
        .field("id", d.device_id[i])
        .field("name", trace.str(d.name[i]))
        .field("process_pid", d.process[i] == kNone ? int64_t{-1} : trace.processes.pid[d.process[i]])
        .field("sm_count", d.sm_count[i])
        .field("total_memory_bytes", d.total_memory_bytes[i])
        .field("compute_capability", std::to_string(d.compute_major[i]) + "." +
                                         std::to_string(d.compute_minor[i]))
        .end_object();
  }
  json.end_array();
  ListedProcesses listed = listed_processes(trace, options);
  json.field("processes_not_listed", static_cast<uint64_t>(listed.left_out));
  json.key("processes").begin_array();
  for (uint32_t p : listed.rows) {
    json.begin_object()
        .field("pid", trace.processes.pid[p])
        .field("name", trace.str(trace.processes.name[p]))
        .field("rank", trace.processes.rank[p])
        .field("threads", static_cast<uint64_t>(std::count(trace.threads.process.begin(),
                                                           trace.threads.process.end(), p)))
        .field("streams", static_cast<uint64_t>(std::count(trace.streams.process.begin(),
                                                           trace.streams.process.end(), p)))
        .end_object();
  }
  json.end_array();
  json.key("counts").begin_object();
  json.field("kernels", c.kernels).field("memcpy", c.memcpy).field("memset", c.memset);
  json.field("runtime", c.runtime).field("driver", c.driver);
  json.field("ranges", ranges_total(c));
  for (size_t k = 0; k < c.ranges_by_kind.size(); ++k) {
    json.field("ranges_" + std::string(range_kind_name(static_cast<RangeKind>(k))),
               c.ranges_by_kind[k]);
  }
  json.field("range_links", static_cast<uint64_t>(trace.range_links.size()));
  json.field("syncs", static_cast<uint64_t>(trace.syncs.size()));
  json.field("cuda_events", static_cast<uint64_t>(trace.cuda_events.size()));
  json.field("memory_events", static_cast<uint64_t>(trace.memory_events.size()));
  json.end_object();
  json.key("iterations").begin_array();
  for (uint32_t i : iteration_order(trace, ranks)) {
    uint32_t p = trace.iterations.process[i];
    json.begin_object()
        .field("name", trace.str(trace.iterations.name[i]))
        .field("rank", p == kNone ? std::string() : labels[p])
        .field("start_ms_from_first", static_cast<double>(trace.iterations.start[i] -
                                                          first_iteration_start(trace)) / 1e6)
        .field("number", trace.iterations.number[i])
        .field("source", iteration_source_name(trace.iterations.source[i]))
        .field("start_ns", trace.iterations.start[i])
        .field("duration_ns", trace.iterations.end[i] - trace.iterations.start[i])
        .end_object();
  }
  json.end_array();
  json.key("iteration_marker_candidates").begin_array();
  for (const MarkerCandidate& candidate : iteration_marker_candidates(trace)) {
    json.begin_object()
        .field("name", candidate.name)
        .field("count", static_cast<uint64_t>(candidate.count))
        .field("gpu_side", candidate.gpu_side)
        .end_object();
  }
  json.end_array();
  json.key("time_span").begin_object();
  json.field("start_ns", span.empty() ? int64_t{0} : span.start);
  json.field("duration_ns", span.empty() ? int64_t{0} : span.end - span.start);
  json.end_object();
  json.key("diagnostics").begin_object();
  for (const auto& [name, counter] : trace.diagnostics.counters()) json.field(name, counter.count);
  json.end_object();
  json.key("diagnostic_notes").begin_array();
  for (const DiagnosticNote& note : trace.diagnostics.notes()) {
    json.begin_object()
        .field("severity", severity_name(note.severity))
        .field("text", note.text)
        .end_object();
  }
  json.end_array();
  json.key("metadata").begin_object();
  for (const auto& [name, value] : trace.metadata) json.field(name, value);
  json.end_object();
  json.end_object();
}

}  // namespace dd
