// `daydream memory` metrics: each category rule on a hand-made trace whose allocations were
// placed to hit one rule each; on the shared DDP trace with allocator events, the categories
// at the peak add up to the allocator's own `Total Allocated` there; and traces without
// addresses or without allocator events say what cannot be known.
#include <algorithm>
#include <catch2/catch.hpp>
#include <limits>
#include <numeric>

#include "collector/kineto_fixture.h"
#include "collector/trace_loader.h"
#include "graph/graph_builder.h"
#include "reports/memory_metrics.h"
#include "test_paths.h"
#include "trace_maker.h"

namespace {

using namespace dd;

int64_t at(const CategoryBytes& bytes, MemoryCategory category) {
  return bytes[static_cast<size_t>(category)];
}

int64_t sum(const CategoryBytes& bytes) {
  return std::accumulate(bytes.begin(), bytes.end(), int64_t{0});
}

// Two iterations; forward on the main thread (module Linear_0), backward on a second thread,
// an optimizer step; one allocation per rule (sizes in the comments' order of events):
//   W  900 B before the first iteration, never freed           -> weights
//   A  200 B + 500 B in forward, freed in backward             -> activations
//   T  50 B allocated and freed inside aten::linear            -> temporaries
//   G  300 B in backward, never freed                          -> gradients
//   O  400 B in the optimizer step, never freed                -> optimizer state
//   S  10 B in the optimizer step, freed in the same step      -> temporaries
//   64 B allocated before the trace and freed in iteration 2   -> before the trace
struct RulesTrace {
  test::TraceMaker m;
  RulesTrace() {
    m.allocated = 64;  // the allocator's total before the first event
    uint32_t backward = m.builder.thread(m.process, 200);
    m.memory(m.main_thread, 10, 0x1000, 900);  // W
    m.range(m.main_thread, "ProfilerStep#1", 100, 1000, RangeKind::kUserAnnotation);
    m.range(m.main_thread, "nn.Module: Linear_0", 105, 210, RangeKind::kPythonFunction);
    m.range(m.main_thread, "aten::linear", 110, 200, RangeKind::kFrameworkOp, 7);
    m.memory(m.main_thread, 120, 0x2000, 200);  // A
    m.memory(m.main_thread, 125, 0x2100, 500);  // A
    m.memory(m.main_thread, 130, 0x3000, 50);   // T
    m.memory(m.main_thread, 140, 0x3000, -50);
    m.api(m.main_thread, "cudaLaunchKernel", 150, 160, 1);
    m.kernel("volta_sgemm_128x64_nn", 170, 180, 1, m.stream);
    m.range(backward, "autograd::engine::evaluate_function: AddmmBackward0", 300, 400,
            RangeKind::kFrameworkOp, 7);
    m.memory(backward, 310, 0x4000, 300);  // G: the peak, 64 + 900 + 700 + 300
    m.memory(backward, 350, 0x2000, -200);
    m.memory(backward, 390, 0x2100, -500);
    m.range(m.main_thread, "Optimizer.step#SGD.step", 500, 600, RangeKind::kUserAnnotation);
    m.memory(m.main_thread, 510, 0x5000, 400);  // O
    m.memory(m.main_thread, 520, 0x6000, 10);   // S
    m.memory(m.main_thread, 530, 0x6000, -10);
    m.range(m.main_thread, "ProfilerStep#2", 1000, 2000, RangeKind::kUserAnnotation);
    m.api(m.main_thread, "cudaLaunchKernel", 1100, 1110, 2);
    m.kernel("elementwise_kernel", 1120, 1130, 2, m.stream);
    m.memory(m.main_thread, 1200, 0x9000, -64);  // a block from before the trace
    finish_trace(m.trace);
  }
};

MemoryBreakdown breakdown_of(const Trace& trace) {
  auto graph = build_graph(trace);
  REQUIRE(graph);
  auto breakdown = compute_memory_breakdown(*graph);
  REQUIRE(breakdown);
  return std::move(*breakdown);
}

const MemorySample& sample_at(const MemoryBreakdown& b, TimeNs time) {
  auto it = std::find_if(b.series.begin(), b.series.end(),
                         [&](const MemorySample& s) { return s.time == time; });
  REQUIRE(it != b.series.end());
  return *it;
}

}  // namespace

TEST_CASE("memory categories follow where each allocation was made and freed",
          "[reports][memory]") {
  RulesTrace t;
  MemoryBreakdown b = breakdown_of(t.m.trace);
  CHECK(b.categories_known);
  CHECK(b.has_allocator_totals);
  CHECK(b.total_mismatches == 0);
  CHECK(b.before_trace_bytes == 64);
  CHECK(b.peak_bytes == 64 + 900 + 700 + 300);
  CHECK(b.peak_time == 310);
  CHECK(at(b.at_peak, MemoryCategory::kBeforeTrace) == 64);
  CHECK(at(b.at_peak, MemoryCategory::kWeights) == 900);
  CHECK(at(b.at_peak, MemoryCategory::kActivations) == 700);
  CHECK(at(b.at_peak, MemoryCategory::kGradients) == 300);
  CHECK(sum(b.at_peak) == b.peak_bytes);
  CHECK(at(sample_at(b, 130).bytes, MemoryCategory::kTemporaries) == 50);
  CHECK(at(sample_at(b, 520).bytes, MemoryCategory::kTemporaries) == 10);
  const MemorySample& last = b.series.back();
  CHECK(at(last.bytes, MemoryCategory::kOptimizerState) == 400);
  CHECK(at(last.bytes, MemoryCategory::kBeforeTrace) == 0);
  CHECK(at(last.bytes, MemoryCategory::kTemporaries) == 0);
  CHECK(b.unmatched_frees == 1);
  REQUIRE(b.iteration_peaks.size() == 2);
  CHECK(b.iteration_peaks[0].peak_bytes == b.peak_bytes);
  REQUIRE_FALSE(b.layers_at_peak.empty());
  // Linear_0's activations (700 B) and its gradient (300 B, backward inherits the layer
  // through the sequence number) outweigh the unattributed weights (900 B).
  CHECK(b.layers_at_peak.front().name == "Linear_0");
  CHECK(b.layers_at_peak.front().bytes == 1000);
}

TEST_CASE("memory without addresses gives the totals and says the categories are unknown",
          "[reports][memory]") {
  RulesTrace t;
  std::fill(t.m.trace.memory_events.address.begin(), t.m.trace.memory_events.address.end(), 0);
  MemoryBreakdown b = breakdown_of(t.m.trace);
  CHECK_FALSE(b.categories_known);
  CHECK(b.peak_bytes == 64 + 900 + 700 + 300);
  CHECK(sum(b.at_peak) == b.peak_bytes);
  REQUIRE_FALSE(b.limitations.empty());
  CHECK(b.limitations.front().find("no addresses") != std::string::npos);
}

TEST_CASE("memory of a trace without allocator events is a clear error", "[reports][memory]") {
  RulesTrace t;
  t.m.trace.memory_events = MemoryEventTable{};
  auto graph = build_graph(t.m.trace);
  REQUIRE(graph);
  auto breakdown = compute_memory_breakdown(*graph);
  REQUIRE_FALSE(breakdown);
  CHECK(breakdown.error().kind == ErrorKind::kBadInput);
  CHECK(breakdown.error().message.find("no memory allocation events") != std::string::npos);
}

TEST_CASE("memory categories at the peak add up to the allocator's Total Allocated",
          "[reports][memory][golden]") {
  auto trace = load_trace({test::trace_path("matmul_v100_memory.pt.trace.json.gz")});
  REQUIRE(trace);
  auto graph = build_graph(*trace);
  REQUIRE(graph);
  auto breakdown = compute_memory_breakdown(*graph);
  REQUIRE(breakdown);
  const MemoryBreakdown& b = *breakdown;
  // The trace's own numbers, read straight from its events: GPU 1 (the only GPU), and the
  // largest Total Allocated any of its events reports.
  const MemoryEventTable& events = trace->memory_events;
  int64_t largest_total = 0;
  uint64_t gpu_events = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events.device[i] != 1) continue;
    ++gpu_events;
    largest_total = std::max(largest_total, events.total_allocated[i]);
  }
  CHECK(b.device == 1);
  CHECK(b.events == gpu_events);
  CHECK(b.categories_known);
  CHECK(b.total_mismatches == 0);
  CHECK(b.peak_recorded_total == largest_total);
  CHECK(b.peak_bytes == largest_total);
  CHECK(sum(b.at_peak) == b.peak_recorded_total);
  CHECK(b.iteration_peaks.size() == 5);
  // The memory allocated before the trace is the first event's total minus its own block.
  CHECK(b.before_trace_bytes > 0);
  CHECK(at(b.at_peak, MemoryCategory::kBeforeTrace) == b.before_trace_bytes);
}

TEST_CASE("memory sums saturate at the int64 limit instead of wrapping", "[reports][memory]") {
  // Two 9e18-byte allocations (a corrupt trace: their sum does not fit in int64) and a free.
  Trace trace = test::import_json(R"json({"traceEvents": [
    {"ph": "X", "cat": "user_annotation", "name": "ProfilerStep#1", "pid": 1, "tid": 1,
     "ts": 0, "dur": 200},
    {"ph": "i", "s": "t", "cat": "cpu_instant_event", "name": "[memory]", "pid": 1, "tid": 1,
     "ts": 8, "args": {"Device Type": 1, "Device Id": 0, "Bytes": 9000000000000000000,
     "Addr": 77}},
    {"ph": "i", "s": "t", "cat": "cpu_instant_event", "name": "[memory]", "pid": 1, "tid": 1,
     "ts": 9, "args": {"Device Type": 1, "Device Id": 0, "Bytes": 9000000000000000000,
     "Addr": 78}},
    {"ph": "i", "s": "t", "cat": "cpu_instant_event", "name": "[memory]", "pid": 1, "tid": 1,
     "ts": 10, "args": {"Device Type": 1, "Device Id": 0, "Bytes": -9000000000000000000,
     "Addr": 78}},
    {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": 10,
     "dur": 5, "args": {"correlation": 1}},
    {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 20, "dur": 5,
     "args": {"device": 0, "stream": 7, "correlation": 1}}
  ]})json");
  MemoryBreakdown b = breakdown_of(trace);
  CHECK(b.peak_bytes == std::numeric_limits<int64_t>::max());
  for (const MemorySample& s : b.series) CHECK(s.total() >= 0);
}

namespace {

// A 2021-generation trace (PyTorch 1.8): allocator events with sizes only, no addresses and no
// running totals. Running sum of the events: +100, -200, +300, +100, so at least 200 B were
// allocated before the trace (for the free at ts 2 to be possible), the peak is at least
// 200 + 300 = 500 B at ts 3, and the growth within the trace is 300 B.
std::string sizes_only_trace(const std::string& device_properties) {
  auto memory = [](int ts, int bytes) {
    return R"json({"ph": "i", "s": "t", "cat": "cpu_instant_event", "name": "[memory]",
      "pid": 1, "tid": 1, "ts": )json" + std::to_string(ts) +
           R"json(, "args": {"Device Type": 1, "Device Id": 0, "Bytes": )json" +
           std::to_string(bytes) + "}},\n";
  };
  return R"json({"deviceProperties": [)json" + device_properties + R"json(],
  "traceEvents": [)json" + memory(1, 100) + memory(2, -300) + memory(3, 500) + memory(4, -200) +
         R"json({"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1,
    "tid": 1, "ts": 10, "dur": 5, "args": {"correlation": 1}},
  {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 20, "dur": 5,
    "args": {"device": 0, "stream": 7, "correlation": 1}}]})json";
}

}  // namespace

TEST_CASE("memory without totals: the least before the trace, the peak as a lower bound",
          "[reports][memory]") {
  Trace trace = test::import_json(sizes_only_trace(""));
  MemoryBreakdown b = breakdown_of(trace);
  CHECK_FALSE(b.before_trace_known);
  CHECK(b.before_trace_bytes == 200);
  CHECK(b.peak_bytes == 500);
  CHECK(b.peak_time == 3000);
  CHECK(b.growth_bytes == 300);
  CHECK(b.device_memory_bytes == 0);  // no deviceProperties: nothing to check against
  CHECK_FALSE(b.peak_exceeds_device);
  CHECK(peak_statement(b) == "at least 500 B (500 bytes)");
  CHECK(before_trace_statement(b) ==
        "not recorded; at least 200 B, what the trace's own frees imply; the allocations grow by "
        "300 B within the trace");
  for (const MemorySample& s : b.series) CHECK(s.total() >= 0);
}

TEST_CASE("memory never states a peak above the GPU's memory", "[reports][memory]") {
  Trace trace = test::import_json(sizes_only_trace(
      R"json({"id": 0, "name": "Tiny GPU", "totalGlobalMem": 400, "numSms": 1})json"));
  MemoryBreakdown b = breakdown_of(trace);
  CHECK(b.device_memory_bytes == 400);
  CHECK(b.peak_exceeds_device);
  CHECK(peak_statement(b) ==
        "unknown: the events add up to 500 B, more than the 400 B the GPU has, so allocator "
        "events are missing from the trace");
  REQUIRE_FALSE(b.limitations.empty());
  CHECK_THAT(b.limitations.front(), Catch::Contains("more than the 400 B the GPU has"));

  Trace roomy = test::import_json(sizes_only_trace(
      R"json({"id": 0, "name": "Roomy GPU", "totalGlobalMem": 500, "numSms": 1})json"));
  CHECK_FALSE(breakdown_of(roomy).peak_exceeds_device);  // exactly full is possible
}

TEST_CASE("memory of a job analyses one rank's GPU, never the ranks' sum", "[reports][memory]") {
  // Two rank files, each allocating 1000 B on its own GPU 0 (two hosts): not 2000 B.
  auto rank_file = [](int rank, int pid) {
    return R"json({"distributedInfo": {"rank": )json" + std::to_string(rank) +
           R"json(}, "traceEvents": [
  {"ph": "i", "s": "t", "cat": "cpu_instant_event", "name": "[memory]", "pid": )json" +
           std::to_string(pid) + R"json(, "tid": 1, "ts": 1,
   "args": {"Device Type": 1, "Device Id": 0, "Bytes": 1000, "Addr": 64, "Total Allocated": 1000}},
  {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": )json" +
           std::to_string(pid) + R"json(, "tid": 1, "ts": 10, "dur": 5, "args": {"correlation": 1}},
  {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 20, "dur": 5,
   "args": {"device": 0, "stream": 7, "correlation": 1}}]})json";
  };
  test::ScratchFile first(".json"), second(".json");
  test::write_text(first.path(), rank_file(0, 10));
  test::write_text(second.path(), rank_file(1, 20));
  Trace job = test::import_files({first.path(), second.path()});
  MemoryBreakdown b = breakdown_of(job);
  CHECK(b.peak_bytes == 1000);
  CHECK(b.events == 1);
  CHECK(b.other_process_events == 1);
}
