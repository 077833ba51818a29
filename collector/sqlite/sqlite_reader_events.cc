// Reads the event tables: API calls, GPU ops (kernels, memcpys, memsets, put back into Trace
// order by ddOpId when present), synchronizations, CUDA events, memory events and iterations.
// Enum-valued columns go through the file's ENUM_* tables by name (ReadContext::load_enums).
#include <array>

#include "collector/sqlite/sqlite_reader_internal.h"

namespace dd::sqlite_read {

namespace {

uint64_t as_uint(int64_t value) {
  return static_cast<uint64_t>(value);
}

// nsys's runtime table also holds driver calls (eventClass) and rows of other classes
// (e.g. CUDA backtraces repeating a call), which are not API calls of their own.
Result<void> read_api_calls(ReadContext& context) {
  namespace c = sql::runtime;
  ApiCallTable& calls = context.trace().api_calls;
  uint64_t other_class = 0;
  auto read = context.read_table(c::kTable, [&](Row& row) {
    ApiCallRow call;
    call.start = row.required_time(c::kStart);
    call.end = row.required_time(c::kEnd);
    int64_t global_tid = row.required_int(c::kGlobalTid);
    auto event_class = row.is_null(c::kEventClass)
                           ? NsysEventClass::kRuntime
                           : static_cast<NsysEventClass>(
                                 context.event_classes().get(row.optional_int(c::kEventClass, 0)));
    call.correlation = as_uint(row.optional_int(c::kCorrelationId, 0));
    call.name = context.string(row, c::kNameId);
    call.cbid = static_cast<int32_t>(row.optional_int(c::kDdCbid, -1));
    call.external_id = as_uint(row.optional_int(c::kDdExternalId, 0));
    if (!row.valid()) return;
    if (event_class == NsysEventClass::kOther) {
      ++other_class;
      return;
    }
    call.source = event_class == NsysEventClass::kDriver ? ApiSource::kDriver : ApiSource::kRuntime;
    call.thread = context.thread(global_tid);
    calls.append(call);
  });
  context.count("nsys_runtime_rows_of_other_class", Severity::kInfo, other_class);
  return read;
}

// Kernels, memcpys and memsets share the GPU op table. Daydream traces give each row its
// Trace index (ddOpId); nsys rows keep table order.
class GpuOpReader {
 public:
  explicit GpuOpReader(ReadContext& context) : context_(context) {}

  Result<void> read() {
    for (auto part :
         {&GpuOpReader::read_kernels, &GpuOpReader::read_memcpys, &GpuOpReader::read_memsets}) {
      if (auto done = (this->*part)(); !done) return done;
    }
    std::vector<uint32_t> order = order_by_key(keys_);
    if (!order.empty()) apply_row_order(context_.trace().gpu_ops, order);
    return {};
  }

 private:
  // Fills the columns every kind has; false if the row is malformed.
  bool read_common(Row& row, GpuOpRow& op, int start, int end, int pid, int device, int stream,
                   int correlation, int external_id, int op_id) {
    op.start = row.required_time(start);
    op.end = row.required_time(end);
    op.correlation = as_uint(row.optional_int(correlation, 0));
    op.external_id = as_uint(row.optional_int(external_id, 0));
    key_ = row.optional_int(op_id, static_cast<int64_t>(keys_.size()));
    if (!row.valid()) return false;
    op.stream = context_.stream_at(row, pid, device, stream);
    if (op.stream == kNone) row.invalidate();
    return row.valid();
  }
  void append(const GpuOpRow& op) {
    context_.trace().gpu_ops.append(op);
    keys_.push_back(key_);
  }
  // Name of an op stored without one (nsys memcpys and memsets): "Memcpy HtoD", "Memset".
  StringId fallback_name(GpuOpKind kind, CopyKind copy_kind) {
    size_t slot = kind == GpuOpKind::kMemset ? 0 : 1 + static_cast<size_t>(copy_kind);
    if (fallback_names_[slot] == kNone) {
      fallback_names_[slot] = context_.intern(
          kind == GpuOpKind::kMemset ? std::string("Memset")
                                     : "Memcpy " + std::string(copy_kind_name(copy_kind)));
    }
    return fallback_names_[slot];
  }

  Result<void> read_kernels() {
    namespace k = sql::kernels;
    return context_.read_table(k::kTable, [&](Row& row) {
      GpuOpRow op;
      op.kind = GpuOpKind::kKernel;
      op.name =
          context_.string(row, row.is_null(k::kDemangledName) ? k::kShortName : k::kDemangledName);
      auto dim = [&](int column) { return static_cast<uint32_t>(row.optional_int(column, 0)); };
      op.grid[0] = dim(k::kGridX);
      op.grid[1] = dim(k::kGridY);
      op.grid[2] = dim(k::kGridZ);
      op.block[0] = dim(k::kBlockX);
      op.block[1] = dim(k::kBlockY);
      op.block[2] = dim(k::kBlockZ);
      op.registers_per_thread = static_cast<uint16_t>(dim(k::kRegistersPerThread));
      op.shared_memory_bytes = dim(k::kStaticSharedMemory) + dim(k::kDynamicSharedMemory);
      if (read_common(row, op, k::kStart, k::kEnd, k::kGlobalPid, k::kDeviceId, k::kStreamId,
                      k::kCorrelationId, k::kDdExternalId, k::kDdOpId)) {
        append(op);
      }
    });
  }

  Result<void> read_memcpys() {
    namespace c = sql::memcpys;
    return context_.read_table(c::kTable, [&](Row& row) {
      GpuOpRow op;
      op.kind = GpuOpKind::kMemcpy;
      op.bytes = as_uint(row.optional_int(c::kBytes, 0));
      if (!row.is_null(c::kCopyKind)) {
        op.copy_kind =
            static_cast<CopyKind>(context_.memcpy_kinds().get(row.optional_int(c::kCopyKind, 0)));
      }
      op.name = row.is_null(c::kDdNameId) ? fallback_name(op.kind, op.copy_kind)
                                          : context_.string(row, c::kDdNameId);
      if (read_common(row, op, c::kStart, c::kEnd, c::kGlobalPid, c::kDeviceId, c::kStreamId,
                      c::kCorrelationId, c::kDdExternalId, c::kDdOpId)) {
        append(op);
      }
    });
  }

  Result<void> read_memsets() {
    namespace s = sql::memsets;
    return context_.read_table(s::kTable, [&](Row& row) {
      GpuOpRow op;
      op.kind = GpuOpKind::kMemset;
      op.bytes = as_uint(row.optional_int(s::kBytes, 0));
      op.name = row.is_null(s::kDdNameId) ? fallback_name(op.kind, op.copy_kind)
                                          : context_.string(row, s::kDdNameId);
      if (read_common(row, op, s::kStart, s::kEnd, s::kGlobalPid, s::kDeviceId, s::kStreamId,
                      s::kCorrelationId, s::kDdExternalId, s::kDdOpId)) {
        append(op);
      }
    });
  }

  ReadContext& context_;
  std::vector<int64_t> keys_;
  int64_t key_ = 0;
  std::array<StringId, 8> fallback_names_ = {kNone, kNone, kNone, kNone,
                                             kNone, kNone, kNone, kNone};
};

Result<void> read_syncs(ReadContext& context) {
  namespace s = sql::syncs;
  SyncTable& syncs = context.trace().syncs;
  return context.read_table(s::kTable, [&](Row& row) {
    SyncRow sync;
    sync.start = row.required_time(s::kStart);
    sync.end = row.required_time(s::kEnd);
    sync.kind = static_cast<SyncKind>(context.sync_types().get(row.optional_int(s::kSyncType, -1)));
    sync.correlation = as_uint(row.optional_int(s::kCorrelationId, 0));
    sync.event_id = as_uint(row.optional_int(s::kEventId, 0));
    sync.event_sync_id = as_uint(row.optional_int(s::kEventSyncId, 0));
    sync.event_record_correlation = as_uint(row.optional_int(s::kDdEventRecordCorrelation, 0));
    if (!row.valid()) return;
    sync.stream = context.stream_at(row, s::kGlobalPid, s::kDeviceId, s::kStreamId);
    sync.thread = context.thread_at(row, s::kDdGlobalTid);
    if (row.valid()) syncs.append(sync);
  });
}

Result<void> read_cuda_events(ReadContext& context) {
  namespace e = sql::cuda_events;
  CudaEventTable& events = context.trace().cuda_events;
  return context.read_table(e::kTable, [&](Row& row) {
    CudaEventRow event;
    event.time = row.optional_int(e::kTimestamp, 0);  // nsys: 0 or NULL when not collected
    if (!is_trace_time(event.time)) row.invalidate();
    event.correlation = as_uint(row.optional_int(e::kCorrelationId, 0));
    event.event_id = as_uint(row.optional_int(e::kEventId, 0));
    event.event_sync_id = as_uint(row.optional_int(e::kEventSyncId, 0));
    if (!row.valid()) return;
    event.stream = context.stream_at(row, e::kGlobalPid, e::kDeviceId, e::kStreamId);
    if (row.valid()) events.append(event);
  });
}

// Host memory (pageable or pinned, by ENUM_CUDA_MEM_KIND name) reads as device -1.
Result<void> read_memory_events(ReadContext& context) {
  namespace m = sql::memory;
  MemoryEventTable& events = context.trace().memory_events;
  return context.read_table(m::kTable, [&](Row& row) {
    MemoryEventRow event;
    event.time = row.required_time(m::kStart);
    auto place =
        static_cast<MemoryPlace>(context.memory_kinds().get(row.optional_int(m::kMemKind, -1)));
    event.device =
        place == MemoryPlace::kHost ? -1 : static_cast<int32_t>(row.optional_int(m::kDeviceId, -1));
    event.address = as_uint(row.optional_int(m::kAddress, 0));
    event.bytes = row.required_int(m::kBytes);
    uint8_t op = context.memory_operations().get(row.required_int(m::kMemoryOperationType));
    if (op == memory_operation_enum().unknown_value) row.invalidate();
    event.op = static_cast<MemoryOp>(op);
    event.total_allocated = row.optional_int(m::kDdTotalAllocated, -1);
    event.total_reserved = row.optional_int(m::kDdTotalReserved, -1);
    if (!row.valid()) return;
    event.process = context.process_at(row, m::kGlobalPid);
    event.thread = context.thread_at(row, m::kDdGlobalTid);
    if (row.valid()) events.append(event);
  });
}

}  // namespace

Result<void> read_events(ReadContext& context) {
  if (auto done = read_api_calls(context); !done) return done;
  if (auto done = GpuOpReader(context).read(); !done) return done;
  for (auto read : {read_syncs, read_cuda_events, read_memory_events}) {
    if (auto done = read(context); !done) return done;
  }
  return {};
}

Result<void> read_iterations(ReadContext& context) {
  namespace it = sql::iterations;
  IterationTable& iterations = context.trace().iterations;
  return context.read_table(it::kTable, [&](Row& row) {
    IterationRow iteration;
    iteration.number = row.optional_int(it::kIteration, -1);
    iteration.start = row.required_time(it::kStart);
    iteration.end = row.required_time(it::kEnd);
    auto source = enum_from_name(row.required_text(it::kSource), iteration_source_name,
                                 IterationSource::kOptimizerStep);
    iteration.name = context.string(row, it::kNameId);
    if (!source) row.invalidate();
    if (!row.valid()) return;
    iteration.source = *source;
    iteration.process = context.process_at(row, it::kGlobalPid);
    iteration.thread = context.thread_at(row, it::kGlobalTid);
    if (row.valid()) iterations.append(iteration);
  });
}

}  // namespace dd::sqlite_read
