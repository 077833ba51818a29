// `daydream breakdown` on the bundled real traces against numbers computed here straight from
// their JSON, without the importer, the graph or the attribution: the analysed windows, GPU
// time (of the ops launched in them), GPU busy and idle time, idle time waiting for the host, the GPU time per phase (from
// the thread each kernel's runtime call ran on and the Optimizer/backward ranges around it),
// op call counts; and the share of GPU time left in no layer.
#include <simdjson.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "collector/kineto_fixture.h"
#include "reports/breakdown_metrics.h"
#include "simulator/simulator.h"
#include "test_paths.h"
#include "bundled_traces.h"

namespace {

using dd::TimeNs;

// One complete ("X") event as the JSON has it.
struct RawEvent {
  std::string cat, name, tid;
  TimeNs ts = 0, dur = 0;
  int64_t correlation = -1;
};

// A microsecond token ("1739425750467035.123") in exact nanoseconds.
TimeNs exact_ns(std::string_view token) {
  size_t dot = token.find('.');
  std::string_view whole = token.substr(0, dot);
  TimeNs ns = std::stoll(std::string(whole)) * 1000;
  if (dot == std::string_view::npos) return ns;
  std::string fraction(token.substr(dot + 1));
  while (fraction.size() < 4) fraction += '0';
  TimeNs sub = std::stoll(fraction.substr(0, 3));
  if (fraction[3] >= '5') ++sub;
  return ns + sub;
}

std::string text_of(simdjson::ondemand::value value) {
  std::string_view raw = value.raw_json_token();
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == ',' || raw.back() == '\n')) raw.remove_suffix(1);
  if (raw.size() >= 2 && raw.front() == '"') return std::string(raw.substr(1, raw.size() - 2));
  return std::string(raw);
}

std::vector<RawEvent> complete_events(const std::string& path) {
  simdjson::padded_string json(dd::test::gunzip(path));
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc = parser.iterate(json);
  std::vector<RawEvent> events;
  for (simdjson::ondemand::object event : doc["traceEvents"].get_array()) {
    RawEvent e;
    bool complete = false;
    for (auto field : event) {
      std::string_view key = field.unescaped_key();
      simdjson::ondemand::value value = field.value();
      if (key == "ph") complete = text_of(value) == "X";
      if (key == "cat") e.cat = text_of(value);
      if (key == "name") e.name = std::string(value.get_string().value());
      if (key == "tid") e.tid = text_of(value);
      if (key == "ts") e.ts = exact_ns(text_of(value));
      if (key == "dur") e.dur = exact_ns(text_of(value));
      if (key == "args") {
        for (auto arg : value.get_object()) {
          if (arg.unescaped_key().value() == "correlation") e.correlation = arg.value().get_int64();
        }
      }
    }
    if (complete) events.push_back(std::move(e));
  }
  return events;
}

bool is_gpu(const RawEvent& e) { return e.cat == "kernel" || e.cat == "gpu_memcpy" || e.cat == "gpu_memset"; }
bool is_runtime(const RawEvent& e) { return e.cat == "cuda_runtime" || e.cat == "cuda_driver"; }

struct Span {
  TimeNs start, end;
};

// What the breakdown should say, computed from the events.
struct Expected {
  std::vector<Span> windows;
  TimeNs window_time = 0, gpu_time = 0, busy = 0, host_idle = 0;
  std::map<std::string, TimeNs> phase_gpu;
  std::map<std::string, uint64_t> top_level_calls;

  bool in_windows(TimeNs t) const {
    return std::any_of(windows.begin(), windows.end(), [t](const Span& w) { return w.start <= t && t < w.end; });
  }
  TimeNs covered(TimeNs a, TimeNs b) const {
    TimeNs total = 0;
    for (const Span& w : windows) total += std::max<TimeNs>(0, std::min(b, w.end) - std::max(a, w.start));
    return total;
  }
};

// Windows: the later half of the ProfilerStep#N ranges, each to the next one's start (the
// last to its own end); without them the span of the runtime calls and GPU ops.
std::vector<Span> windows_of(const std::vector<RawEvent>& events) {
  std::vector<const RawEvent*> steps;
  for (const RawEvent& e : events) {
    if (e.name.starts_with("ProfilerStep#") && e.cat != "gpu_user_annotation") steps.push_back(&e);
  }
  std::sort(steps.begin(), steps.end(), [](auto* a, auto* b) { return a->ts < b->ts; });
  std::vector<Span> windows;
  if (steps.empty()) {
    Span all{INT64_MAX, INT64_MIN};
    for (const RawEvent& e : events) {
      if (!is_gpu(e) && !is_runtime(e)) continue;
      all.start = std::min(all.start, e.ts);
      all.end = std::max(all.end, e.ts + e.dur);
    }
    return {all};
  }
  for (size_t i = steps.size() / 2; i < steps.size(); ++i) {
    TimeNs end = i + 1 < steps.size() ? steps[i + 1]->ts : steps[i]->ts + steps[i]->dur;
    windows.push_back({steps[i]->ts, end});
  }
  return windows;
}

// Whether `call` lies inside a range of `ranges` on its thread.
bool inside(const RawEvent& call, const std::vector<const RawEvent*>& ranges) {
  return std::any_of(ranges.begin(), ranges.end(), [&](const RawEvent* r) {
    return r->tid == call.tid && r->ts <= call.ts && call.ts < r->ts + r->dur;
  });
}

Expected expected_from(const std::vector<RawEvent>& events) {
  Expected x;
  x.windows = windows_of(events);
  for (const Span& w : x.windows) x.window_time += w.end - w.start;
  std::map<int64_t, const RawEvent*> call_of;
  std::vector<const RawEvent*> gpu, optimizer, backward_frames;
  std::vector<std::string> backward_threads;
  for (const RawEvent& e : events) {
    if (is_runtime(e) && e.correlation >= 0) call_of[e.correlation] = &e;
    if (is_gpu(e)) gpu.push_back(&e);
    if (e.name.starts_with("Optimizer.")) optimizer.push_back(&e);
    if (e.cat == "python_function" && e.name.ends_with(": backward")) backward_frames.push_back(&e);
    if (e.cat == "cpu_op" && e.name.starts_with("autograd::engine::evaluate_function")) {
      backward_threads.push_back(e.tid);
    }
  }
  for (const RawEvent* op : gpu) {
    // An iteration's GPU work is what it launched: an op counts where its runtime call is.
    auto call = call_of.find(op->correlation);
    if (!x.in_windows(call != call_of.end() ? call->second->ts : op->ts)) continue;
    x.gpu_time += op->dur;
    std::string phase = "other";
    if (call != call_of.end()) {
      const RawEvent& c = *call->second;
      bool backward_thread = std::find(backward_threads.begin(), backward_threads.end(), c.tid) != backward_threads.end();
      phase = inside(c, optimizer) ? "optimizer"
              : backward_thread || inside(c, backward_frames) ? "backward"
                                                              : "forward";
    }
    x.phase_gpu[phase] += op->dur;
  }
  // GPU busy: the union of the ops; host idle: the gaps of the union whose next op's runtime
  // call started after the gap began.
  std::sort(gpu.begin(), gpu.end(), [](auto* a, auto* b) { return a->ts < b->ts; });
  TimeNs busy_until = INT64_MIN, span_start = 0;
  for (const RawEvent* op : gpu) {
    if (op->ts > busy_until) {
      if (busy_until != INT64_MIN) x.busy += x.covered(span_start, busy_until);
      auto call = call_of.find(op->correlation);
      if (call != call_of.end() && call->second->ts > busy_until) x.host_idle += x.covered(busy_until, op->ts);
      span_start = op->ts;
    }
    busy_until = std::max(busy_until, op->ts + op->dur);
  }
  x.busy += x.covered(span_start, busy_until);
  // Op calls: framework ops no other framework op on their thread encloses.
  std::map<std::string, std::vector<const RawEvent*>> ops_by_thread;
  for (const RawEvent& e : events) {
    if (e.cat == "cpu_op") ops_by_thread[e.tid].push_back(&e);
  }
  for (auto& [tid, ops] : ops_by_thread) {
    std::sort(ops.begin(), ops.end(), [](auto* a, auto* b) { return a->ts != b->ts ? a->ts < b->ts : a->dur > b->dur; });
    TimeNs open_until = INT64_MIN;
    for (const RawEvent* op : ops) {
      if (op->ts >= open_until) {
        if (x.in_windows(op->ts)) ++x.top_level_calls[op->name];
        open_until = op->ts + op->dur;
      }
    }
  }
  return x;
}

TimeNs phase_gpu(const dd::Breakdown& b, dd::Phase phase) {
  return b.phases[static_cast<size_t>(phase)].gpu_time;
}

const dd::OperatorRow* operator_row(const dd::Breakdown& b, const std::string& name) {
  for (const dd::OperatorRow& row : b.operators) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

void check_against_json(const std::string& trace, const std::string& op) {
  INFO(trace);
  Expected x = expected_from(complete_events(dd::test::trace_path(trace)));
  const dd::Graph& graph = dd::test::bundled_graph(trace);
  dd::Timeline measured = dd::measured_timeline(graph);
  dd::Breakdown b = dd::measured_breakdown(graph, measured, dd::simulate(graph, dd::graph_origin(graph)));
  REQUIRE(b.windows == x.windows.size());
  CHECK(b.window_time == x.window_time);
  CHECK(b.gpu_time == x.gpu_time);
  CHECK(b.gpu.all_streams.busy == x.busy);
  CHECK(b.gpu.all_streams.idle_total() == x.window_time - x.busy);
  CHECK(b.gpu.all_streams.idle[static_cast<size_t>(dd::IdleCause::kHost)] == x.host_idle);
  CHECK(phase_gpu(b, dd::Phase::kForward) == x.phase_gpu["forward"]);
  CHECK(phase_gpu(b, dd::Phase::kBackward) == x.phase_gpu["backward"]);
  CHECK(phase_gpu(b, dd::Phase::kOptimizer) == x.phase_gpu["optimizer"]);
  CHECK(phase_gpu(b, dd::Phase::kOther) == x.phase_gpu["other"]);
  const dd::OperatorRow* row = operator_row(b, op);
  REQUIRE(row != nullptr);
  CHECK(row->calls == x.top_level_calls[op]);
  // Done means: forward, backward and the optimizer step all found, and less than 10% of the
  // GPU time in no layer.
  for (dd::Phase phase : {dd::Phase::kForward, dd::Phase::kBackward, dd::Phase::kOptimizer}) {
    CHECK(phase_gpu(b, phase) > 0);
  }
  for (const dd::BreakdownRow& layer : b.layers) {
    if (layer.name == dd::kUnattributed) CHECK(layer.gpu_time * 10 < b.gpu_time);
  }
}

}  // namespace

TEST_CASE("Measured breakdown of ResNet-50 agrees with its JSON", "[breakdown][golden]") {
  check_against_json("resnet50_v100_rank0.pt.trace.json.gz", "aten::conv2d");
}

TEST_CASE("Measured breakdown of VGG-13 agrees with its JSON", "[breakdown][golden]") {
  check_against_json("vgg13_h100_iter41.pt.trace.json.gz", "aten::conv2d");
}

TEST_CASE("Measured breakdown of the matmul DDP trace agrees with its JSON", "[breakdown][golden]") {
  // A compiled model: its forward is one op call (an autograd Function around the graph).
  check_against_json("matmul_v100_memory.pt.trace.json.gz", "CompiledFunction");
}
