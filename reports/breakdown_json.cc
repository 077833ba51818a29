// JSON rendering of a Breakdown (`daydream breakdown --json`). Fields keep the names they had
// when breakdown described the replay; `timeline` says which timeline was analysed.
#include <string>

#include "reports/breakdown_report.h"
#include "reports/json_writer.h"

namespace dd {

namespace {


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
  if (row.gpu_ops > 0) json.field("mean_us", mean_us(row.gpu_time, row.gpu_ops));
  if (!row.kernel_class.empty()) json.field("class", row.kernel_class);
  json.end_object();
}

void write_rows(JsonWriter& json, std::string_view key, const PerIteration& per,
                const std::vector<BreakdownRow>& rows, TimeNs gpu_whole, TimeNs cpu_whole) {
  json.key(key).begin_array();
  for (const BreakdownRow& row : rows) write_row(json, per, row, gpu_whole, cpu_whole);
  json.end_array();
}

// Busy and idle time, the idle time by cause (gpu_activity.h).
void write_gpu_time(JsonWriter& json, const Breakdown& b, const PerIteration& per, const GpuTime& time) {
  TimeNs idle = time.idle_total();
  json.field("busy_ms", per.ms_value(time.busy))
      .field("busy_pct", 100 * share(time.busy, b.window_time))
      .field("idle_ms", per.ms_value(idle))
      .field("idle_pct", 100 * share(idle, b.window_time))
      .field("idle_waiting_for_host_ms", per.ms_value(time.idle[static_cast<size_t>(IdleCause::kHost)]))
      .field("idle_waiting_for_other_stream_ms",
             per.ms_value(time.idle[static_cast<size_t>(IdleCause::kOtherStream)]))
      .field("idle_other_ms", per.ms_value(time.idle[static_cast<size_t>(IdleCause::kOther)]));
}

void write_gpu_activity(JsonWriter& json, const Breakdown& b, const PerIteration& per) {
  json.field("gpu_busy_pct", 100 * share(b.gpu.all_streams.busy, b.window_time))
      .field("gpu_idle_pct", 100 * share(b.gpu.all_streams.idle_total(), b.window_time));
  json.key("gpu_idle").begin_object();
  write_gpu_time(json, b, per, b.gpu.all_streams);
  json.end_object();
  json.key("gpu_streams").begin_array();
  for (const StreamActivity& stream : b.gpu.streams) {
    json.begin_object().field("name", stream.name);
    write_gpu_time(json, b, per, stream.time);
    json.end_object();
  }
  json.end_array();
  if (const CommunicationOverlap& c = b.gpu.communication; c.present) {
    json.key("communication")
        .begin_object()
        .field("ms", per.ms_value(c.communication))
        .field("overlapped_ms", per.ms_value(c.overlapped))
        .field("overlapped_pct", 100 * share(c.overlapped, c.communication))
        .field("exposed_ms", per.ms_value(c.exposed()))
        .end_object();
  }
  if (const LaunchQueue& q = b.gpu.queue; q.present) {
    json.key("launch_queue")
        .begin_object()
        .field("mean", q.mean)
        .field("max", uint64_t{q.max})
        .field("empty_pct", 100 * share(q.empty_time, b.window_time))
        .field("series_start_ms", static_cast<double>(q.series_start) / 1e6)
        .field("series_step_us", static_cast<double>(q.series_step) / 1e3);
    json.key("series").begin_array();
    for (uint32_t length : q.series) json.value(uint64_t{length});
    json.end_array().end_object();
  }
}

void write_operators(JsonWriter& json, const Breakdown& b, const PerIteration& per) {
  json.key("operators").begin_array();
  for (const OperatorRow& row : b.operators) {
    json.begin_object()
        .field("name", row.name)
        .field("calls", per.count_value(row.calls))
        .field("cpu_ms", per.ms_value(row.cpu_time))
        .field("gpu_ms", per.ms_value(row.gpu_time))
        .field("gpu_pct", 100 * share(row.gpu_time, b.gpu_time))
        .field("gpu_ops", per.count_value(row.gpu_ops));
    if (row.launched_ops > 0) json.field("launch_delay_us", mean_us(row.launch_delay, row.launched_ops));
    if (row.counted_calls > 0) {
      double seconds = static_cast<double>(row.counted_gpu_time) / 1e9;
      json.field("counted_calls", per.count_value(row.counted_calls))
          .field("gflop", per.count_value(1) * row.flops / 1e9)
          .field("gbytes", per.count_value(1) * row.bytes / 1e9)
          .field("tflops_per_s", seconds > 0 ? row.flops / seconds / 1e12 : 0.0)
          .field("gbytes_per_s", seconds > 0 ? row.bytes / seconds / 1e9 : 0.0);
    }
    if (row.roofline_gpu_time > 0) {
      json.field("roofline_pct", 100 * share(row.roofline_time, row.roofline_gpu_time));
    }
    json.end_object();
  }
  json.end_array();
}

void write_replay_check(JsonWriter& json, const Breakdown& b) {
  if (!b.replay_check) return;
  const ReplayCheck& r = *b.replay_check;
  json.key("replay_check")
      .begin_object()
      .field("measured_iteration_ms", static_cast<double>(r.measured_iteration) / 1e6)
      .field("replayed_iteration_ms", static_cast<double>(r.replayed_iteration) / 1e6)
      .field("error_pct", r.trust.error_pct)
      .field("measured_gpu_idle_ms", static_cast<double>(r.measured_gpu_idle) / 1e6)
      .field("replayed_gpu_idle_ms", static_cast<double>(r.replayed_gpu_idle) / 1e6)
      .end_object();
  write_trust_json(r.trust, json);
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

void print_breakdown_json(const Breakdown& b, std::ostream& out) {
  PerIteration per(b);
  JsonWriter json(out);
  json.begin_object()
      .field("timeline", b.measured ? "measured" : "replayed")
      .field("scope", b.scope)
      .field("iterations_analysed", uint64_t{b.windows})
      .field("iteration_ms", static_cast<double>(b.steady_state) / 1e6)
      .field("iteration_mean_ms", per.ms_value(b.window_time))
      .field("iteration_min_ms", static_cast<double>(b.shortest_window) / 1e6)
      .field("iteration_max_ms", static_cast<double>(b.longest_window) / 1e6)
      .field("gpu_ms", per.ms_value(b.gpu_time))
      .field("cpu_ms", per.ms_value(b.cpu_time));
  write_replay_check(json, b);
  write_rows(json, "phases", per, b.phases, b.gpu_time, b.cpu_time);
  json.field("layers_grouped_by", layer_grouping_name(b.group_by));
  write_rows(json, "layers", per, b.layers, b.gpu_time, b.cpu_time);
  if (!b.unattributed_note.empty()) json.field("unattributed_note", b.unattributed_note);
  if (b.measured) {
    write_operators(json, b, per);
    json.field("roofline_device", b.peaks_name);
  }
  write_rows(json, "kernel_classes", per, b.kernel_classes, b.gpu_time, b.cpu_time);
  write_gpu_activity(json, b, per);
  write_critical_path(json, b.critical_path, per);
  json.field("verdict", verdict_name(b.verdict)).field("verdict_rule", verdict_rule());
  write_rows(json, "top_kernels", per, b.top_kernels, b.gpu_time, b.cpu_time);
  json.end_object();
}

}  // namespace dd
