// The Kineto importer on hostile but syntactically possible traces: values nested deeper than
// any real trace, enormous strings and numbers, numbers outside every sane range, events in
// reverse order. Each gives a Trace with the damage counted, or one error naming the file —
// never a crash, a hang, or a silently different result.
#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>
#include <string>

#include "collector/kineto_fixture.h"
#include "graph/graph_builder.h"
#include "reports/replay_report.h"
#include "simulator/simulator.h"

namespace {

// Imports `json` from a scratch file: the Trace, or the error (checked to name the file).
dd::Result<dd::Trace> import_text(const std::string& json) {
  dd::test::ScratchFile file(".json");
  dd::test::write_text(file.path(), json);
  dd::Trace trace;
  dd::TraceBuilder builder(trace);
  auto imported = dd::import_kineto_file(file.path(), builder);
  if (!imported) {
    INFO(imported.error().message);
    CHECK_THAT(imported.error().message, Catch::StartsWith(file.path() + ": "));
    CHECK(imported.error().message.find('\n') == std::string::npos);
    return std::unexpected(imported.error());
  }
  dd::finish_trace(trace);
  return trace;
}

std::string launch_and_kernel(const std::string& launch_extra, const std::string& kernel_ts) {
  return R"json({"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1,
    "tid": 1, "ts": 10, "dur": 5, "args": {"correlation": 1)json" +
         launch_extra + R"json(}},
    {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": )json" +
         kernel_ts + R"json(, "dur": 5, "args": {"device": 0, "stream": 7, "correlation": 1}})json";
}

// The replay report of a trace, as `daydream replay --json` prints it.
std::string replay_json(const dd::Trace& trace) {
  auto graph = dd::build_graph(trace);
  REQUIRE(graph);
  dd::Timeline simulated = dd::simulate(*graph, dd::graph_origin(*graph));
  std::ostringstream out;
  dd::print_replay_json(*graph,
                        dd::compare_replay(*graph, dd::measured_timeline(*graph), simulated), out);
  return out.str();
}

}  // namespace

TEST_CASE("Kineto adversarial: deeply nested values", "[collector][kineto][adversarial]") {
  constexpr size_t kDepth = 100000;
  SECTION("inside an event's args: the event is kept, the unknown arg skipped") {
    std::string nested = std::string(kDepth, '[') + std::string(kDepth, ']');
    auto trace = import_text(R"json({"traceEvents": [)json" +
                             launch_and_kernel(R"json(, "junk": )json" + nested, "20") + "]}");
    if (trace) {
      CHECK(trace->api_calls.size() == 1);
      CHECK(trace->gpu_ops.size() == 1);
    }
  }
  SECTION("as the whole document: a bare event array whose one event is not an object") {
    auto trace = import_text(std::string(kDepth, '[') + std::string(kDepth, ']'));
    REQUIRE_FALSE(trace);
    CHECK_THAT(trace.error().message, Catch::Contains("no readable trace event (1 malformed"));
  }
  SECTION("unclosed") {
    auto trace = import_text(R"json({"traceEvents": [)json" + std::string(kDepth, '{'));
    CHECK_FALSE(trace);
  }
}

TEST_CASE("Kineto adversarial: enormous strings and numbers", "[collector][kineto][adversarial]") {
  std::string long_name(4 << 20, 'x');
  std::string long_number = "1" + std::string(100000, '0');
  auto trace = import_text(R"json({"traceEvents": [)json" + launch_and_kernel("", "20") +
                           R"json(, {"ph": "X", "cat": "cpu_op", "name": ")json" + long_name +
                           R"json(", "pid": 1, "tid": 1, "ts": 1, "dur": 2},
    {"ph": "X", "cat": "cpu_op", "name": "huge ts", "pid": 1, "tid": 1, "ts": )json" +
                           long_number + R"json(, "dur": 2},
    {"ph": "X", "cat": "cpu_op", "name": "huge arg", "pid": 1, "tid": 1, "ts": 3, "dur": 2,
     "args": {"External id": )json" +
                           long_number + R"json(}}
  ]})json");
  REQUIRE(trace);
  REQUIRE(trace->ranges.size() == 2);  // the long name and the huge arg; not the huge ts
  CHECK(trace->str(trace->ranges.name[0]).size() == long_name.size());
  CHECK(trace->diagnostics.count("kineto_malformed_event") == 1);
  CHECK(trace->diagnostics.count("kineto_malformed_arg") == 1);
}

TEST_CASE("Kineto adversarial: numbers at and past the limits",
          "[collector][kineto][adversarial]") {
  SECTION("non-finite numbers are not JSON") {
    for (const char* token : {"NaN", "Infinity", "-Infinity", "1e999999"}) {
      INFO(token);
      auto trace =
          import_text(R"json({"traceEvents": [)json" + launch_and_kernel("", token) + "]}");
      if (trace) {
        CHECK(trace->gpu_ops.size() == 0);  // read as a number out of range: event dropped
        CHECK(trace->diagnostics.count("kineto_malformed_event") == 1);
      }
    }
  }
  SECTION("times whose end does not fit in int64 nanoseconds") {
    auto trace = import_text(R"json({"traceEvents": [)json" +
                             launch_and_kernel("", "9223372036854775.000") + "]}");
    REQUIRE(trace);
    CHECK(trace->gpu_ops.size() == 0);
    CHECK(trace->diagnostics.count("kineto_malformed_event") == 1);
  }
  SECTION("negative ids and huge ids") {
    auto trace = import_text(
        R"json({"traceEvents": [)json" +
        launch_and_kernel(R"json(, "External id": -5, "cbid": 1e300)json", "20") + "]}");
    REQUIRE(trace);
    REQUIRE(trace->api_calls.size() == 1);
    CHECK(trace->api_calls.external_id[0] == 0);
  }
  SECTION("times outside ±2^62 ns (±146 years) are dropped and counted") {
    auto trace = import_text(R"json({"traceEvents": [)json" +
                             launch_and_kernel("", "-4700000000000000") + "]}");
    REQUIRE(trace);
    CHECK(trace->gpu_ops.size() == 0);
    CHECK(trace->diagnostics.count("kineto_malformed_event") == 1);
  }
  SECTION("extreme but representable times replay without overflow") {
    // Four kernels of ~127 years each, overlapping on one stream, launched near the start of
    // the trace time range: replayed back to back they run past the end of the int64 clock.
    std::string events;
    for (int i = 1; i <= 4; ++i) {
      std::string id = std::to_string(i);
      events += (i == 1 ? "" : ",") + std::string(R"json(
        {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1,
         "ts": -400000000000000)json") +
                id + R"json(, "dur": 1, "args": {"correlation": )json" + id + R"json(}},
        {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": -39999999999999)json" +
                id + R"json(0, "dur": 4000000000000000, "args": {"device": 0, "stream": 7,
         "correlation": )json" +
                id + "}}";
    }
    auto trace = import_text(R"json({"traceEvents": [)json" + events + "]}");
    REQUIRE(trace);
    REQUIRE(trace->gpu_ops.size() == 4);
    auto graph = dd::build_graph(*trace);
    REQUIRE(graph);
    dd::Timeline timeline = dd::simulate(*graph, dd::graph_origin(*graph));
    for (dd::TaskId t = 0; t < graph->task_count(); ++t) {
      CHECK(timeline.start[t] != dd::kNotRun);
      CHECK(timeline.end[t] >= timeline.start[t]);
    }
    CHECK_FALSE(replay_json(*trace).empty());
  }
}

TEST_CASE("Kineto adversarial: events in reverse order give the same replay",
          "[collector][kineto][adversarial]") {
  std::vector<std::string> events = {
      R"json({"ph": "X", "cat": "user_annotation", "name": "ProfilerStep#1", "pid": 1, "tid": 1,
       "ts": 0, "dur": 100})json",
      R"json({"ph": "X", "cat": "user_annotation", "name": "ProfilerStep#2", "pid": 1, "tid": 1,
       "ts": 100, "dur": 100})json",
  };
  for (int i = 0; i < 8; ++i) {
    std::string ts = std::to_string(5 + i * 25);
    std::string kernel_ts = std::to_string(12 + i * 25);
    std::string id = std::to_string(i + 1);
    events.push_back(R"json({"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel",
      "pid": 1, "tid": 1, "ts": )json" +
                     ts + R"json(, "dur": 4, "args": {"correlation": )json" + id + "}}");
    events.push_back(R"json({"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7,
      "ts": )json" + kernel_ts +
                     R"json(, "dur": 15, "args": {"device": 0, "stream": 7,
      "correlation": )json" +
                     id + "}}");
  }
  auto document = [](auto first, auto last) {
    std::string text = R"json({"traceEvents": [)json";
    for (auto it = first; it != last; ++it) text += (it == first ? "" : ",") + *it;
    return text + "]}";
  };
  auto forward = import_text(document(events.begin(), events.end()));
  auto backward = import_text(document(events.rbegin(), events.rend()));
  REQUIRE(forward);
  REQUIRE(backward);
  CHECK(forward->iterations.size() == 2);
  CHECK(replay_json(*forward) == replay_json(*backward));
}

TEST_CASE("Kineto adversarial: a 5 GiB file of NUL bytes fails at the first one",
          "[collector][kineto][adversarial]") {
  // A sparse 5 GiB file (no disk used): the importer streams it, so it stops at the first NUL
  // after the array's start instead of reading, or holding, the rest.
  dd::test::ScratchFile file(".json");
  std::string start = R"json({"traceEvents": [)json";
  dd::test::write_text(file.path(), start);
  std::filesystem::resize_file(file.path(), uintmax_t{5} << 30);
  dd::Trace trace;
  dd::TraceBuilder builder(trace);
  auto imported = dd::import_kineto_file(file.path(), builder);
  REQUIRE_FALSE(imported);
  CHECK_THAT(imported.error().message, Catch::StartsWith(file.path() + ": invalid JSON: "));
  CHECK_THAT(imported.error().message, Catch::Contains("control character (0x00)"));
  CHECK_THAT(imported.error().message,
             Catch::Contains("near byte " + std::to_string(start.size())));
}
