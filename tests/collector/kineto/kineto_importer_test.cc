// The Kineto JSON importer: golden counts over the bundled real traces (obtained independently
// with Python's json module), and small hand-written fixtures for each format generation and
// each event kind the real traces do not cover.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include "collector/kineto/kineto_events.h"
#include "collector/kineto_fixture.h"
#include "test_paths.h"

namespace {

using dd::test::import_json;

size_t count_gpu_ops(const dd::Trace& trace, dd::GpuOpKind kind) {
  return static_cast<size_t>(
      std::count(trace.gpu_ops.kind.begin(), trace.gpu_ops.kind.end(), kind));
}

size_t count_ranges(const dd::Trace& trace, dd::RangeKind kind) {
  return static_cast<size_t>(std::count(trace.ranges.kind.begin(), trace.ranges.kind.end(), kind));
}

size_t count_frees(const dd::Trace& trace) {
  const auto& op = trace.memory_events.op;
  return static_cast<size_t>(std::count(op.begin(), op.end(), dd::MemoryOp::kFree));
}

// Row of the device with `device_id`, or kNone.
uint32_t find_device(const dd::Trace& trace, int32_t device_id) {
  for (uint32_t i = 0; i < trace.devices.size(); ++i) {
    if (trace.devices.device_id[i] == device_id) return i;
  }
  return dd::kNone;
}

// Row of the first range named `name` (of `kind`, when given), or kNone.
uint32_t find_range(const dd::Trace& trace, std::string_view name,
                    std::optional<dd::RangeKind> kind = std::nullopt) {
  for (uint32_t i = 0; i < trace.ranges.size(); ++i) {
    if (trace.str(trace.ranges.name[i]) == name && (!kind || trace.ranges.kind[i] == *kind)) {
      return i;
    }
  }
  return dd::kNone;
}

std::string metadata(const dd::Trace& trace, const std::string& key) {
  auto it = trace.metadata.find(key);
  return it == trace.metadata.end() ? "<missing>" : it->second;
}

// Every GPU op has a non-zero correlation shared with exactly one API call of its process.
void check_every_gpu_op_launched(const dd::Trace& trace) {
  std::set<std::pair<uint64_t, uint32_t>> launches;  // (correlation, process)
  for (uint32_t i = 0; i < trace.api_calls.size(); ++i) {
    launches.emplace(trace.api_calls.correlation[i],
                     trace.threads.process[trace.api_calls.thread[i]]);
  }
  size_t unlaunched = 0;
  for (uint32_t i = 0; i < trace.gpu_ops.size(); ++i) {
    uint32_t process = trace.streams.process[trace.gpu_ops.stream[i]];
    if (trace.gpu_ops.correlation[i] == 0 ||
        launches.count({trace.gpu_ops.correlation[i], process}) == 0) {
      ++unlaunched;
    }
  }
  CHECK(unlaunched == 0);
  CHECK(trace.diagnostics.count("gpu_op_without_launch") == 0);
}

}  // namespace

TEST_CASE("Kineto: ResNet-50 V100 trace imports every event kind", "[collector][kineto]") {
  dd::Trace trace =
      dd::test::import_files({dd::test::trace_path("resnet50_v100_rank0.pt.trace.json.gz")});
  CHECK(trace.format == dd::TraceFormat::kKinetoJson);
  CHECK(count_gpu_ops(trace, dd::GpuOpKind::kKernel) == 4350);
  CHECK(count_gpu_ops(trace, dd::GpuOpKind::kMemcpy) == 1600);
  CHECK(count_gpu_ops(trace, dd::GpuOpKind::kMemset) == 145);
  CHECK(trace.api_calls.size() == 15329);
  CHECK(count_ranges(trace, dd::RangeKind::kFrameworkOp) == 23910);
  CHECK(count_ranges(trace, dd::RangeKind::kUserAnnotation) == 70);
  CHECK(count_ranges(trace, dd::RangeKind::kGpuUserAnnotation) == 15);
  CHECK(trace.range_links.size() == 905);
  CHECK(trace.memory_events.size() == 0);
  CHECK(trace.diagnostics.count("kineto_malformed_event") == 0);
  CHECK(trace.diagnostics.count("kineto_unknown_category") == 0);
  check_every_gpu_op_launched(trace);

  // One CPU process owns the one GPU stream; the GPU "pids" are not processes.
  REQUIRE(trace.processes.size() == 1);
  CHECK(trace.processes.pid[0] == 1102);
  CHECK(trace.processes.rank[0] == 0);
  REQUIRE(trace.streams.size() == 1);
  CHECK(trace.streams.process[0] == 0);
  CHECK(trace.streams.device[0] == 0);
  CHECK(trace.streams.stream_id[0] == 7);
  CHECK(trace.str(trace.streams.name[0]) == "stream 7");

  // GPU annotations sit on the stream, not on a thread.
  uint32_t annotation =
      find_range(trace, "Optimizer.step#SGD.step", dd::RangeKind::kGpuUserAnnotation);
  REQUIRE(annotation != dd::kNone);
  CHECK(trace.ranges.thread[annotation] == dd::kNone);
  CHECK(trace.ranges.stream[annotation] == 0);

  REQUIRE(trace.iterations.size() == 5);
  CHECK(trace.iterations.number[0] == 101);
  CHECK(trace.iterations.number[4] == 105);
  // The file says "ts": 1712195495502094.565, "dur": 35115.869 (a double reads the ts as
  // 1712195495502094.5).
  CHECK(trace.iterations.start[0] == 1712195495502094565);
  CHECK(trace.iterations.end[0] == 1712195495502094565 + 35115869);

  uint32_t device = find_device(trace, 0);
  REQUIRE(device != dd::kNone);
  CHECK(trace.str(trace.devices.name[device]) == "Tesla V100-SXM2-32GB");
  CHECK(trace.devices.sm_count[device] == 80);
  CHECK(trace.devices.total_memory_bytes[device] == 34079637504u);
  CHECK(trace.devices.compute_major[device] == 7);
  CHECK(metadata(trace, "kineto.schemaVersion") == "1");
  CHECK(metadata(trace, "kineto.distributedInfo.world_size") == "1");
  CHECK(metadata(trace, "kineto.distributedInfo.backend") == "nccl");
}

TEST_CASE("Kineto: forward-backward links join a forward op to its backward op",
          "[collector][kineto]") {
  dd::Trace trace =
      dd::test::import_files({dd::test::trace_path("resnet50_v100_rank0.pt.trace.json.gz")});
  REQUIRE(trace.range_links.size() == 905);
  size_t wrong = 0;
  for (size_t i = 0; i < trace.range_links.size(); ++i) {
    uint32_t forward = trace.range_links.from[i];
    uint32_t backward = trace.range_links.to[i];
    // Forward ops run on the main thread (tid 1102), backward ops on autograd's (tid 1262).
    bool ok = trace.ranges.kind[forward] == dd::RangeKind::kFrameworkOp &&
              trace.ranges.kind[backward] == dd::RangeKind::kFrameworkOp &&
              trace.threads.tid[trace.ranges.thread[forward]] == 1102 &&
              trace.threads.tid[trace.ranges.thread[backward]] == 1262 &&
              trace.ranges.start[forward] < trace.ranges.start[backward];
    if (!ok) ++wrong;
  }
  CHECK(wrong == 0);
}

TEST_CASE("Kineto: recorded input shapes, types and concrete inputs are kept as raw JSON",
          "[collector][kineto]") {
  auto path = std::filesystem::temp_directory_path() / "dd_kineto_shapes.json";
  dd::test::write_text(path.string(), R"({"traceEvents": [
    {"ph": "X", "cat": "cpu_op", "name": "aten::conv2d", "pid": 1, "tid": 1, "ts": 10, "dur": 5,
     "args": {"Input Dims": [[8, 3, 32, 32], [16, 3, 3, 3], [], [], [], [], []],
              "Input type": ["float", "float", "", "ScalarList", "ScalarList", "ScalarList", "Scalar"],
              "Concrete Inputs": ["", "", "", "[1, 1]", "[0, 0]", "[1, 1]", "1"]}},
    {"ph": "X", "cat": "Operator", "name": "aten::relu", "pid": 1, "tid": 1, "ts": 20, "dur": 5,
     "args": {"Input dims": [[8, 16]], "Input type": "not an array"}},
    {"ph": "X", "cat": "cpu_op", "name": "aten::empty", "pid": 1, "tid": 1, "ts": 30, "dur": 5}
  ]})");
  dd::Trace trace = dd::test::import_files({path.string()});
  std::filesystem::remove(path);
  REQUIRE(trace.ranges.size() == 3);
  CHECK(trace.str(trace.ranges.input_dims[0]) == "[[8, 3, 32, 32], [16, 3, 3, 3], [], [], [], [], []]");
  CHECK(trace.str(trace.ranges.input_types[0]) ==
        R"(["float", "float", "", "ScalarList", "ScalarList", "ScalarList", "Scalar"])");
  CHECK(trace.str(trace.ranges.concrete_inputs[0]) == R"(["", "", "", "[1, 1]", "[0, 0]", "[1, 1]", "1"])");
  // The 2021 spelling; a wrong-typed arg is counted and left empty.
  CHECK(trace.str(trace.ranges.input_dims[1]) == "[[8, 16]]");
  CHECK(trace.ranges.input_types[1] == dd::kEmptyString);
  CHECK(trace.diagnostics.count("kineto_malformed_arg") == 1);
  CHECK(trace.ranges.input_dims[2] == dd::kEmptyString);
}

TEST_CASE("Kineto: VGG-13 H100 trace with Python functions and memory events",
          "[collector][kineto]") {
  dd::Trace trace =
      dd::test::import_files({dd::test::trace_path("vgg13_h100_iter41.pt.trace.json.gz")});
  CHECK(count_gpu_ops(trace, dd::GpuOpKind::kKernel) == 292);
  CHECK(count_gpu_ops(trace, dd::GpuOpKind::kMemset) == 33);
  CHECK(count_gpu_ops(trace, dd::GpuOpKind::kMemcpy) == 0);
  CHECK(trace.api_calls.size() == 518);
  CHECK(count_ranges(trace, dd::RangeKind::kFrameworkOp) == 898);
  CHECK(count_ranges(trace, dd::RangeKind::kPythonFunction) == 1469);
  CHECK(count_ranges(trace, dd::RangeKind::kUserAnnotation) == 2);
  CHECK(trace.range_links.size() == 39);
  CHECK(trace.iterations.size() == 0);
  check_every_gpu_op_launched(trace);

  REQUIRE(trace.memory_events.size() == 464);
  CHECK(count_frees(trace) == 232);
  size_t on_gpu = static_cast<size_t>(
      std::count(trace.memory_events.device.begin(), trace.memory_events.device.end(), 0));
  CHECK(on_gpu == 360);  // Device Type 1, Device Id 0; the other 104 are host (-1)

  uint32_t device = find_device(trace, 0);
  REQUIRE(device != dd::kNone);
  CHECK(trace.str(trace.devices.name[device]) == "NVIDIA H100 80GB HBM3");
  CHECK(trace.devices.sm_count[device] == 132);
  // Kernel launch parameters (the first kernel in the file).
  const auto& kinds = trace.gpu_ops.kind;
  auto kernel = static_cast<size_t>(std::find(kinds.begin(), kinds.end(), dd::GpuOpKind::kKernel) -
                                    kinds.begin());
  REQUIRE(kernel < kinds.size());
  CHECK(trace.gpu_ops.grid_x[kernel] == 100352);
  CHECK(trace.gpu_ops.block_x[kernel] == 128);
  CHECK(trace.gpu_ops.registers_per_thread[kernel] == 255);
  CHECK(trace.gpu_ops.shared_memory_bytes[kernel] == 33280);
}

TEST_CASE("Kineto: matmul V100 trace with two streams, memory events and rank 1",
          "[collector][kineto]") {
  dd::Trace trace =
      dd::test::import_files({dd::test::trace_path("matmul_v100_memory.pt.trace.json.gz")});
  CHECK(count_gpu_ops(trace, dd::GpuOpKind::kKernel) == 19370);
  CHECK(count_gpu_ops(trace, dd::GpuOpKind::kMemcpy) == 2040);
  CHECK(count_gpu_ops(trace, dd::GpuOpKind::kMemset) == 880);
  CHECK(trace.api_calls.size() == 42373);
  CHECK(count_ranges(trace, dd::RangeKind::kFrameworkOp) == 56680);
  CHECK(count_ranges(trace, dd::RangeKind::kUserAnnotation) == 2035);
  REQUIRE(trace.memory_events.size() == 28010);
  CHECK(count_frees(trace) == 14005);
  check_every_gpu_op_launched(trace);

  REQUIRE(trace.iterations.size() == 5);
  CHECK(trace.iterations.number[0] == 2);
  CHECK(trace.iterations.number[4] == 6);
  CHECK(trace.iterations.start[0] == 1669783687384669000);
  REQUIRE(trace.streams.size() == 2);
  CHECK(trace.streams.device[0] == 1);
  CHECK(trace.streams.device[1] == 1);
  REQUIRE(trace.processes.size() == 1);
  CHECK(trace.processes.rank[0] == 1);
  CHECK(find_device(trace, 1) != dd::kNone);
}

TEST_CASE("Kineto: 2021 generation (bare array, capitalised categories, async flows)",
          "[collector][kineto]") {
  // Flow ids differ from correlations, and kernels carry no correlation: the flow pairs the
  // kernel with its launch. tids are strings ("456", "stream 7").
  dd::Trace trace = import_json(R"json([
    {"ph": "X", "cat": "Operator", "name": "aten::mm", "pid": 13721, "tid": "456",
     "ts": 100, "dur": 100, "args": {"Input Dims": [], "External id": 4}},
    {"ph": "X", "cat": "Runtime", "name": "cudaLaunchKernel", "pid": 13721, "tid": "456",
     "ts": 120, "dur": 10, "args": {"correlation": 334, "external id": 4}},
    {"ph": "X", "cat": "Runtime", "name": "cudaMemcpyAsync", "pid": 13721, "tid": "456",
     "ts": 140, "dur": 10, "args": {"correlation": 335, "external id": 4}},
    {"ph": "X", "cat": "Runtime", "name": "cudaMemsetAsync", "pid": 13721, "tid": "456",
     "ts": 160, "dur": 10, "args": {"correlation": 336, "external id": 4}},
    {"ph": "X", "cat": "Kernel", "name": "gemm", "pid": 0, "tid": "stream 7",
     "ts": 220, "dur": 8, "args": {"external id": 4, "device": 0}},
    {"ph": "X", "cat": "Memcpy", "name": "Memcpy HtoD (Pageable -> Device)", "pid": 0,
     "tid": "stream 7", "ts": 240, "dur": 5, "args": {"stream": 7, "bytes": 4096}},
    {"ph": "X", "cat": "Memset", "name": "Memset (Device)", "pid": 0, "tid": "stream 7",
     "ts": 250, "dur": 2, "args": {"stream": 7, "correlation": 336}},
    {"ph": "s", "id": 90001, "pid": 13721, "tid": "456", "ts": 120, "cat": "async", "name": "launch"},
    {"ph": "f", "id": 90001, "pid": 0, "tid": "stream 7", "ts": 220, "cat": "async", "name": "launch", "bp": "e"},
    {"ph": "s", "id": 90002, "pid": 13721, "tid": "456", "ts": 145, "cat": "async", "name": "launch"},
    {"ph": "f", "id": 90002, "pid": 0, "tid": "stream 7", "ts": 240, "cat": "async", "name": "launch", "bp": "e"}
  ])json");
  REQUIRE(trace.gpu_ops.size() == 3);
  REQUIRE(trace.api_calls.size() == 3);
  CHECK(trace.gpu_ops.kind[0] == dd::GpuOpKind::kKernel);
  CHECK(trace.gpu_ops.correlation[0] == 334);  // from the flow's API call
  CHECK(trace.gpu_ops.correlation[1] == 335);  // flow start inside the call, not at its start
  CHECK(trace.gpu_ops.correlation[2] == 336);
  CHECK(trace.gpu_ops.copy_kind[1] == dd::CopyKind::kHostToDevice);
  CHECK(trace.gpu_ops.bytes[1] == 4096);
  CHECK(trace.gpu_ops.external_id[0] == 4);  // lower-case "external id"
  CHECK(trace.api_calls.external_id[0] == 4);
  check_every_gpu_op_launched(trace);
  REQUIRE(trace.threads.size() == 1);
  CHECK(trace.threads.tid[0] == 456);
  REQUIRE(trace.streams.size() == 1);
  CHECK(trace.streams.stream_id[0] == 7);
  CHECK(trace.processes.pid[trace.streams.process[0]] == 13721);
  REQUIRE(trace.ranges.size() == 1);
  CHECK(trace.ranges.kind[0] == dd::RangeKind::kFrameworkOp);
  CHECK(trace.ranges.external_id[0] == 4);
}

TEST_CASE("Kineto: 2022 generation (async_cpu_to_gpu flows complete the API call)",
          "[collector][kineto]") {
  dd::Trace trace = import_json(R"json({"schemaVersion": 1, "traceEvents": [
    {"ph": "X", "cat": "cpu_op", "name": "aten::add", "pid": 7, "tid": 8, "ts": 10, "dur": 50,
     "args": {"External id": 3, "Sequence number": 41}},
    {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 7, "tid": 8,
     "ts": 20, "dur": 5, "args": {"cbid": 211}},
    {"ph": "X", "cat": "kernel", "name": "add_kernel", "pid": 0, "tid": 7, "ts": 30, "dur": 4,
     "args": {"device": 0, "stream": 7, "correlation": 55,
              "grid": [2, 3, 4], "block": [32, 1, 1]}},
    {"ph": "s", "id": 55, "pid": 7, "tid": 8, "ts": 20, "cat": "async_cpu_to_gpu", "name": "async_cpu_to_gpu"},
    {"ph": "f", "id": 55, "pid": 0, "tid": 7, "ts": 30, "cat": "async_cpu_to_gpu", "name": "async_cpu_to_gpu", "bp": "e"}
  ]})json");
  REQUIRE(trace.api_calls.size() == 1);
  CHECK(trace.api_calls.correlation[0] == 55);  // taken from the kernel through the flow
  CHECK(trace.api_calls.cbid[0] == 211);
  REQUIRE(trace.gpu_ops.size() == 1);
  CHECK(trace.gpu_ops.grid_x[0] == 2);
  CHECK(trace.gpu_ops.grid_y[0] == 3);
  CHECK(trace.gpu_ops.grid_z[0] == 4);
  CHECK(trace.gpu_ops.block_x[0] == 32);
  REQUIRE(trace.ranges.size() == 1);
  CHECK(trace.ranges.sequence_number[0] == 41);
  check_every_gpu_op_launched(trace);
  CHECK(metadata(trace, "kineto.schemaVersion") == "1");
}

TEST_CASE("Kineto: deviceProperties and distributedInfo given as JSON strings",
          "[collector][kineto]") {
  dd::Trace trace = import_json(R"json({
    "deviceProperties": "[{\"id\": 3, \"name\": \"NVIDIA A100-SXM4-40GB\", \"totalGlobalMem\": 42505273344, \"computeMajor\": 8, \"computeMinor\": 0, \"numSms\": 108}]",
    "distributedInfo": "{\"backend\": \"nccl\", \"rank\": 5, \"world_size\": 8}",
    "traceEvents": [
      {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 42, "tid": 42,
       "ts": 1, "dur": 1, "args": {"correlation": 1}}
    ]})json");
  uint32_t device = find_device(trace, 3);
  REQUIRE(device != dd::kNone);
  CHECK(trace.str(trace.devices.name[device]) == "NVIDIA A100-SXM4-40GB");
  CHECK(trace.devices.total_memory_bytes[device] == 42505273344u);
  CHECK(trace.devices.compute_major[device] == 8);
  CHECK(trace.devices.sm_count[device] == 108);
  CHECK(trace.devices.process[device] == 0);
  REQUIRE(trace.processes.size() == 1);
  CHECK(trace.processes.rank[0] == 5);
  CHECK(metadata(trace, "kineto.distributedInfo.world_size") == "8");
  CHECK(metadata(trace, "kineto.distributedInfo.backend") == "nccl");
  CHECK(trace.diagnostics.count("kineto_malformed_metadata") == 0);
}

TEST_CASE("Kineto: cuda_sync and cuda_event events", "[collector][kineto]") {
  dd::Trace trace = import_json(R"json({"traceEvents": [
    {"ph": "X", "cat": "cuda_runtime", "name": "cudaEventRecord", "pid": 9, "tid": 10,
     "ts": 100, "dur": 2, "args": {"correlation": 70}},
    {"ph": "X", "cat": "cuda_runtime", "name": "cudaStreamWaitEvent", "pid": 9, "tid": 11,
     "ts": 110, "dur": 2, "args": {"correlation": 71}},
    {"ph": "X", "cat": "cuda_runtime", "name": "cudaDeviceSynchronize", "pid": 9, "tid": 10,
     "ts": 120, "dur": 30, "args": {"correlation": 72}},
    {"ph": "X", "cat": "cuda_event", "name": "cudaEvent", "pid": 0, "tid": 7, "ts": 101,
     "dur": 0, "args": {"event_id": 3, "stream": 7, "correlation": 70, "device": 0}},
    {"ph": "X", "cat": "cuda_sync", "name": "Stream Wait Event", "pid": 0, "tid": 20,
     "ts": 111, "dur": 1, "args": {"cuda_sync_kind": "Stream Wait Event", "stream": 20,
     "correlation": 71, "device": 0, "wait_on_stream": 7,
     "wait_on_cuda_event_record_corr_id": 70, "wait_on_cuda_event_id": 3}},
    {"ph": "X", "cat": "cuda_sync", "name": "Context Sync", "pid": 0, "tid": -1, "ts": 121,
     "dur": 28, "args": {"stream": -1, "correlation": 72, "device": 0}},
    {"ph": "X", "cat": "cuda_sync", "name": "Event Sync", "pid": 0, "tid": 7, "ts": 160,
     "dur": 1, "args": {"stream": 7, "correlation": 999, "device": 0,
     "wait_on_cuda_event_record_corr_id": -1}}
  ]})json");
  REQUIRE(trace.syncs.size() == 3);
  const dd::SyncTable& syncs = trace.syncs;
  CHECK(syncs.kind[0] == dd::SyncKind::kStreamWaitEvent);
  CHECK(syncs.event_record_correlation[0] == 70);
  CHECK(syncs.event_id[0] == 3);
  CHECK(syncs.correlation[0] == 71);
  REQUIRE(syncs.thread[0] != dd::kNone);
  CHECK(trace.threads.tid[syncs.thread[0]] == 11);  // the cudaStreamWaitEvent call's thread
  REQUIRE(syncs.stream[0] != dd::kNone);
  CHECK(trace.streams.stream_id[syncs.stream[0]] == 20);
  CHECK(syncs.start[0] == 111000);
  CHECK(syncs.kind[1] == dd::SyncKind::kContextSynchronize);
  CHECK(syncs.stream[1] == dd::kNone);
  CHECK(trace.threads.tid[syncs.thread[1]] == 10);
  CHECK(syncs.kind[2] == dd::SyncKind::kEventSynchronize);
  CHECK(syncs.thread[2] == dd::kNone);  // no API call with correlation 999
  CHECK(syncs.event_record_correlation[2] == 0);

  REQUIRE(trace.cuda_events.size() == 1);
  CHECK(trace.cuda_events.time[0] == 101000);
  CHECK(trace.cuda_events.event_id[0] == 3);
  CHECK(trace.cuda_events.correlation[0] == 70);
  CHECK(trace.streams.stream_id[trace.cuda_events.stream[0]] == 7);
}

TEST_CASE("Kineto: two files load into one Trace as two processes", "[collector][kineto]") {
  // Both ranks use pid 1234, stream 7 and correlation 1: each file keeps its own.
  auto rank_file = [](int rank, int kernel_ts) {
    return R"json({"distributedInfo": {"rank": )json" + std::to_string(rank) +
           R"json(}, "traceEvents": [
      {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1234, "tid": 1234,
       "ts": 10, "dur": 5, "args": {"correlation": 1}},
      {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": )json" +
           std::to_string(kernel_ts) + R"json(, "dur": 5,
       "args": {"device": 0, "stream": 7, "correlation": 1}}]})json";
  };
  dd::test::ScratchFile first(".json");
  dd::test::ScratchFile second(".json");
  dd::test::write_text(first.path(), rank_file(0, 20));
  dd::test::write_gzip(second.path(), rank_file(1, 30));  // .json name, gzip content
  dd::Trace trace = dd::test::import_files({first.path(), second.path()});
  REQUIRE(trace.processes.size() == 2);
  CHECK(trace.processes.rank[0] == 0);
  CHECK(trace.processes.rank[1] == 1);
  REQUIRE(trace.streams.size() == 2);
  REQUIRE(trace.gpu_ops.size() == 2);
  CHECK(trace.streams.process[trace.gpu_ops.stream[0]] == 0);
  CHECK(trace.streams.process[trace.gpu_ops.stream[1]] == 1);
  CHECK(trace.gpu_ops.start[1] == 30000);
  check_every_gpu_op_launched(trace);
}

TEST_CASE("Kineto: names from M events go to processes, threads and streams",
          "[collector][kineto]") {
  dd::Trace trace = import_json(R"json({"traceEvents": [
    {"name": "process_name", "ph": "M", "ts": 0, "pid": 5, "tid": 0, "args": {"name": "python"}},
    {"name": "process_name", "ph": "M", "ts": 0, "pid": 0, "tid": 0, "args": {"name": "python"}},
    {"name": "process_labels", "ph": "M", "ts": 0, "pid": 0, "tid": 0, "args": {"labels": "GPU 0"}},
    {"name": "thread_name", "ph": "M", "ts": 0, "pid": 5, "tid": 6, "args": {"name": "thread 6 (a)"}},
    {"name": "thread_name", "ph": "M", "ts": 0, "pid": 5, "tid": 6, "args": {"name": "thread 6 (b)"}},
    {"name": "thread_name", "ph": "M", "ts": 0, "pid": 0, "tid": 7, "args": {"name": "stream 7 "}},
    {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 5, "tid": 6,
     "ts": 1, "dur": 1, "args": {"correlation": 1}},
    {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 3, "dur": 1,
     "args": {"device": 0, "stream": 7, "correlation": 1}},
    {"ph": "X", "cat": "Trace", "ts": 0, "dur": 9, "pid": "Spans", "tid": "PyTorch Profiler",
     "name": "PyTorch Profiler (0)", "args": {"Op count": 0}},
    {"name": "Iteration Start: PyTorch Profiler", "ph": "i", "s": "g", "pid": "Traces",
     "tid": "Trace PyTorch Profiler", "ts": 0}
  ]})json");
  REQUIRE(trace.processes.size() == 1);  // pid 0 only names the GPU track
  CHECK(trace.str(trace.processes.name[0]) == "python");
  REQUIRE(trace.threads.size() == 1);
  CHECK(trace.str(trace.threads.name[0]) == "thread 6 (b)");
  REQUIRE(trace.streams.size() == 1);
  CHECK(trace.str(trace.streams.name[0]) == "stream 7");
  CHECK(trace.diagnostics.empty());
}

TEST_CASE("Kineto: memory events", "[collector][kineto]") {
  dd::Trace trace = import_json(R"json({"traceEvents": [
    {"ph": "i", "cat": "cpu_instant_event", "s": "t", "name": "[memory]", "pid": 1, "tid": 2,
     "ts": 10.5, "args": {"Device Type": 1, "Device Id": 3, "Addr": 18446744073709551000,
     "Bytes": 512, "Total Allocated": 512, "Total Reserved": 2097152}},
    {"ph": "i", "s": "t", "name": "[memory]", "pid": 1, "tid": 2, "ts": 11,
     "args": {"Device Type": 0, "Device Id": -1, "Addr": 4096, "Bytes": -64,
     "Total Allocated": 0, "Total Reserved": 0}}
  ]})json");
  const dd::MemoryEventTable& memory = trace.memory_events;
  REQUIRE(memory.size() == 2);
  CHECK(memory.time[0] == 10500);
  CHECK(memory.device[0] == 3);
  CHECK(memory.address[0] == 18446744073709551000u);
  CHECK(memory.bytes[0] == 512);
  CHECK(memory.op[0] == dd::MemoryOp::kAlloc);
  CHECK(memory.total_reserved[0] == 2097152);
  CHECK(memory.device[1] == -1);
  CHECK(memory.bytes[1] == 64);
  CHECK(memory.op[1] == dd::MemoryOp::kFree);
  CHECK(trace.processes.pid[memory.process[1]] == 1);
  CHECK(trace.threads.tid[memory.thread[1]] == 2);
}

TEST_CASE("Kineto: bad events are counted, never fatal", "[collector][kineto]") {
  dd::Trace trace = import_json(R"json({"traceEvents": [
    {"ph": "X", "cat": "mystery_category", "name": "a", "pid": 1, "tid": 1, "ts": 1, "dur": 1},
    {"ph": "X", "cat": "cpu_op", "name": "negative", "pid": 1, "tid": 1, "ts": 5, "dur": -2},
    {"ph": "X", "cat": "cpu_op", "name": "no ts", "pid": 1, "tid": 1, "dur": 2},
    {"ph": "X", "cat": "cpu_op", "name": "string dur", "pid": 1, "tid": 1, "ts": 1, "dur": "x"},
    {"ph": "X", "cat": "cpu_op", "name": "no tid", "pid": 1, "ts": 1, "dur": 2},
    {"ph": "X", "name": "no cat", "pid": 1, "tid": 1, "ts": 1, "dur": 2},
    {"ph": "X", "cat": "kernel", "name": "no stream", "ts": 1, "dur": 2, "args": {}},
    {"ph": "X", "cat": "cpu_op", "name": "bad arg", "pid": 1, "tid": 1, "ts": 8, "dur": 1,
     "args": {"External id": "seven", "Sequence number": 3, "grid": [1, "2", 3]}},
    {"cat": "cpu_op", "name": "no ph", "pid": 1, "tid": 1, "ts": 1, "dur": 2},
    {"ph": "B", "cat": "cpu_op", "name": "begin", "pid": 1, "tid": 1, "ts": 1},
    {"ph": "s", "cat": "ac2g", "name": "no id", "pid": 1, "tid": 1, "ts": 1},
    42,
    {"ph": "X", "cat": "kernel", "name": "orphan", "pid": 0, "tid": 7, "ts": 20, "dur": 1,
     "args": {"device": 0, "stream": 7, "correlation": 12345}}
  ]})json");
  const dd::Diagnostics& d = trace.diagnostics;
  CHECK(d.count("kineto_unknown_category") == 1);
  CHECK(d.count("kineto_negative_duration") == 1);
  // no ts, string dur, no tid, no cat, no stream, no ph, flow without id, the number 42
  CHECK(d.count("kineto_malformed_event") == 8);
  CHECK(d.counters().at("kineto_malformed_event").severity == dd::Severity::kDataLoss);
  CHECK(d.count("kineto_malformed_arg") == 2);  // "seven", and a grid with a string
  CHECK(d.count("kineto_unsupported_phase") == 1);
  CHECK(d.count("gpu_op_without_launch") == 1);
  REQUIRE(trace.ranges.size() == 2);
  uint32_t negative = find_range(trace, "negative");
  REQUIRE(negative != dd::kNone);
  CHECK(trace.ranges.end[negative] == trace.ranges.start[negative]);  // clamped to 0
  uint32_t bad_arg = find_range(trace, "bad arg");
  REQUIRE(bad_arg != dd::kNone);
  CHECK(trace.ranges.external_id[bad_arg] == 0);
  CHECK(trace.ranges.sequence_number[bad_arg] == 3);
  REQUIRE(trace.gpu_ops.size() == 1);
  CHECK(trace.processes.pid[trace.streams.process[trace.gpu_ops.stream[0]]] == 1);
}

TEST_CASE("Kineto: fractional microsecond timestamps convert to exact nanoseconds",
          "[collector][kineto]") {
  dd::Trace trace = import_json(R"json({"traceEvents": [
    {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1102, "tid": 1102,
     "ts": 1712195495505543.2, "dur": 41.768, "args": {"correlation": 135071}}
  ]})json");
  REQUIRE(trace.api_calls.size() == 1);
  CHECK(trace.api_calls.start[0] == 1712195495505543200);
  CHECK(trace.api_calls.end[0] == 1712195495505543200 + 41768);
}

TEST_CASE("Kineto: microseconds_to_ns is exact and rejects non-numbers", "[collector][kineto]") {
  using dd::kineto::microseconds_to_ns;
  CHECK(microseconds_to_ns("1712195495505543.2") == 1712195495505543200);
  CHECK(microseconds_to_ns("1712195495502094.5 ") == 1712195495502094500);
  CHECK(microseconds_to_ns("35115.869") == 35115869);
  CHECK(microseconds_to_ns("-3") == -3000);
  CHECK(microseconds_to_ns("2.5e3") == 2500000);
  CHECK(microseconds_to_ns("1.5E-2") == 15);
  CHECK(microseconds_to_ns("0.0004999") == 0);
  CHECK(microseconds_to_ns("0.0005") == 1);  // half rounds away from zero
  CHECK(microseconds_to_ns("-0.0015") == -2);
  CHECK(microseconds_to_ns("5e-4") == 1);
  CHECK(microseconds_to_ns("\"12.5\"") == 12500);
  CHECK(microseconds_to_ns("0e400") == 0);
  CHECK(microseconds_to_ns("9223372036854775.807") == INT64_MAX);
  CHECK_FALSE(microseconds_to_ns("9223372036854775.808"));
  CHECK_FALSE(microseconds_to_ns("1e300"));
  CHECK_FALSE(microseconds_to_ns("abc"));
  CHECK_FALSE(microseconds_to_ns("1."));
  CHECK_FALSE(microseconds_to_ns(".5"));
  CHECK_FALSE(microseconds_to_ns("1e"));
  CHECK_FALSE(microseconds_to_ns("12x"));
  CHECK_FALSE(microseconds_to_ns(""));
}
