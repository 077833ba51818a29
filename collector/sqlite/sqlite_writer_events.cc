// Writes the event tables of a Trace: API calls, GPU ops (one nsys table per kind, with the
// op's Trace index in ddOpId), ranges (NVTX ranges in NVTX_EVENTS, other kinds in DD_RANGES,
// both keyed by the range's Trace index), range links, syncs, CUDA events, memory events and
// iterations. Only the columns meaningful for a GPU op's kind are stored: grid, block,
// registers and shared memory for kernels, bytes (and copy kind) for memcpys and memsets.
#include "collector/sqlite/nsys_enums.h"
#include "collector/sqlite/sqlite_writer_internal.h"

namespace dd::sqlite_write {

namespace {

int64_t as_int(uint64_t value) {
  return static_cast<int64_t>(value);
}

template <typename E>
int64_t enum_id(const NsysEnum& nsys_enum, E value) {
  return nsys_enum_id(nsys_enum, static_cast<uint8_t>(value));
}

Result<void> write_api_calls(WriteContext& context) {
  namespace c = sql::runtime;
  auto stmt = context.insert(c::kTable);
  if (!stmt) return std::unexpected(stmt.error());
  const ApiCallTable& calls = context.trace().api_calls;
  for (uint32_t i = 0; i < calls.size(); ++i) {
    stmt->bind_int(c::kStart, calls.start[i]);
    stmt->bind_int(c::kEnd, calls.end[i]);
    stmt->bind_int(c::kEventClass,
                   enum_id(nsys_event_class_enum(), calls.source[i] == ApiSource::kDriver
                                                        ? NsysEventClass::kDriver
                                                        : NsysEventClass::kRuntime));
    context.bind_thread(*stmt, c::kGlobalTid, calls.thread[i]);
    stmt->bind_int(c::kCorrelationId, as_int(calls.correlation[i]));
    stmt->bind_int(c::kNameId, calls.name[i]);
    stmt->bind_int(c::kReturnValue, 0);
    stmt->bind_int(c::kDdCbid, calls.cbid[i]);
    stmt->bind_int(c::kDdExternalId, as_int(calls.external_id[i]));
    if (auto done = stmt->add_row(); !done) return done;
  }
  return stmt->finish();
}

Result<void> write_gpu_ops(WriteContext& context) {
  namespace k = sql::kernels;
  namespace c = sql::memcpys;
  namespace s = sql::memsets;
  auto kernels = context.insert(k::kTable);
  if (!kernels) return std::unexpected(kernels.error());
  auto memcpys = context.insert(c::kTable);
  if (!memcpys) return std::unexpected(memcpys.error());
  auto memsets = context.insert(s::kTable);
  if (!memsets) return std::unexpected(memsets.error());
  const GpuOpTable& ops = context.trace().gpu_ops;
  for (uint32_t i = 0; i < ops.size(); ++i) {
    SqliteBatchInsert* stmt = nullptr;
    if (ops.kind[i] == GpuOpKind::kKernel) {
      stmt = &*kernels;
      context.bind_stream(*stmt, k::kGlobalPid, k::kDeviceId, k::kStreamId, ops.stream[i]);
      stmt->bind_int(k::kStart, ops.start[i]);
      stmt->bind_int(k::kEnd, ops.end[i]);
      stmt->bind_int(k::kCorrelationId, as_int(ops.correlation[i]));
      stmt->bind_int(k::kDemangledName, ops.name[i]);
      stmt->bind_int(k::kShortName, ops.name[i]);
      stmt->bind_int(k::kGridX, ops.grid_x[i]);
      stmt->bind_int(k::kGridY, ops.grid_y[i]);
      stmt->bind_int(k::kGridZ, ops.grid_z[i]);
      stmt->bind_int(k::kBlockX, ops.block_x[i]);
      stmt->bind_int(k::kBlockY, ops.block_y[i]);
      stmt->bind_int(k::kBlockZ, ops.block_z[i]);
      stmt->bind_int(k::kRegistersPerThread, ops.registers_per_thread[i]);
      stmt->bind_int(k::kStaticSharedMemory, ops.shared_memory_bytes[i]);
      stmt->bind_int(k::kDynamicSharedMemory, 0);
      stmt->bind_int(k::kDdExternalId, as_int(ops.external_id[i]));
      stmt->bind_int(k::kDdOpId, i);
    } else if (ops.kind[i] == GpuOpKind::kMemcpy) {
      stmt = &*memcpys;
      context.bind_stream(*stmt, c::kGlobalPid, c::kDeviceId, c::kStreamId, ops.stream[i]);
      stmt->bind_int(c::kStart, ops.start[i]);
      stmt->bind_int(c::kEnd, ops.end[i]);
      stmt->bind_int(c::kCorrelationId, as_int(ops.correlation[i]));
      stmt->bind_int(c::kBytes, as_int(ops.bytes[i]));
      if (ops.copy_kind[i] == CopyKind::kNotACopy) {
        stmt->bind_null(c::kCopyKind);
      } else {
        stmt->bind_int(c::kCopyKind, enum_id(memcpy_kind_enum(), ops.copy_kind[i]));
      }
      stmt->bind_int(c::kDdExternalId, as_int(ops.external_id[i]));
      stmt->bind_int(c::kDdOpId, i);
      stmt->bind_int(c::kDdNameId, ops.name[i]);
    } else {
      stmt = &*memsets;
      context.bind_stream(*stmt, s::kGlobalPid, s::kDeviceId, s::kStreamId, ops.stream[i]);
      stmt->bind_int(s::kStart, ops.start[i]);
      stmt->bind_int(s::kEnd, ops.end[i]);
      stmt->bind_int(s::kCorrelationId, as_int(ops.correlation[i]));
      stmt->bind_int(s::kBytes, as_int(ops.bytes[i]));
      stmt->bind_int(s::kDdExternalId, as_int(ops.external_id[i]));
      stmt->bind_int(s::kDdOpId, i);
      stmt->bind_int(s::kDdNameId, ops.name[i]);
    }
    if (auto done = stmt->add_row(); !done) return done;
  }
  for (SqliteBatchInsert* table : {&*kernels, &*memcpys, &*memsets}) {
    if (auto done = table->finish(); !done) return done;
  }
  return {};
}

void bind_parent(SqliteBatchInsert& stmt, int column, uint32_t parent) {
  if (parent == kNone) {
    stmt.bind_null(column);
  } else {
    stmt.bind_int(column, parent);
  }
}

// NVTX ranges on a CPU thread go to NVTX_EVENTS as push/pop ranges; every other range to
// DD_RANGES. Both key the row by the range's index, which parents and links refer to.
Result<void> write_ranges(WriteContext& context) {
  namespace n = sql::nvtx;
  namespace r = sql::ranges;
  auto nvtx = context.insert(n::kTable);
  if (!nvtx) return std::unexpected(nvtx.error());
  auto others = context.insert(r::kTable);
  if (!others) return std::unexpected(others.error());
  const Trace& trace = context.trace();
  const RangeTable& ranges = trace.ranges;
  const int64_t push_pop = enum_id(nvtx_event_type_enum(), NvtxEventType::kPushPopRange);
  for (uint32_t i = 0; i < ranges.size(); ++i) {
    SqliteBatchInsert* stmt = nullptr;
    if (ranges.kind[i] == RangeKind::kNvtx && ranges.stream[i] == kNone) {
      stmt = &*nvtx;
      stmt->bind_int(n::kEventId, i);
      stmt->bind_int(n::kStart, ranges.start[i]);
      stmt->bind_int(n::kEnd, ranges.end[i]);
      stmt->bind_int(n::kEventType, push_pop);
      stmt->bind_text(n::kText, trace.str(ranges.name[i]));
      context.bind_thread(*stmt, n::kGlobalTid, ranges.thread[i]);
      context.bind_thread(*stmt, n::kEndGlobalTid, ranges.thread[i]);
      stmt->bind_int(n::kDomainId, 0);
      stmt->bind_int(n::kDdExternalId, as_int(ranges.external_id[i]));
      stmt->bind_int(n::kDdSequenceNumber, ranges.sequence_number[i]);
      bind_parent(*stmt, n::kDdParentId, ranges.parent[i]);
      stmt->bind_int(n::kDdDepth, ranges.depth[i]);
    } else {
      stmt = &*others;
      stmt->bind_int(r::kRangeId, i);
      stmt->bind_int(r::kStart, ranges.start[i]);
      stmt->bind_int(r::kEnd, ranges.end[i]);
      stmt->bind_text(r::kKind, range_kind_name(ranges.kind[i]));
      context.bind_thread(*stmt, r::kGlobalTid, ranges.thread[i]);
      context.bind_stream(*stmt, r::kGlobalPid, r::kDeviceId, r::kStreamId, ranges.stream[i]);
      stmt->bind_int(r::kNameId, ranges.name[i]);
      stmt->bind_int(r::kExternalId, as_int(ranges.external_id[i]));
      stmt->bind_int(r::kSequenceNumber, ranges.sequence_number[i]);
      bind_parent(*stmt, r::kParentId, ranges.parent[i]);
      stmt->bind_int(r::kDepth, ranges.depth[i]);
      stmt->bind_int(r::kInputDimsId, ranges.input_dims[i]);
      stmt->bind_int(r::kInputTypesId, ranges.input_types[i]);
      stmt->bind_int(r::kConcreteInputsId, ranges.concrete_inputs[i]);
    }
    if (auto done = stmt->add_row(); !done) return done;
  }
  if (auto done = nvtx->finish(); !done) return done;
  return others->finish();
}

Result<void> write_range_links(WriteContext& context) {
  namespace l = sql::range_links;
  auto stmt = context.insert(l::kTable);
  if (!stmt) return std::unexpected(stmt.error());
  const RangeLinkTable& links = context.trace().range_links;
  for (size_t i = 0; i < links.size(); ++i) {
    stmt->bind_int(l::kFromRangeId, links.from[i]);
    stmt->bind_int(l::kToRangeId, links.to[i]);
    stmt->bind_text(l::kKind, sql::kRangeLinkKindNames[static_cast<size_t>(links.kind[i])]);
    if (auto done = stmt->add_row(); !done) return done;
  }
  return stmt->finish();
}

// A sync names its stream when it has one; otherwise only the issuing thread's process.
Result<void> write_syncs(WriteContext& context) {
  namespace s = sql::syncs;
  auto stmt = context.insert(s::kTable);
  if (!stmt) return std::unexpected(stmt.error());
  const Trace& trace = context.trace();
  const SyncTable& syncs = trace.syncs;
  for (uint32_t i = 0; i < syncs.size(); ++i) {
    stmt->bind_int(s::kStart, syncs.start[i]);
    stmt->bind_int(s::kEnd, syncs.end[i]);
    context.bind_stream(*stmt, s::kGlobalPid, s::kDeviceId, s::kStreamId, syncs.stream[i]);
    if (syncs.stream[i] >= trace.streams.size() && syncs.thread[i] < trace.threads.size()) {
      context.bind_process(*stmt, s::kGlobalPid, trace.threads.process[syncs.thread[i]]);
    }
    stmt->bind_int(s::kCorrelationId, as_int(syncs.correlation[i]));
    stmt->bind_int(s::kSyncType, enum_id(sync_type_enum(), syncs.kind[i]));
    stmt->bind_int(s::kEventId, as_int(syncs.event_id[i]));
    stmt->bind_int(s::kEventSyncId, as_int(syncs.event_sync_id[i]));
    context.bind_thread(*stmt, s::kDdGlobalTid, syncs.thread[i]);
    stmt->bind_int(s::kDdEventRecordCorrelation, as_int(syncs.event_record_correlation[i]));
    if (auto done = stmt->add_row(); !done) return done;
  }
  return stmt->finish();
}

Result<void> write_cuda_events(WriteContext& context) {
  namespace e = sql::cuda_events;
  auto stmt = context.insert(e::kTable);
  if (!stmt) return std::unexpected(stmt.error());
  const CudaEventTable& events = context.trace().cuda_events;
  for (uint32_t i = 0; i < events.size(); ++i) {
    stmt->bind_int(e::kTimestamp, events.time[i]);
    context.bind_stream(*stmt, e::kGlobalPid, e::kDeviceId, e::kStreamId, events.stream[i]);
    stmt->bind_int(e::kCorrelationId, as_int(events.correlation[i]));
    stmt->bind_int(e::kEventId, as_int(events.event_id[i]));
    stmt->bind_int(e::kEventSyncId, as_int(events.event_sync_id[i]));
    if (auto done = stmt->add_row(); !done) return done;
  }
  return stmt->finish();
}

// Host memory (device -1) is written as pageable memory on device -1.
Result<void> write_memory_events(WriteContext& context) {
  namespace m = sql::memory;
  auto stmt = context.insert(m::kTable);
  if (!stmt) return std::unexpected(stmt.error());
  const MemoryEventTable& events = context.trace().memory_events;
  const int64_t host = enum_id(memory_kind_enum(), MemoryPlace::kHost);
  const int64_t device = enum_id(memory_kind_enum(), MemoryPlace::kDevice);
  for (uint32_t i = 0; i < events.size(); ++i) {
    stmt->bind_int(m::kStart, events.time[i]);
    context.bind_process(*stmt, m::kGlobalPid, events.process[i]);
    stmt->bind_int(m::kDeviceId, events.device[i]);
    stmt->bind_int(m::kAddress, as_int(events.address[i]));
    stmt->bind_int(m::kBytes, events.bytes[i]);
    stmt->bind_int(m::kMemKind, events.device[i] == -1 ? host : device);
    stmt->bind_int(m::kMemoryOperationType, enum_id(memory_operation_enum(), events.op[i]));
    context.bind_thread(*stmt, m::kDdGlobalTid, events.thread[i]);
    stmt->bind_int(m::kDdTotalAllocated, events.total_allocated[i]);
    stmt->bind_int(m::kDdTotalReserved, events.total_reserved[i]);
    if (auto done = stmt->add_row(); !done) return done;
  }
  return stmt->finish();
}

Result<void> write_iterations(WriteContext& context) {
  namespace it = sql::iterations;
  auto stmt = context.insert(it::kTable);
  if (!stmt) return std::unexpected(stmt.error());
  const IterationTable& iterations = context.trace().iterations;
  for (uint32_t i = 0; i < iterations.size(); ++i) {
    context.bind_process(*stmt, it::kGlobalPid, iterations.process[i]);
    stmt->bind_int(it::kIteration, iterations.number[i]);
    stmt->bind_int(it::kStart, iterations.start[i]);
    stmt->bind_int(it::kEnd, iterations.end[i]);
    stmt->bind_text(it::kSource, iteration_source_name(iterations.source[i]));
    stmt->bind_int(it::kNameId, iterations.name[i]);
    context.bind_thread(*stmt, it::kGlobalTid, iterations.thread[i]);
    if (auto done = stmt->add_row(); !done) return done;
  }
  return stmt->finish();
}

}  // namespace

Result<void> write_events(WriteContext& context) {
  for (auto write : {write_api_calls, write_gpu_ops, write_ranges, write_range_links, write_syncs,
                     write_cuda_events, write_memory_events, write_iterations}) {
    if (auto done = write(context); !done) return done;
  }
  return {};
}

}  // namespace dd::sqlite_write
