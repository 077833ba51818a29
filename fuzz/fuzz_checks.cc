// The per-target runs and contract checks (see fuzz_checks.h).
#include "fuzz/fuzz_checks.h"

#include <algorithm>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include "collector/kineto/kineto_importer.h"
#include "collector/sqlite/sqlite_reader.h"
#include "collector/trace/trace_builder.h"
#include "collector/trace_loader.h"
#include "graph/graph_builder.h"
#include "reports/breakdown_metrics.h"
#include "reports/breakdown_report.h"
#include "reports/memory_report.h"
#include "reports/replay_report.h"
#include "reports/whatif_report.h"
#include "simulator/simulator.h"
#include "transforms/whatif_model.h"

namespace dd::fuzz {

namespace {

std::string check_error(const Error& error, const std::string& path) {
  if (!error.message.starts_with(path)) return "error does not name the file: " + error.message;
  if (error.message.find('\n') != std::string::npos) return "error of several lines";
  return "";
}

std::string check_timeline(const Graph& graph, const Timeline& timeline) {
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (graph.removed[t]) continue;
    if (timeline.start[t] == kNotRun) return "task " + std::to_string(t) + " never ran";
    if (timeline.end[t] < timeline.start[t]) {
      return "task " + std::to_string(t) + " ends before it starts";
    }
  }
  return "";
}

struct Run {
  std::unique_ptr<Trace> trace;
  std::unique_ptr<Graph> graph;
  TimeNs origin = 0;
  Timeline measured, replayed;
};

const Run* run_of(const std::string& trace_path) {
  static std::map<std::string, Run> runs;
  if (auto it = runs.find(trace_path); it != runs.end()) return &it->second;
  auto trace = load_trace({trace_path});
  if (!trace) return nullptr;
  Run run;
  run.trace = std::make_unique<Trace>(std::move(*trace));
  auto graph = build_graph(*run.trace);
  if (!graph) return nullptr;
  run.graph = std::make_unique<Graph>(std::move(*graph));
  run.origin = graph_origin(*run.graph);
  run.measured = measured_timeline(*run.graph);
  run.replayed = simulate(*run.graph, run.origin);
  return &runs.emplace(trace_path, std::move(run)).first->second;
}

}  // namespace

// Imported twice: through the default window and through one of a few bytes, which puts a batch
// boundary and a refill after nearly every event. The window is only how much of the file is
// held at once, so both must end alike: the same counts of events and diagnostics, or errors.
std::string check_kineto_file(const std::string& path) {
  constexpr size_t kTinyWindow = 7;
  Trace whole;
  Trace windowed;
  TraceBuilder whole_builder(whole);
  TraceBuilder windowed_builder(windowed);
  auto imported = import_kineto_file(path, whole_builder);
  auto imported_windowed = import_kineto_file(path, windowed_builder, nullptr, kTinyWindow);
  if (imported.has_value() != imported_windowed.has_value()) {
    return "the outcome depends on the window: " +
           (imported ? imported_windowed.error().message : imported.error().message);
  }
  if (!imported) {
    std::string broken = check_error(imported.error(), path);
    return broken.empty() ? check_error(imported_windowed.error(), path) : broken;
  }
  finish_trace(whole);
  finish_trace(windowed);
  auto same_counts = [](const DiagnosticCounter& a, const DiagnosticCounter& b) {
    return a.count == b.count && a.severity == b.severity;
  };
  if (whole.event_count() != windowed.event_count() ||
      !std::ranges::equal(whole.diagnostics.counters(), windowed.diagnostics.counters(),
                          [&](const auto& a, const auto& b) {
                            return a.first == b.first && same_counts(a.second, b.second);
                          })) {
    return "the trace depends on the window";
  }
  return "";
}

std::string check_sqlite_file(const std::string& path) {
  auto trace = read_sqlite_trace(path);
  if (!trace) return check_error(trace.error(), path);
  finish_trace(*trace);
  return "";
}

std::string check_pipeline_file(const std::string& path) {
  auto trace = load_trace({path});
  if (!trace) return check_error(trace.error(), path);
  auto graph = build_graph(*trace);
  if (!graph) return "";  // no tasks at all: the CLI reports it with the path (loaded_run.cc)
  Timeline simulated = simulate(*graph, graph_origin(*graph));
  if (std::string broken = check_timeline(*graph, simulated); !broken.empty()) return broken;
  std::ostringstream out;
  Timeline measured = measured_timeline(*graph);
  ReplayResult replay = compare_replay(*graph, measured, simulated);
  print_replay_json(*graph, replay, out);
  print_replay_text(*graph, replay, out);
  Breakdown breakdown = measured_breakdown(*graph, measured, simulated);
  print_breakdown_json(breakdown, out);
  print_breakdown_text(breakdown, out);
  if (auto memory = compute_memory_breakdown(*graph)) {  // else: no allocator events
    print_memory_json(*memory, out);
    print_memory_text(*memory, out);
  }
  return "";
}

std::string check_apply_texts(std::string_view texts, const std::string& trace_path) {
  constexpr size_t kMaxApplies = 4;
  std::vector<AppliedModel> models;
  while (!texts.empty() && models.size() < kMaxApplies) {
    size_t newline = texts.find('\n');
    auto model = parse_apply(texts.substr(0, newline));
    texts = newline == std::string_view::npos ? std::string_view() : texts.substr(newline + 1);
    if (!model) {
      return model.error().kind == ErrorKind::kUsage ? "" : "parse error that is not a usage error";
    }
    models.push_back(std::move(*model));
  }
  if (models.empty()) return "";
  const Run* run = run_of(trace_path);
  if (run == nullptr) return "cannot load " + trace_path;
  Graph transformed(*run->graph);
  std::vector<AppliedModelSummary> applied;
  for (const AppliedModel& m : models) {
    auto outcome = m.model->apply(transformed, m.arguments);
    if (!outcome) return "";  // a parameter value the model rejects
    applied.push_back({std::string(m.model->name()), {}, outcome->applicable, outcome->summary});
  }
  for (TaskId t = 0; t < transformed.task_count(); ++t) {
    if (!transformed.removed[t] && transformed.duration[t] < 0) {
      return "task " + std::to_string(t) + " has a negative duration";
    }
  }
  Timeline predicted = simulate(transformed, run->origin);
  if (std::string broken = check_timeline(transformed, predicted); !broken.empty()) return broken;
  WhatIfResult result = compare_whatif(*run->graph, run->measured, run->replayed, transformed,
                                       predicted, std::move(applied));
  std::ostringstream out;
  print_whatif_json(result, out);
  print_whatif_text(result, out);
  return "";
}

}  // namespace dd::fuzz
