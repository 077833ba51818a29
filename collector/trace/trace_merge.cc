// append_trace (see trace_merge.h): each table of the part appended row by row, with its string
// ids and row references translated to the job's.
#include "collector/trace/trace_merge.h"

namespace dd {

namespace {

// Translates one part's string ids and row indexes into the job's.
class RowMapper {
 public:
  RowMapper(Trace& job, const Trace& part)
      : job_(job),
        part_(part),
        processes_(static_cast<uint32_t>(job.processes.size())),
        threads_(static_cast<uint32_t>(job.threads.size())),
        streams_(static_cast<uint32_t>(job.streams.size())),
        ranges_(static_cast<uint32_t>(job.ranges.size())) {}

  StringId name(StringId id) const { return job_.strings.intern(part_.str(id)); }
  uint32_t process(uint32_t row) const { return shift(row, processes_); }
  uint32_t thread(uint32_t row) const { return shift(row, threads_); }
  uint32_t stream(uint32_t row) const { return shift(row, streams_); }
  uint32_t range(uint32_t row) const { return shift(row, ranges_); }

 private:
  static uint32_t shift(uint32_t row, uint32_t offset) { return row == kNone ? kNone : row + offset; }

  Trace& job_;
  const Trace& part_;
  uint32_t processes_, threads_, streams_, ranges_;
};

void append_entities(Trace& job, const Trace& part, const RowMapper& map) {
  for (uint32_t i = 0; i < part.processes.size(); ++i) {
    ProcessRow row = part.processes.row(i);
    row.name = map.name(row.name);
    job.processes.append(row);
  }
  for (uint32_t i = 0; i < part.threads.size(); ++i) {
    ThreadRow row = part.threads.row(i);
    row.process = map.process(row.process);
    row.name = map.name(row.name);
    job.threads.append(row);
  }
  for (uint32_t i = 0; i < part.streams.size(); ++i) {
    StreamRow row = part.streams.row(i);
    row.process = map.process(row.process);
    row.name = map.name(row.name);
    job.streams.append(row);
  }
  for (uint32_t i = 0; i < part.devices.size(); ++i) {
    DeviceRow row = part.devices.row(i);
    row.process = map.process(row.process);
    row.name = map.name(row.name);
    job.devices.append(row);
  }
}

void append_events(Trace& job, const Trace& part, const RowMapper& map) {
  for (uint32_t i = 0; i < part.api_calls.size(); ++i) {
    ApiCallRow row = part.api_calls.row(i);
    row.thread = map.thread(row.thread);
    row.name = map.name(row.name);
    job.api_calls.append(row);
  }
  for (uint32_t i = 0; i < part.gpu_ops.size(); ++i) {
    GpuOpRow row = part.gpu_ops.row(i);
    row.stream = map.stream(row.stream);
    row.name = map.name(row.name);
    job.gpu_ops.append(row);
  }
  for (uint32_t i = 0; i < part.ranges.size(); ++i) {
    RangeRow row = part.ranges.row(i);
    row.thread = map.thread(row.thread);
    row.stream = map.stream(row.stream);
    row.name = map.name(row.name);
    row.parent = map.range(row.parent);
    job.ranges.append(row);
  }
  for (size_t i = 0; i < part.range_links.size(); ++i) {
    job.range_links.append(map.range(part.range_links.from[i]), map.range(part.range_links.to[i]),
                           part.range_links.kind[i]);
  }
  for (uint32_t i = 0; i < part.syncs.size(); ++i) {
    SyncRow row = part.syncs.row(i);
    row.thread = map.thread(row.thread);
    row.stream = map.stream(row.stream);
    job.syncs.append(row);
  }
  for (uint32_t i = 0; i < part.cuda_events.size(); ++i) {
    CudaEventRow row = part.cuda_events.row(i);
    row.stream = map.stream(row.stream);
    job.cuda_events.append(row);
  }
  for (uint32_t i = 0; i < part.memory_events.size(); ++i) {
    MemoryEventRow row = part.memory_events.row(i);
    row.process = map.process(row.process);
    row.thread = map.thread(row.thread);
    job.memory_events.append(row);
  }
}

}  // namespace

void append_trace(Trace& job, const Trace& part) {
  RowMapper map(job, part);
  append_entities(job, part, map);
  append_events(job, part, map);
  for (const auto& [key, value] : part.metadata) job.metadata.try_emplace(key, value);
  job.diagnostics.merge(part.diagnostics);
  if (job.format == TraceFormat::kUnknown) job.format = part.format;
}

}  // namespace dd
