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

// Appends every row of `from` to `into`, after `remap` has translated its references.
template <typename Table, typename Remap>
void append_rows(Table& into, const Table& from, Remap remap) {
  for (uint32_t i = 0; i < from.size(); ++i) {
    auto row = from.row(i);
    remap(row);
    into.append(row);
  }
}

void append_tables(Trace& job, const Trace& part, const RowMapper& map) {
  append_rows(job.processes, part.processes, [&](ProcessRow& r) { r.name = map.name(r.name); });
  append_rows(job.threads, part.threads, [&](ThreadRow& r) {
    r.process = map.process(r.process);
    r.name = map.name(r.name);
  });
  append_rows(job.streams, part.streams, [&](StreamRow& r) {
    r.process = map.process(r.process);
    r.name = map.name(r.name);
  });
  append_rows(job.devices, part.devices, [&](DeviceRow& r) {
    r.process = map.process(r.process);
    r.name = map.name(r.name);
  });
  append_rows(job.api_calls, part.api_calls, [&](ApiCallRow& r) {
    r.thread = map.thread(r.thread);
    r.name = map.name(r.name);
  });
  append_rows(job.gpu_ops, part.gpu_ops, [&](GpuOpRow& r) {
    r.stream = map.stream(r.stream);
    r.name = map.name(r.name);
  });
  append_rows(job.ranges, part.ranges, [&](RangeRow& r) {
    r.thread = map.thread(r.thread);
    r.stream = map.stream(r.stream);
    r.name = map.name(r.name);
    r.parent = map.range(r.parent);
  });
  for (size_t i = 0; i < part.range_links.size(); ++i) {
    job.range_links.append(map.range(part.range_links.from[i]), map.range(part.range_links.to[i]),
                           part.range_links.kind[i]);
  }
  append_rows(job.syncs, part.syncs, [&](SyncRow& r) {
    r.thread = map.thread(r.thread);
    r.stream = map.stream(r.stream);
  });
  append_rows(job.cuda_events, part.cuda_events,
              [&](CudaEventRow& r) { r.stream = map.stream(r.stream); });
  append_rows(job.memory_events, part.memory_events, [&](MemoryEventRow& r) {
    r.process = map.process(r.process);
    r.thread = map.thread(r.thread);
  });
}

}  // namespace

void append_trace(Trace& job, const Trace& part) {
  RowMapper map(job, part);
  append_tables(job, part, map);
  for (const auto& [key, value] : part.metadata) job.metadata.try_emplace(key, value);
  job.diagnostics.merge(part.diagnostics);
  if (job.format == TraceFormat::kUnknown) job.format = part.format;
}

}  // namespace dd
