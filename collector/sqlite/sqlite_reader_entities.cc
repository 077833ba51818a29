// Reads processes, threads, streams and devices. A daydream trace lists every one of them, in
// Trace order, so reading these tables first recreates the writer's indexes; in nsys exports
// they are also created on first use by the event tables.
#include <algorithm>
#include <set>
#include <unordered_map>
#include <vector>

#include "collector/sqlite/sqlite_reader_internal.h"

namespace dd::sqlite_read {

namespace {

Result<void> read_processes(ReadContext& context) {
  namespace p = sql::processes;
  Trace& trace = context.trace();
  auto read = context.read_table(p::kTable, [&](Row& row) {
    int64_t global = row.required_int(p::kGlobalPid);
    int64_t pid = row.optional_int(p::kPid, pid_of_global(global));
    std::string_view name = row.optional_text(p::kName);
    if (!row.valid()) return;
    uint32_t process = context.process(global);
    trace.processes.pid[process] = pid;
    trace.processes.name[process] = context.intern(name);
  });
  if (!read) return read;
  namespace r = sql::dd_processes;
  return context.read_table(r::kTable, [&](Row& row) {
    int64_t global = row.required_int(r::kGlobalPid);
    int64_t rank = row.required_int(r::kRank);
    if (row.valid()) trace.processes.rank[context.process(global)] = static_cast<int32_t>(rank);
  });
}

Result<void> read_threads(ReadContext& context) {
  namespace t = sql::threads;
  return context.read_table(t::kTable, [&](Row& row) {
    int64_t global = row.required_int(t::kGlobalTid);
    int64_t tid = row.optional_int(t::kDdTid, tid_of_global(global));
    StringId name = context.string(row, t::kNameId);
    if (row.valid()) context.trace().threads.name[context.add_thread(global, tid)] = name;
  });
}

// nsys's stream table names a context, not a device; nsys streams are created from the
// activity rows instead, so only daydream traces read this table.
Result<void> read_streams(ReadContext& context) {
  if (!context.daydream()) return {};
  namespace s = sql::streams;
  return context.read_table(s::kTable, [&](Row& row) {
    int64_t stream_id = row.required_int(s::kStreamId);
    int64_t hw_id = row.optional_int(s::kHwId, 0);
    int64_t vm_id = row.optional_int(s::kVmId, 0);
    int64_t pid = row.required_int(s::kProcessId);
    int64_t device = row.required_int(s::kDdDeviceId);
    StringId name = context.string(row, s::kDdNameId);
    if (!row.valid()) return;
    uint32_t stream = context.stream(sql::compose_global_pid(hw_id, vm_id, pid), device, stream_id);
    context.trace().streams.name[stream] = name;
  });
}

void set_properties(DeviceTable& devices, uint32_t device, const DeviceRow& info) {
  devices.name[device] = info.name;
  if (info.sm_count != 0) devices.sm_count[device] = info.sm_count;
  devices.total_memory_bytes[device] = info.total_memory_bytes;
  devices.memory_bandwidth_bytes_per_s[device] = info.memory_bandwidth_bytes_per_s;
  devices.clock_hz[device] = info.clock_hz;
  devices.compute_major[device] = info.compute_major;
  devices.compute_minor[device] = info.compute_minor;
}

// TARGET_INFO_GPU holds the properties, TARGET_INFO_CUDA_DEVICE which process uses which GPU
// under which CUDA device id; a Trace device row is one of the latter with the former's data.
// A GPU no CUDA_DEVICE row maps (an export without that table) is a device of no particular
// process, its GPU id taken for its CUDA device id (nsys numbers both from 0).
Result<void> read_devices(ReadContext& context) {
  namespace g = sql::gpus;
  std::unordered_map<int64_t, DeviceRow> gpus;
  auto read = context.read_table(g::kTable, [&](Row& row) {
    DeviceRow gpu;
    int64_t id = row.required_int(g::kId);
    gpu.name = context.intern(row.optional_text(g::kName));
    gpu.total_memory_bytes = static_cast<uint64_t>(row.optional_int(g::kTotalMemory, 0));
    gpu.memory_bandwidth_bytes_per_s = row.optional_real(g::kMemoryBandwidth, 0);
    gpu.clock_hz = row.optional_real(g::kClockRate, 0);
    gpu.sm_count = static_cast<int32_t>(row.optional_int(g::kSmCount, 0));
    gpu.compute_major = static_cast<int8_t>(row.optional_int(g::kComputeMajor, 0));
    gpu.compute_minor = static_cast<int8_t>(row.optional_int(g::kComputeMinor, 0));
    if (row.valid()) gpus.try_emplace(id, gpu);
  });
  if (!read) return read;

  namespace c = sql::cuda_devices;
  DeviceTable& devices = context.trace().devices;
  std::set<int64_t> mapped;
  read = context.read_table(c::kTable, [&](Row& row) {
    int64_t gpu_id = row.required_int(c::kGpuId);
    int64_t cuda_id = row.required_int(c::kCudaId);
    int64_t sm_count = row.optional_int(c::kNumMultiprocessors, 0);
    // ddGlobalPid tells apart processes that share a pid; nsys exports have only the pid.
    bool has_process = !row.is_null(c::kDdGlobalPid) || !row.is_null(c::kPid);
    int64_t global = row.is_null(c::kDdGlobalPid) ? global_pid(row.optional_int(c::kPid, 0))
                                                  : row.optional_int(c::kDdGlobalPid, 0);
    if (!row.valid()) return;
    uint32_t device = context.device(has_process ? context.process(global) : kNone, cuda_id);
    devices.sm_count[device] = static_cast<int32_t>(sm_count);
    auto gpu = gpus.find(gpu_id);
    if (gpu == gpus.end()) return;
    mapped.insert(gpu_id);
    set_properties(devices, device, gpu->second);
  });
  if (!read) return read;
  std::vector<int64_t> unmapped;
  for (const auto& [id, info] : gpus) {
    if (!mapped.contains(id)) unmapped.push_back(id);
  }
  std::ranges::sort(unmapped);
  for (int64_t id : unmapped) set_properties(devices, context.device(kNone, id), gpus.at(id));
  return {};
}

}  // namespace

Result<void> read_entities(ReadContext& context) {
  for (auto read : {read_processes, read_threads, read_streams, read_devices}) {
    if (auto done = read(context); !done) return done;
  }
  return {};
}

}  // namespace dd::sqlite_read
