// The daydream SQLite trace format: a Trace that fills every table and column survives
// write → read unchanged, and the file is shaped like an nsys export where the two overlap.
#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>

#include "collector/sqlite/sqlite_reader.h"
#include "collector/sqlite/sqlite_schema.h"
#include "collector/sqlite/sqlite_writer.h"
#include "collector/sqlite_fixture.h"
#include "collector/trace/trace_builder.h"
#include "collector/trace_loader.h"
#include "test_paths.h"
#include "trace_compare.h"

namespace {

using dd::kNone;

uint32_t add_range(dd::Trace& trace, dd::RangeKind kind, uint32_t thread, uint32_t stream,
                   dd::TimeNs start, dd::TimeNs end, const char* name, int64_t seq = -1) {
  dd::RangeRow row;
  row.kind = kind;
  row.thread = thread;
  row.stream = stream;
  row.start = start;
  row.end = end;
  row.name = trace.strings.intern(name);
  row.external_id = static_cast<uint64_t>(start) + 1000;
  row.sequence_number = seq;
  return trace.ranges.append(row);
}

dd::GpuOpRow gpu_op(dd::Trace& trace, dd::GpuOpKind kind, uint32_t stream, dd::TimeNs start,
                    const char* name) {
  dd::GpuOpRow op;
  op.kind = kind;
  op.stream = stream;
  op.start = start;
  op.end = start + 50;
  op.correlation = static_cast<uint64_t>(start) * 3;
  op.name = trace.strings.intern(name);
  op.external_id = static_cast<uint64_t>(start) + 7;
  return op;
}

// Two processes share a pid (two ranks' files), threads with a tid past 24 bits, values past
// INT64_MAX, NULL-able references left empty, interleaved GPU op kinds and range tables.
void fill(dd::Trace& trace) {
  dd::TraceBuilder b(trace);
  trace.format = dd::TraceFormat::kKinetoJson;
  uint32_t p0 = trace.processes.append({4242, b.intern("python rank0"), 0});
  uint32_t p1 = trace.processes.append({4242, b.intern("python rank1"), 1});
  uint32_t p2 = trace.processes.append({77, dd::kEmptyString, -1});
  uint32_t t0 = trace.threads.append({p0, 4242, b.intern("main")});
  uint32_t t1 = trace.threads.append({p0, 4250, b.intern("pt_autograd_0")});
  uint32_t t2 = trace.threads.append({p1, 4242, b.intern("main")});
  uint32_t t3 = trace.threads.append({p2, 20'000'000, dd::kEmptyString});
  uint32_t s0 = trace.streams.append({p0, 0, 7, b.intern("compute")});
  uint32_t s1 = trace.streams.append({p0, 0, 13, b.intern("nccl")});
  uint32_t s2 = trace.streams.append({p1, 0, 7, dd::kEmptyString});
  uint32_t s3 = trace.streams.append({p2, 1, 20, dd::kEmptyString});
  trace.devices.append(
      {p0, 0, b.intern("NVIDIA H100 80GB HBM3"), 132, 85'520'809'984ull, 3.35e12, 1.98e9, 9, 0});
  trace.devices.append(
      {p1, 0, b.intern("NVIDIA H100 80GB HBM3"), 132, 85'520'809'984ull, 3.35e12, 1.755e9, 9, 0});
  trace.devices.append(
      {p2, 1, b.intern("Tesla V100-SXM2-16GB"), 80, 16'000'000'000ull, 900.25e9, 1.53e9, 7, 0});

  trace.api_calls.append(
      {100, 120, t0, 1, b.intern("cudaLaunchKernel"), dd::ApiSource::kRuntime, 211, 5});
  trace.api_calls.append(
      {130, 140, t1, 2, b.intern("cuLaunchKernel"), dd::ApiSource::kDriver, 307, UINT64_MAX - 5});
  trace.api_calls.append({150, 190, t2, uint64_t{1} << 40, b.intern("cudaMemcpyAsync"),
                          dd::ApiSource::kRuntime, -1, 0});
  trace.api_calls.append({200, 210, t3, 0, dd::kEmptyString, dd::ApiSource::kRuntime, -1, 0});

  dd::GpuOpRow kernel = gpu_op(trace, dd::GpuOpKind::kKernel, s0, 300, "ampere_sgemm_128x64_nn");
  kernel.grid[0] = 120;
  kernel.grid[1] = 2;
  kernel.grid[2] = 3;
  kernel.block[0] = 256;
  kernel.block[1] = 4;
  kernel.block[2] = 5;
  kernel.registers_per_thread = 128;
  kernel.shared_memory_bytes = 49152;
  trace.gpu_ops.append(kernel);
  dd::GpuOpRow h2d = gpu_op(trace, dd::GpuOpKind::kMemcpy, s0, 360, "Memcpy HtoD");
  h2d.bytes = 1 << 20;
  h2d.copy_kind = dd::CopyKind::kHostToDevice;
  trace.gpu_ops.append(h2d);
  trace.gpu_ops.append(gpu_op(trace, dd::GpuOpKind::kKernel, s2, 410, "ncclKernel_AllReduce"));
  dd::GpuOpRow memset = gpu_op(trace, dd::GpuOpKind::kMemset, s1, 470, "Memset (Device)");
  memset.bytes = 4096;
  trace.gpu_ops.append(memset);
  for (auto [kind, at] : {std::pair{dd::CopyKind::kPeerToPeer, 520},
                          {dd::CopyKind::kDeviceToHost, 580},
                          {dd::CopyKind::kDeviceToDevice, 640},
                          {dd::CopyKind::kHostToHost, 700},
                          {dd::CopyKind::kUnknown, 760},
                          {dd::CopyKind::kNotACopy, 820}}) {
    dd::GpuOpRow copy = gpu_op(trace, dd::GpuOpKind::kMemcpy, s3, at, "Memcpy");
    copy.copy_kind = kind;
    copy.bytes = UINT64_MAX - static_cast<uint64_t>(at);
    trace.gpu_ops.append(copy);
  }
  trace.gpu_ops.append(gpu_op(trace, dd::GpuOpKind::kKernel, s0, 900, ""));

  // Ranges in an order that interleaves NVTX_EVENTS and DD_RANGES rows, nested on t0.
  using K = dd::RangeKind;
  add_range(trace, K::kFrameworkOp, t0, kNone, 10, 100, "aten::linear", 17);
  add_range(trace, K::kNvtx, t0, kNone, 20, 80, "layer1");
  uint32_t step = add_range(trace, K::kUserAnnotation, t0, kNone, 0, 1000, "ProfilerStep#3");
  add_range(trace, K::kPythonFunction, t0, kNone, 5, 200, "nn.Module: Linear_0");
  add_range(trace, K::kNvtx, t0, kNone, 30, 40, "");
  uint32_t fwd = add_range(trace, K::kFrameworkOp, t0, kNone, 110, 150, "aten::mm", 18);
  uint32_t bwd = add_range(trace, K::kFrameworkOp, t1, kNone, 600, 700, "MmBackward0", 18);
  add_range(trace, K::kGpuUserAnnotation, kNone, s0, 290, 960, "ProfilerStep#3");
  add_range(trace, K::kOther, kNone, kNone, 1, 2, "orphan");
  add_range(trace, K::kNvtx, t3, kNone, 5, 6, "other process");
  dd::compute_range_nesting(trace);
  REQUIRE(trace.ranges.parent[0] != kNone);
  trace.range_links.append(fwd, bwd, dd::RangeLinkKind::kForwardBackward);
  trace.range_links.append(step, fwd, dd::RangeLinkKind::kForwardBackward);

  using S = dd::SyncKind;
  trace.syncs.append({1000, 1100, S::kEventSynchronize, t0, kNone, 41, 9, 3, 40});
  trace.syncs.append({1110, 1120, S::kStreamWaitEvent, t0, s1, 42, 9, 3, 40});
  trace.syncs.append({1130, 1140, S::kStreamSynchronize, t2, s2, 43, 0, 0, 0});
  trace.syncs.append({1150, 1160, S::kContextSynchronize, t2, kNone, 44, 0, 0, 0});
  trace.syncs.append({1170, 1180, S::kUnknown, kNone, kNone, 0, 0, 0, 0});

  trace.cuda_events.append({990, s0, 40, 9, 3});
  trace.cuda_events.append({995, kNone, 45, UINT64_MAX, 0});

  using M = dd::MemoryOp;
  trace.memory_events.append(
      {50, p0, t0, 0, 0x7f00'0000'0000ull, 1 << 20, M::kAlloc, 1 << 20, 2 << 20});
  trace.memory_events.append({60, p0, t1, 0, 0x7f00'0000'0000ull, 1 << 20, M::kFree, 0, 2 << 20});
  trace.memory_events.append({70, p1, kNone, -1, UINT64_MAX, 4096, M::kAlloc, -1, -1});
  trace.memory_events.append({80, kNone, kNone, 3, 16, 8, M::kFree, -1, -1});

  trace.iterations.append(
      {0, 1000, p0, b.intern("ProfilerStep#3"), 3, dd::IterationSource::kProfilerStep});
  trace.iterations.append({5, 6, p2, b.intern("dd:iteration#4"), 4, dd::IterationSource::kNvtx});
  trace.iterations.append({7, 8, kNone, dd::kEmptyString, -1, dd::IterationSource::kUserMarker});
  trace.iterations.append(
      {10, 20, p0, b.intern("Optimizer.step#SGD.step [1]"), 1, dd::IterationSource::kOptimizerStep, t1});

  // Enough rows for full insert batches (32 rows) plus a tail, alternating between tables.
  for (int i = 0; i < 70; ++i) {
    dd::TimeNs at = 2000 + i * 10;
    trace.api_calls.append({at, at + 5, i % 2 == 0 ? t0 : t2, static_cast<uint64_t>(100 + i),
                            b.intern("cudaLaunchKernel"), dd::ApiSource::kRuntime, 211,
                            static_cast<uint64_t>(i)});
    trace.gpu_ops.append(gpu_op(trace, i % 3 == 0 ? dd::GpuOpKind::kMemset : dd::GpuOpKind::kKernel,
                                i % 2 == 0 ? s1 : s2, at, i % 2 == 0 ? "fill" : "relu"));
    add_range(trace, i % 2 == 0 ? K::kNvtx : K::kFrameworkOp, t2, kNone, at, at + 4,
              i % 2 == 0 ? "nvtx op" : "aten::relu", i);
  }
  dd::compute_range_nesting(trace);

  trace.metadata["hostname"] = "node1";
  trace.metadata["t0"] = "1700000000123456789";
  trace.diagnostics.add("kineto_unknown_event", dd::Severity::kWarning, 3);
  trace.diagnostics.add("dropped_records", dd::Severity::kDataLoss, 2);
}

int64_t query_int(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  int64_t value = -999;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    value = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

}  // namespace

TEST_CASE("A Trace filling every table survives write and read unchanged", "[collector][sqlite]") {
  dd::Trace original;
  fill(original);
  dd::test::ScratchFile file(".sqlite");
  auto written = dd::write_sqlite_trace(original, file.path());
  INFO((written ? std::string() : written.error().message));
  REQUIRE(written);
  auto read = dd::read_sqlite_trace(file.path());
  INFO((read ? std::string() : read.error().message));
  REQUIRE(read);

  // What reading a daydream trace is expected to change: the format, and the source format
  // kept as metadata.
  original.format = dd::TraceFormat::kDaydreamSqlite;
  original.metadata["sourceFormat"] = "kineto-json";
  std::string difference = dd::test::first_difference(original, *read);
  INFO(difference);
  CHECK(difference.empty());

  SECTION("a second round trip is exact as well") {
    dd::test::ScratchFile again(".sqlite");
    REQUIRE(dd::write_sqlite_trace(*read, again.path()));
    auto reread = dd::read_sqlite_trace(again.path());
    REQUIRE(reread);
    std::string second = dd::test::first_difference(*read, *reread);
    INFO(second);
    CHECK(second.empty());
  }
}

TEST_CASE("The trace file is shaped like an nsys export", "[collector][sqlite]") {
  dd::Trace trace;
  fill(trace);
  dd::test::ScratchFile file(".sqlite");
  REQUIRE(dd::write_sqlite_trace(trace, file.path()));
  const std::string& path = file.path();

  CHECK(query_int(path, "PRAGMA user_version") == dd::kSqliteFormatVersion);
  CHECK(query_int(path,
                  "SELECT count(*) FROM DD_META WHERE name = 'format' AND "
                  "value = 'ddtrace'") == 1);
  CHECK(query_int(path,
                  "SELECT count(*) FROM DD_META WHERE name = 'nsysSchemaBasis' AND "
                  "value = '3.28.1'") == 1);
  // Same pid, distinct globalPids, and nsys's decoding still yields the pid.
  CHECK(query_int(path, "SELECT count(DISTINCT globalPid) FROM PROCESSES WHERE pid = 4242") == 2);
  CHECK(query_int(path,
                  "SELECT count(*) FROM PROCESSES WHERE "
                  "globalPid / 0x1000000 % 0x1000000 = pid") == 3);
  CHECK(query_int(path, "SELECT count(*) FROM ThreadNames") == 4);
  CHECK(query_int(path,
                  "SELECT globalTid % 0x1000000 FROM CUPTI_ACTIVITY_KIND_RUNTIME "
                  "WHERE correlationId = 1") == 4242);
  CHECK(query_int(path,
                  "SELECT count(*) FROM CUPTI_ACTIVITY_KIND_KERNEL k JOIN StringIds s "
                  "ON s.id = k.demangledName WHERE s.value = 'ampere_sgemm_128x64_nn'") == 1);
  CHECK(query_int(path,
                  "SELECT count(*) FROM CUPTI_ACTIVITY_KIND_MEMCPY m JOIN "
                  "ENUM_CUDA_MEMCPY_OPER e ON e.id = m.copyKind WHERE "
                  "e.name = 'CUDA_MEMCPY_KIND_HTOD'") == 1);
  CHECK(query_int(path,
                  "SELECT count(*) FROM NVTX_EVENTS WHERE eventType = 59 AND "
                  "text = 'layer1'") == 1);
  CHECK(query_int(path,
                  "SELECT count(*) FROM CUDA_GPU_MEMORY_USAGE_EVENTS u JOIN "
                  "ENUM_CUDA_DEV_MEM_EVENT_OPER o ON o.id = u.memoryOperationType WHERE "
                  "o.name = 'CUDA_DEV_MEM_EVENT_OPR_DEALLOCATION'") == 2);
  CHECK(query_int(path,
                  "SELECT count(*) FROM CUPTI_ACTIVITY_KIND_SYNCHRONIZATION s JOIN "
                  "ENUM_CUPTI_SYNC_TYPE t ON t.id = s.syncType WHERE t.name = "
                  "'CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_WAIT_EVENT'") == 1);
}

TEST_CASE("An empty Trace round-trips without missing-table counters", "[collector][sqlite]") {
  dd::Trace empty;
  dd::test::ScratchFile file(".sqlite");
  REQUIRE(dd::write_sqlite_trace(empty, file.path()));
  auto read = dd::read_sqlite_trace(file.path());
  REQUIRE(read);
  CHECK(read->format == dd::TraceFormat::kDaydreamSqlite);
  CHECK(read->diagnostics.empty());
  CHECK(read->metadata.at("sourceFormat") == "unknown");
}

TEST_CASE("Writing replaces an existing file and reports unwritable paths", "[collector][sqlite]") {
  dd::Trace trace;
  fill(trace);
  dd::test::ScratchFile file(".sqlite");
  std::ofstream(file.path()) << "not a database, about to be replaced";
  REQUIRE(dd::write_sqlite_trace(trace, file.path()));
  auto read = dd::read_sqlite_trace(file.path());
  REQUIRE(read);
  CHECK(read->api_calls.size() == trace.api_calls.size());

  dd::test::ScratchFile directory("_dir");
  std::filesystem::create_directory(directory.path());
  auto into_directory = dd::write_sqlite_trace(trace, directory.path());
  REQUIRE_FALSE(into_directory);
  CHECK(into_directory.error().kind == dd::ErrorKind::kIo);
  CHECK_THAT(into_directory.error().message, Catch::Contains(directory.path()));
  CHECK(std::filesystem::is_directory(directory.path()));

  std::string nowhere = directory.path() + "/missing/trace.sqlite";
  auto unwritable = dd::write_sqlite_trace(trace, nowhere);
  REQUIRE_FALSE(unwritable);
  CHECK_THAT(unwritable.error().message, Catch::Contains(nowhere));
}

TEST_CASE("The bundled Kineto traces survive conversion to SQLite unchanged",
          "[collector][sqlite]") {
  auto name =
      GENERATE("matmul_v100_memory.pt.trace.json.gz", "resnet50_v100_rank0.pt.trace.json.gz",
               "vgg13_h100_iter41.pt.trace.json.gz");
  INFO(name);
  auto loaded = dd::load_trace({dd::test::trace_path(name)});
  REQUIRE(loaded);
  dd::test::ScratchFile file(".sqlite");
  REQUIRE(dd::write_sqlite_trace(*loaded, file.path()));
  auto read = dd::read_sqlite_trace(file.path());
  REQUIRE(read);
  loaded->format = dd::TraceFormat::kDaydreamSqlite;
  loaded->metadata["sourceFormat"] = "kineto-json";
  std::string difference = dd::test::first_difference(*loaded, *read);
  INFO(difference);
  CHECK(difference.empty());
}
