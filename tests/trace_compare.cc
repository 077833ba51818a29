// Content comparison of Traces for tests (see trace_compare.h).
#include "trace_compare.h"

#include <sstream>
#include <string_view>
#include <type_traits>
#include <vector>

namespace dd::test {

namespace {

class Comparer {
 public:
  Comparer(const Trace& expected, const Trace& actual) : a_(expected), b_(actual) {}

  template <typename T>
  void column(std::string_view table, std::string_view name, const std::vector<T>& a,
              const std::vector<T>& b) {
    rows(table, name, a.size(), b.size(), [&](size_t i) {
      return a[i] == b[i] ? std::string() : "expected " + text(a[i]) + ", got " + text(b[i]);
    });
  }
  // A StringId column, compared as text (each Trace through its own pool).
  void names(std::string_view table, std::string_view name, const std::vector<StringId>& a,
             const std::vector<StringId>& b) {
    rows(table, name, a.size(), b.size(), [&](size_t i) {
      std::string_view x = a_.str(a[i]);
      std::string_view y = b_.str(b[i]);
      return x == y ? std::string()
                    : "expected \"" + std::string(x) + "\", got \"" + std::string(y) + "\"";
    });
  }
  void value(std::string_view what, const std::string& a, const std::string& b) {
    if (diff_.empty() && a != b) diff_ = std::string(what) + ": expected " + a + ", got " + b;
  }
  const std::string& result() const { return diff_; }

 private:
  template <typename T>
  static std::string text(const T& value) {
    std::ostringstream out;
    out.precision(17);
    if constexpr (std::is_enum_v<T>) {
      out << static_cast<int64_t>(value);
    } else if constexpr (sizeof(T) == 1) {
      out << static_cast<int>(value);
    } else {
      out << value;
    }
    return out.str();
  }
  // Records the first row whose `mismatch(i)` is non-empty (or a row count difference).
  template <typename Mismatch>
  void rows(std::string_view table, std::string_view name, size_t a_size, size_t b_size,
            Mismatch mismatch) {
    if (!diff_.empty()) return;
    std::string where = std::string(table) + "." + std::string(name);
    if (a_size != b_size) {
      diff_ = where + " row count: expected " + std::to_string(a_size) + ", got " +
              std::to_string(b_size);
      return;
    }
    for (size_t i = 0; i < a_size; ++i) {
      std::string difference = mismatch(i);
      if (!difference.empty()) {
        diff_ = where + " row " + std::to_string(i) + ": " + difference;
        return;
      }
    }
  }

  const Trace& a_;
  const Trace& b_;
  std::string diff_;
};

std::string metadata_text(const Trace& trace) {
  std::string out;
  for (const auto& [name, value] : trace.metadata) out += name + "=" + value + "; ";
  return out;
}

std::string diagnostics_text(const Trace& trace) {
  std::string out;
  for (const auto& [name, counter] : trace.diagnostics.counters()) {
    out += name + "(" + std::string(severity_name(counter.severity)) +
           ")=" + std::to_string(counter.count) + "; ";
  }
  return out;
}

}  // namespace

std::string first_difference(const Trace& x, const Trace& y) {
  Comparer c(x, y);
  c.value("format", std::string(trace_format_name(x.format)),
          std::string(trace_format_name(y.format)));

  c.column("processes", "pid", x.processes.pid, y.processes.pid);
  c.names("processes", "name", x.processes.name, y.processes.name);
  c.column("processes", "rank", x.processes.rank, y.processes.rank);

  c.column("threads", "process", x.threads.process, y.threads.process);
  c.column("threads", "tid", x.threads.tid, y.threads.tid);
  c.names("threads", "name", x.threads.name, y.threads.name);

  c.column("streams", "process", x.streams.process, y.streams.process);
  c.column("streams", "device", x.streams.device, y.streams.device);
  c.column("streams", "stream_id", x.streams.stream_id, y.streams.stream_id);
  c.names("streams", "name", x.streams.name, y.streams.name);

  const DeviceTable& dx = x.devices;
  const DeviceTable& dy = y.devices;
  c.column("devices", "process", dx.process, dy.process);
  c.column("devices", "device_id", dx.device_id, dy.device_id);
  c.names("devices", "name", dx.name, dy.name);
  c.column("devices", "sm_count", dx.sm_count, dy.sm_count);
  c.column("devices", "total_memory_bytes", dx.total_memory_bytes, dy.total_memory_bytes);
  c.column("devices", "memory_bandwidth_bytes_per_s", dx.memory_bandwidth_bytes_per_s,
           dy.memory_bandwidth_bytes_per_s);
  c.column("devices", "clock_hz", dx.clock_hz, dy.clock_hz);
  c.column("devices", "compute_major", dx.compute_major, dy.compute_major);
  c.column("devices", "compute_minor", dx.compute_minor, dy.compute_minor);

  const ApiCallTable& ax = x.api_calls;
  const ApiCallTable& ay = y.api_calls;
  c.column("api_calls", "start", ax.start, ay.start);
  c.column("api_calls", "end", ax.end, ay.end);
  c.column("api_calls", "thread", ax.thread, ay.thread);
  c.column("api_calls", "correlation", ax.correlation, ay.correlation);
  c.names("api_calls", "name", ax.name, ay.name);
  c.column("api_calls", "source", ax.source, ay.source);
  c.column("api_calls", "cbid", ax.cbid, ay.cbid);
  c.column("api_calls", "external_id", ax.external_id, ay.external_id);

  const GpuOpTable& gx = x.gpu_ops;
  const GpuOpTable& gy = y.gpu_ops;
  c.column("gpu_ops", "start", gx.start, gy.start);
  c.column("gpu_ops", "end", gx.end, gy.end);
  c.column("gpu_ops", "kind", gx.kind, gy.kind);
  c.column("gpu_ops", "stream", gx.stream, gy.stream);
  c.column("gpu_ops", "correlation", gx.correlation, gy.correlation);
  c.names("gpu_ops", "name", gx.name, gy.name);
  c.column("gpu_ops", "external_id", gx.external_id, gy.external_id);
  c.column("gpu_ops", "bytes", gx.bytes, gy.bytes);
  c.column("gpu_ops", "copy_kind", gx.copy_kind, gy.copy_kind);
  c.column("gpu_ops", "grid_x", gx.grid_x, gy.grid_x);
  c.column("gpu_ops", "grid_y", gx.grid_y, gy.grid_y);
  c.column("gpu_ops", "grid_z", gx.grid_z, gy.grid_z);
  c.column("gpu_ops", "block_x", gx.block_x, gy.block_x);
  c.column("gpu_ops", "block_y", gx.block_y, gy.block_y);
  c.column("gpu_ops", "block_z", gx.block_z, gy.block_z);
  c.column("gpu_ops", "registers_per_thread", gx.registers_per_thread, gy.registers_per_thread);
  c.column("gpu_ops", "shared_memory_bytes", gx.shared_memory_bytes, gy.shared_memory_bytes);

  const RangeTable& rx = x.ranges;
  const RangeTable& ry = y.ranges;
  c.column("ranges", "start", rx.start, ry.start);
  c.column("ranges", "end", rx.end, ry.end);
  c.column("ranges", "kind", rx.kind, ry.kind);
  c.column("ranges", "thread", rx.thread, ry.thread);
  c.column("ranges", "stream", rx.stream, ry.stream);
  c.names("ranges", "name", rx.name, ry.name);
  c.column("ranges", "external_id", rx.external_id, ry.external_id);
  c.column("ranges", "sequence_number", rx.sequence_number, ry.sequence_number);
  c.column("ranges", "parent", rx.parent, ry.parent);
  c.column("ranges", "depth", rx.depth, ry.depth);
  c.names("ranges", "input_dims", rx.input_dims, ry.input_dims);
  c.names("ranges", "input_types", rx.input_types, ry.input_types);
  c.names("ranges", "concrete_inputs", rx.concrete_inputs, ry.concrete_inputs);

  c.column("range_links", "from", x.range_links.from, y.range_links.from);
  c.column("range_links", "to", x.range_links.to, y.range_links.to);
  c.column("range_links", "kind", x.range_links.kind, y.range_links.kind);

  const SyncTable& sx = x.syncs;
  const SyncTable& sy = y.syncs;
  c.column("syncs", "start", sx.start, sy.start);
  c.column("syncs", "end", sx.end, sy.end);
  c.column("syncs", "kind", sx.kind, sy.kind);
  c.column("syncs", "thread", sx.thread, sy.thread);
  c.column("syncs", "stream", sx.stream, sy.stream);
  c.column("syncs", "correlation", sx.correlation, sy.correlation);
  c.column("syncs", "event_id", sx.event_id, sy.event_id);
  c.column("syncs", "event_sync_id", sx.event_sync_id, sy.event_sync_id);
  c.column("syncs", "event_record_correlation", sx.event_record_correlation,
           sy.event_record_correlation);

  const CudaEventTable& ex = x.cuda_events;
  const CudaEventTable& ey = y.cuda_events;
  c.column("cuda_events", "time", ex.time, ey.time);
  c.column("cuda_events", "stream", ex.stream, ey.stream);
  c.column("cuda_events", "correlation", ex.correlation, ey.correlation);
  c.column("cuda_events", "event_id", ex.event_id, ey.event_id);
  c.column("cuda_events", "event_sync_id", ex.event_sync_id, ey.event_sync_id);

  const MemoryEventTable& mx = x.memory_events;
  const MemoryEventTable& my = y.memory_events;
  c.column("memory_events", "time", mx.time, my.time);
  c.column("memory_events", "process", mx.process, my.process);
  c.column("memory_events", "thread", mx.thread, my.thread);
  c.column("memory_events", "device", mx.device, my.device);
  c.column("memory_events", "address", mx.address, my.address);
  c.column("memory_events", "bytes", mx.bytes, my.bytes);
  c.column("memory_events", "op", mx.op, my.op);
  c.column("memory_events", "total_allocated", mx.total_allocated, my.total_allocated);
  c.column("memory_events", "total_reserved", mx.total_reserved, my.total_reserved);

  const IterationTable& ix = x.iterations;
  const IterationTable& iy = y.iterations;
  c.column("iterations", "start", ix.start, iy.start);
  c.column("iterations", "end", ix.end, iy.end);
  c.column("iterations", "process", ix.process, iy.process);
  c.names("iterations", "name", ix.name, iy.name);
  c.column("iterations", "number", ix.number, iy.number);
  c.column("iterations", "source", ix.source, iy.source);
  c.column("iterations", "thread", ix.thread, iy.thread);

  c.value("metadata", metadata_text(x), metadata_text(y));
  c.value("diagnostics", diagnostics_text(x), diagnostics_text(y));
  return c.result();
}

}  // namespace dd::test
