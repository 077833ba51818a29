// The CUPTI collector's record conversion and SQLite writing, end to end on hand-built records:
// records → RecordConverter → CollectorWriter → the trace reader → the graph builder. Checks
// that a recorded run reads back as the same calls, GPU ops, synchronizations, NVTX ranges and
// cross-stream dependencies, that what cannot be used is counted, and that a writer killed
// before closing leaves a readable trace.
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <cupti_runtime_cbid.h>

#include "collector/cupti/collector_writer.h"
#include "collector/cupti/record_converter.h"
#include "collector/trace_loader.h"
#include "graph/graph_builder.h"
#include "tests/collector/cupti/cupti_records.h"
#include "tests/collector/cupti/trace_files.h"

namespace {

using namespace dd::cupti;
using namespace dd::cupti::testing;

constexpr uint32_t kMainThread = 11;
constexpr uint32_t kComputeStream = 7;
constexpr uint32_t kSideStream = 13;
constexpr uint32_t kLaunch = CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000;

ConverterSettings settings() {
  return {kT0, kPid,
          [](bool driver, uint32_t cbid) -> std::string {
            if (driver) return "";
            switch (cbid) {
              case kLaunch: return "cudaLaunchKernel_v7000";
              case CUPTI_RUNTIME_TRACE_CBID_cudaEventRecord_v3020: return "cudaEventRecord_v3020";
              case CUPTI_RUNTIME_TRACE_CBID_cudaStreamWaitEvent_v3020:
                return "cudaStreamWaitEvent_v3020";
              case CUPTI_RUNTIME_TRACE_CBID_cudaMemcpy_v3020: return "cudaMemcpy_v3020";
              default: return "";
            }
          },
          [](uint32_t tid) { return tid == kMainThread ? std::string("python") : std::string(); }};
}

// One iteration on two streams: kernel A on the compute stream, an event recorded after it,
// the side stream made to wait for the event, kernel B there; a blocking copy, a memset, an
// allocation; NVTX iteration and module ranges around the launches.
struct RecordedRun {
  RecordConverter converter{settings()};
  RowBatch first, second;

  RecordedRun() {
    // A synchronization before anything told the converter its context's device.
    auto wait = zeroed<CUpti_ActivitySynchronization2>(CUPTI_ACTIVITY_KIND_SYNCHRONIZATION);
    wait.type = CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_WAIT_EVENT;
    wait.start = kT0 + 300;
    wait.end = kT0 + 310;
    wait.correlationId = 3;
    wait.contextId = 1;
    wait.streamId = kSideStream;
    wait.cudaEventId = 5;
    wait.cudaEventSyncId = 99;
    add(first, wait);
    add(first, marker(CUPTI_ACTIVITY_FLAG_MARKER_START, 1, 50, kMainThread, "dd:iteration#0"));
    add(first, marker(CUPTI_ACTIVITY_FLAG_MARKER_START, 2, 60, kMainThread, "dd:module:fc|Linear"));
    add(first, api(CUPTI_ACTIVITY_KIND_RUNTIME, kLaunch, 100, 120, kMainThread, 1));
    add(first, api(CUPTI_ACTIVITY_KIND_RUNTIME, CUPTI_RUNTIME_TRACE_CBID_cudaEventRecord_v3020,
                   200, 210, kMainThread, 2));
    add(first, api(CUPTI_ACTIVITY_KIND_RUNTIME,
                   CUPTI_RUNTIME_TRACE_CBID_cudaStreamWaitEvent_v3020, 300, 310, kMainThread, 3));
    add(first, api(CUPTI_ACTIVITY_KIND_RUNTIME, kLaunch, 400, 420, kMainThread, 4));
    add(first, marker(CUPTI_ACTIVITY_FLAG_MARKER_END, 2, 430, kMainThread, nullptr));
    add(first, api(CUPTI_ACTIVITY_KIND_RUNTIME, CUPTI_RUNTIME_TRACE_CBID_cudaMemcpy_v3020, 500,
                   5000, kMainThread, 6));

    // GPU records arrive later, in another buffer.
    auto context = zeroed<CUpti_ActivityContext3>(CUPTI_ACTIVITY_KIND_CONTEXT);
    context.contextId = 1;
    context.deviceId = 0;
    add(second, context);
    auto device = zeroed<CUpti_ActivityDevice5>(CUPTI_ACTIVITY_KIND_DEVICE);
    device.name = "NVIDIA H100 80GB HBM3";
    device.id = 0;
    device.numMultiprocessors = 132;
    device.coreClockRate = 1980000;              // kHz
    device.globalMemoryBandwidth = 3352320000;   // KB/s
    device.globalMemorySize = 85045870592;
    device.computeCapabilityMajor = 9;
    add(second, device);
    add(second, kernel("_Z7kernelAPf", 150, 1150, kComputeStream, 1));
    auto record = zeroed<CUpti_ActivityCudaEvent2>(CUPTI_ACTIVITY_KIND_CUDA_EVENT);
    record.correlationId = 2;
    record.contextId = 1;
    record.streamId = kComputeStream;
    record.eventId = 5;
    record.cudaEventSyncId = 99;
    add(second, record);
    add(second, kernel("kernelB", 1160, 1500, kSideStream, 4));
    add(second, kernel("lost", 0, 0, kComputeStream, 5));  // timestamps not collected
    auto copy = zeroed<CUpti_ActivityMemcpy6>(CUPTI_ACTIVITY_KIND_MEMCPY);
    copy.copyKind = CUPTI_ACTIVITY_MEMCPY_KIND_DTOH;
    copy.bytes = 4096;
    copy.start = kT0 + 1600;
    copy.end = kT0 + 1700;
    copy.streamId = kComputeStream;
    copy.contextId = 1;
    copy.correlationId = 600;         // the driver call's id
    copy.runtimeCorrelationId = 6;    // the cudaMemcpy call's
    add(second, copy);
    auto alloc = zeroed<CUpti_ActivityMemory4>(CUPTI_ACTIVITY_KIND_MEMORY2);
    alloc.memoryOperationType = CUPTI_ACTIVITY_MEMORY_OPERATION_TYPE_ALLOCATION;
    alloc.memoryKind = CUPTI_ACTIVITY_MEMORY_KIND_DEVICE;
    alloc.address = 0x7f0000000000;
    alloc.bytes = 1 << 20;
    alloc.timestamp = kT0 + 20;
    add(second, alloc);
    add(second, marker(CUPTI_ACTIVITY_FLAG_MARKER_END, 1, 5100, kMainThread, nullptr));
    auto unknown = zeroed<CUpti_ActivityAPI>(static_cast<CUpti_ActivityKind>(9999));
    add(second, unknown);
    converter.finish(second);
  }

  template <typename Record>
  void add(RowBatch& batch, const Record& record) {
    converter.convert(activity(record), batch);
  }

  void write(CollectorWriter& writer) {
    REQUIRE(writer.write(first));
    REQUIRE(writer.write(second));
    REQUIRE(writer.write_status({{"droppedRecords", "0"}}, converter.diagnostics()));
  }
};

const dd::TaskId kNoTask = dd::kNone;

}  // namespace

TEST_CASE("Converted CUPTI records read back as the recorded run", "[cupti]") {
  std::string path = temp_trace_path("dd-cupti-run");
  remove_database(path);
  RecordedRun run;
  {
    auto writer = CollectorWriter::create(path, {kPid, "python", -1});
    REQUIRE(writer);
    run.write(*writer);
    REQUIRE(writer->close());
  }
  CHECK_FALSE(std::filesystem::exists(path + "-wal"));  // folded back into one file
  auto trace = dd::load_trace({path});
  REQUIRE(trace);
  CHECK(trace->format == dd::TraceFormat::kDaydreamSqlite);
  CHECK(trace->metadata.at("sourceFormat") == "cupti");

  // Calls keep CUPTI's names and times relative to t0; the copy carries the runtime call's id.
  REQUIRE(trace->api_calls.size() == 5);
  CHECK(trace->str(trace->api_calls.name[0]) == "cudaLaunchKernel_v7000");
  CHECK(trace->api_calls.start[0] == 100);
  REQUIRE(trace->threads.size() == 1);
  CHECK(trace->str(trace->threads.name[0]) == "python");
  REQUIRE(trace->gpu_ops.size() == 3);  // the kernel without timestamps is not a GPU op
  CHECK(trace->str(trace->gpu_ops.name[0]) == "kernelA(float*)");
  CHECK(trace->gpu_ops.correlation[2] == 6);
  CHECK(trace->gpu_ops.bytes[2] == 4096);
  CHECK(trace->diagnostics.count("cupti_kernels_without_timestamps") == 1);
  CHECK(trace->diagnostics.count("cupti_records_of_unknown_kind") == 1);

  // The wait found its device once the context was known; the event keeps its sync id.
  REQUIRE(trace->syncs.size() == 1);
  CHECK(trace->syncs.kind[0] == dd::SyncKind::kStreamWaitEvent);
  CHECK(trace->syncs.stream[0] != dd::kNone);
  REQUIRE(trace->cuda_events.size() == 1);
  CHECK(trace->cuda_events.event_sync_id[0] == 99);
  REQUIRE(trace->memory_events.size() == 1);
  CHECK(trace->memory_events.op[0] == dd::MemoryOp::kAlloc);
  CHECK(trace->memory_events.device[0] == 0);
  REQUIRE(trace->devices.size() == 1);
  CHECK(trace->str(trace->devices.name[0]) == "NVIDIA H100 80GB HBM3");
  CHECK(trace->devices.sm_count[0] == 132);
  CHECK(trace->devices.clock_hz[0] == Approx(1.98e9));

  // NVTX: the iteration range and the module range, nested, on the main thread.
  REQUIRE(trace->ranges.size() == 2);
  REQUIRE(trace->iterations.size() == 1);
  CHECK(trace->iterations.start[0] == 50);
  CHECK(trace->iterations.end[0] == 5100);

  // The graph: kernel B waits for kernel A through the event, and is attributed to layer fc.
  auto graph = dd::build_graph(*trace);
  REQUIRE(graph);
  const dd::Graph& g = *graph;
  auto task_of_op = [&](uint32_t row) {
    for (dd::TaskId t = 0; t < g.task_count(); ++t) {
      if (g.source_table[t] == dd::TraceTable::kGpuOps && g.source_row[t] == row) return t;
    }
    return kNoTask;
  };
  dd::TaskId a = task_of_op(0), b = task_of_op(1);
  bool cross_stream = false;
  for (dd::EdgeId e = 0; e < g.edge_count(); ++e) {
    if (g.edge_kind[e] == dd::EdgeKind::kCrossStream && g.edge_from[e] == a && g.edge_to[e] == b) {
      cross_stream = true;
    }
  }
  CHECK(cross_stream);
  CHECK(g.str(g.layer[b]) == "fc");

  // Peak throughput from the architecture table, at the reported clock.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT peakFlopsBf16Tc, specSource FROM DD_DEVICE_SPEC", -1,
                             &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  CHECK(sqlite3_column_double(stmt, 0) == Approx(132 * 1.98e9 * 4096));
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1))) == "table:sm_90");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  remove_database(path);
}

TEST_CASE("A collector killed before closing leaves a readable trace of what it committed",
          "[cupti]") {
  std::string path = temp_trace_path("dd-cupti-killed");
  remove_database(path);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    RecordedRun run;
    auto writer = CollectorWriter::create(path, {kPid, "python", 3});
    if (!writer || !writer->write(run.first)) _exit(1);
    _exit(0);  // no close(), no atexit: as if killed between batches
  }
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  CHECK(std::filesystem::exists(path + "-wal"));
  auto trace = dd::load_trace({path});
  REQUIRE(trace);
  CHECK(trace->api_calls.size() == 5);
  CHECK(trace->gpu_ops.size() == 0);  // the second batch never came
  CHECK(trace->processes.rank[0] == 3);
  remove_database(path);
}
