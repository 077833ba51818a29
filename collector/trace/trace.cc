// Row append/read for the columnar Trace tables, enum names, and size accounting.
#include "collector/trace/trace.h"

#include <array>

namespace dd {

namespace {

template <typename Column>
size_t column_bytes(const Column& column) {
  return column.capacity() * sizeof(typename Column::value_type);
}

template <typename... Columns>
size_t columns_bytes(const Columns&... columns) {
  return (column_bytes(columns) + ... + 0);
}

template <typename... Columns>
void shrink_columns(Columns&... columns) {
  (columns.shrink_to_fit(), ...);
}

template <size_t N>
std::string_view enum_name(const std::array<std::string_view, N>& names, size_t value) {
  return value < N ? names[value] : std::string_view("unknown");
}

}  // namespace

std::string_view trace_format_name(TraceFormat format) {
  static constexpr std::array<std::string_view, 4> kNames = {"unknown", "kineto-json",
                                                             "nsys-sqlite", "daydream-sqlite"};
  return enum_name(kNames, static_cast<size_t>(format));
}

std::string_view gpu_op_kind_name(GpuOpKind kind) {
  static constexpr std::array<std::string_view, 3> kNames = {"kernel", "memcpy", "memset"};
  return enum_name(kNames, static_cast<size_t>(kind));
}

std::string_view copy_kind_name(CopyKind kind) {
  static constexpr std::array<std::string_view, 7> kNames = {"none", "HtoD", "DtoH", "DtoD",
                                                             "HtoH", "PtoP", "unknown"};
  return enum_name(kNames, static_cast<size_t>(kind));
}

std::string_view range_kind_name(RangeKind kind) {
  static constexpr std::array<std::string_view, 6> kNames = {
      "framework_op", "python_function", "user_annotation", "gpu_user_annotation", "nvtx",
      "other"};
  return enum_name(kNames, static_cast<size_t>(kind));
}

std::string_view sync_kind_name(SyncKind kind) {
  static constexpr std::array<std::string_view, 5> kNames = {
      "event_synchronize", "stream_wait_event", "stream_synchronize", "context_synchronize",
      "unknown"};
  return enum_name(kNames, static_cast<size_t>(kind));
}

std::string_view iteration_source_name(IterationSource source) {
  static constexpr std::array<std::string_view, 4> kNames = {"profiler_step", "nvtx",
                                                             "user_marker", "optimizer_step"};
  return enum_name(kNames, static_cast<size_t>(source));
}

uint32_t ProcessTable::append(const ProcessRow& row) {
  pid.push_back(row.pid);
  name.push_back(row.name);
  rank.push_back(row.rank);
  return static_cast<uint32_t>(size() - 1);
}

uint32_t ThreadTable::append(const ThreadRow& row) {
  process.push_back(row.process);
  tid.push_back(row.tid);
  name.push_back(row.name);
  return static_cast<uint32_t>(size() - 1);
}

uint32_t StreamTable::append(const StreamRow& row) {
  process.push_back(row.process);
  device.push_back(row.device);
  stream_id.push_back(row.stream_id);
  name.push_back(row.name);
  return static_cast<uint32_t>(size() - 1);
}

uint32_t DeviceTable::append(const DeviceRow& row) {
  process.push_back(row.process);
  device_id.push_back(row.device_id);
  name.push_back(row.name);
  sm_count.push_back(row.sm_count);
  total_memory_bytes.push_back(row.total_memory_bytes);
  memory_bandwidth_bytes_per_s.push_back(row.memory_bandwidth_bytes_per_s);
  clock_hz.push_back(row.clock_hz);
  compute_major.push_back(row.compute_major);
  compute_minor.push_back(row.compute_minor);
  return static_cast<uint32_t>(size() - 1);
}

DeviceRow DeviceTable::row(uint32_t i) const {
  return {process[i],  device_id[i], name[i],          sm_count[i],     total_memory_bytes[i],
          memory_bandwidth_bytes_per_s[i], clock_hz[i], compute_major[i], compute_minor[i]};
}

uint32_t DeviceTable::find(uint32_t process_row, int32_t id) const {
  uint32_t shared = kNone;
  for (uint32_t i = 0; i < size(); ++i) {
    if (device_id[i] != id) continue;
    if (process[i] == process_row) return i;
    if (process[i] == kNone && shared == kNone) shared = i;
  }
  return shared;
}

uint32_t ApiCallTable::append(const ApiCallRow& row) {
  start.push_back(row.start);
  end.push_back(row.end);
  thread.push_back(row.thread);
  correlation.push_back(row.correlation);
  name.push_back(row.name);
  source.push_back(row.source);
  cbid.push_back(row.cbid);
  external_id.push_back(row.external_id);
  return static_cast<uint32_t>(size() - 1);
}

ApiCallRow ApiCallTable::row(uint32_t i) const {
  return {start[i], end[i], thread[i], correlation[i], name[i], source[i], cbid[i],
          external_id[i]};
}

uint32_t GpuOpTable::append(const GpuOpRow& row) {
  start.push_back(row.start);
  end.push_back(row.end);
  kind.push_back(row.kind);
  stream.push_back(row.stream);
  correlation.push_back(row.correlation);
  name.push_back(row.name);
  external_id.push_back(row.external_id);
  bytes.push_back(row.bytes);
  copy_kind.push_back(row.copy_kind);
  grid_x.push_back(row.grid[0]);
  grid_y.push_back(row.grid[1]);
  grid_z.push_back(row.grid[2]);
  block_x.push_back(row.block[0]);
  block_y.push_back(row.block[1]);
  block_z.push_back(row.block[2]);
  registers_per_thread.push_back(row.registers_per_thread);
  shared_memory_bytes.push_back(row.shared_memory_bytes);
  return static_cast<uint32_t>(size() - 1);
}

GpuOpRow GpuOpTable::row(uint32_t i) const {
  GpuOpRow r;
  r.start = start[i];
  r.end = end[i];
  r.kind = kind[i];
  r.stream = stream[i];
  r.correlation = correlation[i];
  r.name = name[i];
  r.external_id = external_id[i];
  r.bytes = bytes[i];
  r.copy_kind = copy_kind[i];
  r.grid[0] = grid_x[i];
  r.grid[1] = grid_y[i];
  r.grid[2] = grid_z[i];
  r.block[0] = block_x[i];
  r.block[1] = block_y[i];
  r.block[2] = block_z[i];
  r.registers_per_thread = registers_per_thread[i];
  r.shared_memory_bytes = shared_memory_bytes[i];
  return r;
}

uint32_t RangeTable::append(const RangeRow& row) {
  start.push_back(row.start);
  end.push_back(row.end);
  kind.push_back(row.kind);
  thread.push_back(row.thread);
  stream.push_back(row.stream);
  name.push_back(row.name);
  external_id.push_back(row.external_id);
  sequence_number.push_back(row.sequence_number);
  parent.push_back(row.parent);
  depth.push_back(row.depth);
  input_dims.push_back(row.input_dims);
  input_types.push_back(row.input_types);
  concrete_inputs.push_back(row.concrete_inputs);
  return static_cast<uint32_t>(size() - 1);
}

RangeRow RangeTable::row(uint32_t i) const {
  return {start[i],       end[i],          kind[i],   thread[i], stream[i],
          name[i],        external_id[i],  sequence_number[i], parent[i], depth[i],
          input_dims[i],  input_types[i],  concrete_inputs[i]};
}

void RangeLinkTable::append(uint32_t from_range, uint32_t to_range, RangeLinkKind link_kind) {
  from.push_back(from_range);
  to.push_back(to_range);
  kind.push_back(link_kind);
}

uint32_t SyncTable::append(const SyncRow& row) {
  start.push_back(row.start);
  end.push_back(row.end);
  kind.push_back(row.kind);
  thread.push_back(row.thread);
  stream.push_back(row.stream);
  correlation.push_back(row.correlation);
  event_id.push_back(row.event_id);
  event_sync_id.push_back(row.event_sync_id);
  event_record_correlation.push_back(row.event_record_correlation);
  return static_cast<uint32_t>(size() - 1);
}

SyncRow SyncTable::row(uint32_t i) const {
  return {start[i],    end[i],      kind[i],          thread[i],
          stream[i],   correlation[i], event_id[i], event_sync_id[i],
          event_record_correlation[i]};
}

uint32_t CudaEventTable::append(const CudaEventRow& row) {
  time.push_back(row.time);
  stream.push_back(row.stream);
  correlation.push_back(row.correlation);
  event_id.push_back(row.event_id);
  event_sync_id.push_back(row.event_sync_id);
  return static_cast<uint32_t>(size() - 1);
}

CudaEventRow CudaEventTable::row(uint32_t i) const {
  return {time[i], stream[i], correlation[i], event_id[i], event_sync_id[i]};
}

uint32_t MemoryEventTable::append(const MemoryEventRow& row) {
  time.push_back(row.time);
  process.push_back(row.process);
  thread.push_back(row.thread);
  device.push_back(row.device);
  address.push_back(row.address);
  bytes.push_back(row.bytes);
  op.push_back(row.op);
  total_allocated.push_back(row.total_allocated);
  total_reserved.push_back(row.total_reserved);
  return static_cast<uint32_t>(size() - 1);
}

MemoryEventRow MemoryEventTable::row(uint32_t i) const {
  return {time[i],  process[i], thread[i],          device[i],         address[i],
          bytes[i], op[i],      total_allocated[i], total_reserved[i]};
}

uint32_t IterationTable::append(const IterationRow& row) {
  start.push_back(row.start);
  end.push_back(row.end);
  process.push_back(row.process);
  name.push_back(row.name);
  number.push_back(row.number);
  source.push_back(row.source);
  thread.push_back(row.thread);
  return static_cast<uint32_t>(size() - 1);
}

IterationRow IterationTable::row(uint32_t i) const {
  return {start[i], end[i], process[i], name[i], number[i], source[i], thread[i]};
}

void IterationTable::clear() { *this = IterationTable(); }

size_t Trace::event_count() const {
  return api_calls.size() + gpu_ops.size() + ranges.size() + syncs.size() + cuda_events.size() +
         memory_events.size();
}

size_t Trace::memory_bytes() const {
  const auto& a = api_calls;
  const auto& g = gpu_ops;
  const auto& r = ranges;
  const auto& s = syncs;
  const auto& m = memory_events;
  return strings.memory_bytes() +
         columns_bytes(a.start, a.end, a.thread, a.correlation, a.name, a.source, a.cbid,
                       a.external_id) +
         columns_bytes(g.start, g.end, g.kind, g.stream, g.correlation, g.name, g.external_id,
                       g.bytes, g.copy_kind, g.grid_x, g.grid_y, g.grid_z, g.block_x, g.block_y,
                       g.block_z, g.registers_per_thread, g.shared_memory_bytes) +
         columns_bytes(r.start, r.end, r.kind, r.thread, r.stream, r.name, r.external_id,
                       r.sequence_number, r.parent, r.depth, r.input_dims, r.input_types,
                       r.concrete_inputs) +
         columns_bytes(range_links.from, range_links.to, range_links.kind) +
         columns_bytes(s.start, s.end, s.kind, s.thread, s.stream, s.correlation, s.event_id,
                       s.event_sync_id, s.event_record_correlation) +
         columns_bytes(cuda_events.time, cuda_events.stream, cuda_events.correlation,
                       cuda_events.event_id, cuda_events.event_sync_id) +
         columns_bytes(m.time, m.process, m.thread, m.device, m.address, m.bytes, m.op,
                       m.total_allocated, m.total_reserved);
}

void Trace::shrink_to_fit() {
  auto& a = api_calls;
  auto& g = gpu_ops;
  auto& r = ranges;
  auto& s = syncs;
  auto& m = memory_events;
  shrink_columns(a.start, a.end, a.thread, a.correlation, a.name, a.source, a.cbid,
                 a.external_id);
  shrink_columns(g.start, g.end, g.kind, g.stream, g.correlation, g.name, g.external_id, g.bytes,
                 g.copy_kind, g.grid_x, g.grid_y, g.grid_z, g.block_x, g.block_y, g.block_z,
                 g.registers_per_thread, g.shared_memory_bytes);
  shrink_columns(r.start, r.end, r.kind, r.thread, r.stream, r.name, r.external_id,
                 r.sequence_number, r.parent, r.depth, r.input_dims, r.input_types,
                 r.concrete_inputs);
  shrink_columns(range_links.from, range_links.to, range_links.kind);
  shrink_columns(s.start, s.end, s.kind, s.thread, s.stream, s.correlation, s.event_id,
                 s.event_sync_id, s.event_record_correlation);
  shrink_columns(cuda_events.time, cuda_events.stream, cuda_events.correlation,
                 cuda_events.event_id, cuda_events.event_sync_id);
  shrink_columns(m.time, m.process, m.thread, m.device, m.address, m.bytes, m.op,
                 m.total_allocated, m.total_reserved);
}

}  // namespace dd
