// Perfetto export: the JSON parses, has one process per timeline with the promised names, one
// thread per resource, a slice per task at the timeline's exact times (µs with 3 decimals),
// layer/phase arguments, and flow events that pair up (one start and one end per id, on the
// threads of the edge's tasks). On a hand-built graph and on a real trace with a model applied.
#include "reports/perfetto_export.h"

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "bundled_traces.h"
#include "simulator/simulator.h"
#include "tiny_graph.h"
#include "transforms/whatif_model.h"

using dd::EdgeKind;
using dd::KernelClass;
using dd::Phase;
using dd::TaskId;
using dd::TaskKind;

namespace {

// What a test checks of an exported document, gathered in one pass.
struct ExportedDocument {
  std::map<int64_t, std::string> process_names;                   // pid -> name
  std::map<std::pair<int64_t, int64_t>, std::string> thread_names;  // (pid, tid) -> name
  std::map<int64_t, uint64_t> slices;                               // pid -> X events
  std::map<int64_t, std::pair<int, int>> flow_ends;                 // id -> (#s, #f)
  std::vector<simdjson::dom::element> slice_events;
};

ExportedDocument read_export(simdjson::dom::parser& parser, const std::string& text) {
  simdjson::dom::element doc;
  REQUIRE(parser.parse(simdjson::padded_string(text)).get(doc) == simdjson::SUCCESS);
  ExportedDocument result;
  for (simdjson::dom::element event : doc["traceEvents"].get_array()) {
    std::string_view ph = event["ph"];
    int64_t pid = event["pid"];
    if (ph == "M") {
      std::string_view what = event["name"];
      if (what == "process_name") result.process_names[pid] = std::string_view(event["args"]["name"]);
      if (what == "thread_name") {
        result.thread_names[{pid, int64_t(event["tid"])}] =
            std::string_view(event["args"]["name"]);
      }
    } else if (ph == "X") {
      ++result.slices[pid];
      result.slice_events.push_back(event);
    } else if (ph == "s" || ph == "f") {
      auto& ends = result.flow_ends[int64_t(event["id"])];
      (ph == "s" ? ends.first : ends.second)++;
      if (ph == "f") CHECK(std::string_view(event["bp"]) == "e");
    }
  }
  return result;
}

bool flows_pair_up(const ExportedDocument& doc) {
  for (const auto& [id, ends] : doc.flow_ends) {
    if (ends.first != 1 || ends.second != 1) return false;
  }
  return true;
}

// CPU: launch (10, forward, layer conv1) then sync (5). GPU: kernel (100) named with the
// characters JSON must escape.
struct LaunchRun {
  dd::test::TinyGraph t;
  TaskId launch = t.cpu_task(TaskKind::kApiCall, 10, Phase::kForward, "conv1");
  TaskId sync = t.cpu_task(TaskKind::kApiCall, 5, Phase::kOther, "");
  TaskId kernel = t.gpu_op(t.gpu, 100, "void k<\"q\"\\x>()", KernelClass::kConvolution,
                           Phase::kForward, "conv1");
  LaunchRun() {
    t.graph.add_edge(launch, kernel, EdgeKind::kLaunch);
    t.graph.add_edge(kernel, sync, EdgeKind::kHostWait);
  }
};

}  // namespace

TEST_CASE("Perfetto export of one timeline: tracks, exact times, arguments, flows", "[reports]") {
  LaunchRun run;
  // Replay from 1 ms: launch [1000000, 1000010], kernel [1000010, 1000110], sync ends 1000115.
  dd::Timeline timeline = dd::simulate(run.t.graph, 1'000'000);
  std::vector<dd::ExportedTimeline> tracks{{"measured", &run.t.graph, &timeline, false}};
  std::ostringstream out;
  dd::PerfettoExportStats stats = dd::write_perfetto_trace(tracks, 999'000, out);
  REQUIRE(stats.written);
  CHECK(stats.bytes == out.str().size());
  REQUIRE(stats.tracks.size() == 1);
  CHECK(stats.tracks[0].slices == 3);
  CHECK(stats.tracks[0].flows == 2);

  simdjson::dom::parser parser;
  ExportedDocument doc = read_export(parser, out.str());
  CHECK(doc.process_names == std::map<int64_t, std::string>{{1, "measured"}});
  CHECK(doc.thread_names.size() == 2);
  CHECK(doc.thread_names[{1, int64_t{run.t.cpu} + 1}] == "cpu");
  CHECK(doc.thread_names[{1, int64_t{run.t.gpu} + 1}] == "gpu");
  CHECK(doc.slices[1] == 3);
  CHECK(doc.flow_ends.size() == 2);
  CHECK(flows_pair_up(doc));

  bool kernel_seen = false;
  for (simdjson::dom::element slice : doc.slice_events) {
    if (int64_t(slice["args"]["task"]) != run.kernel) continue;
    kernel_seen = true;
    CHECK(std::string_view(slice["name"]) == "void k<\"q\"\\x>()");  // escaped, read back
    CHECK(std::string_view(slice["cat"]) == "gpu_op");
    CHECK(double(slice["ts"]) == Approx(1.010));  // (1000010 - 999000) ns = 1.010 us
    CHECK(double(slice["dur"]) == Approx(0.100));
    CHECK(std::string_view(slice["args"]["layer"]) == "conv1");
    CHECK(std::string_view(slice["args"]["phase"]) == "forward");
    CHECK(std::string_view(slice["args"]["kernel_class"]) == "convolution");
  }
  CHECK(kernel_seen);
  // The exact text of the kernel's times: microseconds with three decimals.
  CHECK(out.str().find("\"ts\":1.010,\"dur\":0.100") != std::string::npos);
}

TEST_CASE("Perfetto export of a real trace with a model applied has both timelines",
          "[reports][golden]") {
  const dd::Graph& graph = dd::test::bundled_graph("resnet50_v100_rank0.pt.trace.json.gz");
  dd::TimeNs origin = dd::graph_origin(graph);
  dd::Timeline measured = dd::measured_timeline(graph);
  dd::Graph transformed(graph);
  auto model = dd::parse_apply("amp:dtype=fp16");
  REQUIRE(model);
  REQUIRE(model->model->apply(transformed, model->arguments));
  dd::Timeline predicted = dd::simulate(transformed, origin);
  std::vector<dd::ExportedTimeline> tracks{{"measured", &graph, &measured, false},
                                           {"predicted: amp", &transformed, &predicted, true}};
  std::ostringstream out;
  dd::PerfettoExportStats stats = dd::write_perfetto_trace(tracks, origin, out);
  REQUIRE(stats.written);

  simdjson::dom::parser parser;
  ExportedDocument doc = read_export(parser, out.str());
  CHECK(doc.process_names ==
        std::map<int64_t, std::string>{{1, "measured"}, {2, "predicted: amp"}});
  uint64_t live_tasks = 0;
  for (dd::TaskId t = 0; t < graph.task_count(); ++t) live_tasks += graph.removed[t] ? 0 : 1;
  CHECK(doc.slices[1] == live_tasks);
  CHECK(doc.slices[1] == stats.tracks[0].slices);
  CHECK(doc.slices[2] == stats.tracks[1].slices);
  CHECK(doc.slices[2] > 0);
  // Every resource that holds tasks is a named thread in both processes.
  std::set<std::string> names;
  for (const auto& [key, name] : doc.thread_names) names.insert(name);
  for (const dd::Resource& r : graph.resources) {
    if (r.first != dd::kNone) CHECK(names.count(r.name) == 1);
  }
  bool has_stream = false;
  bool has_thread = false;
  for (const auto& name : names) {
    has_stream |= name.starts_with("stream");
    has_thread |= name.starts_with("thread");
  }
  CHECK(has_stream);
  CHECK(has_thread);
  CHECK(doc.flow_ends.size() == stats.tracks[0].flows + stats.tracks[1].flows);
  CHECK(stats.tracks[0].flows > 1000);
  CHECK(flows_pair_up(doc));
}
