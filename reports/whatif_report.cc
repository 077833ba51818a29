// Text and JSON renderings of a WhatIfResult (`daydream whatif`).
#include "reports/whatif_report.h"

#include <cmath>
#include <iomanip>
#include <string>

#include "reports/json_writer.h"
#include "reports/text_table.h"

namespace dd {

namespace {

constexpr size_t kLayerNameWidth = 80;

double ms_value(TimeNs ns) {
  return static_cast<double>(ns) / 1e6;
}

bool any_applicable(const WhatIfResult& r) {
  for (const AppliedModelSummary& model : r.applied) {
    if (model.applicable) return true;
  }
  return false;
}

// --- text ---

void print_applied_models(const std::vector<AppliedModelSummary>& applied, std::ostream& out) {
  out << "What-if models, applied in order:\n";
  for (const AppliedModelSummary& model : applied) {
    out << "  " << model_call(model) << ": "
        << (model.applicable ? "" : "NOT APPLICABLE, nothing changed: ") << model.summary << "\n";
    if (!model.caution.empty()) out << "    caution: " << model.caution << "\n";
  }
}

void print_applied(const WhatIfResult& r, std::ostream& out) {
  print_applied_models(r.applied, out);
  if (!any_applicable(r)) {
    out << "No model could apply to this trace: the prediction is the replay.\n";
  }
}

// "  label      12.345 ms   note", the numbers aligned.
void print_time(std::ostream& out, std::string_view label, TimeNs time, const std::string& note) {
  constexpr int kLabelWidth = 10;
  constexpr int kNumberWidth = 10;
  out << "  " << std::left << std::setw(kLabelWidth) << label << std::right
      << std::setw(kNumberWidth) << format_ms(time) << " ms" << (note.empty() ? "" : "   " + note)
      << "\n";
}

void print_iteration_times(const WhatIfResult& r, std::ostream& out) {
  out << "\n";
  print_trust_text(r.trust, "the prediction", out);
  if (!r.trust.trusted) out << "\n";
  out << "Iteration time (steady state: median of the later half of the iterations)\n";
  print_time(out, "measured", r.measured, "");
  print_time(out, "replayed", r.replayed,
             format_fixed(r.trust.error_pct, 2) + "% vs measured (the simulator's own error)");
  print_time(out, "predicted", r.predicted,
             format_signed_ms(r.predicted - r.replayed) + " ms vs replayed");
  out << "Speedup: " << speedup_text(r.speedup) << " (replayed / predicted)"
      << (r.trust.trusted ? "" : "  NOT TRUSTWORTHY: the replay it builds on misses by " +
                                     format_fixed(r.trust.error_pct, 1) + "%")
      << "\n"
      << "Critical path: " << format_ms(r.critical_path.replay) << " -> "
      << format_ms(r.critical_path.predicted) << " ms per iteration, "
      << verdict_name(r.critical_path.replay_verdict) << " -> "
      << verdict_name(r.critical_path.predicted_verdict) << "\n"
      << "GPU work: " << format_ms(r.gpu_work_replay) << " -> " << format_ms(r.gpu_work_predicted)
      << " ms per iteration (the GPU ops of the steady-state iterations, summed; not the "
         "iteration time)\n"
      << "\nWhere the time changes, in ms per iteration over " << r.scope << ".\n"
      << "GPU: GPU ops; CPU: API calls and CPU work, all threads. Each table sums to its total "
         "row";
  TimeNs outside = r.gpu_work_predicted - r.total.gpu_predicted;
  if (std::abs(outside) * 1000 > r.gpu_work_predicted) {  // more than 0.1%
    out << "; the tables count the GPU ops that start inside the iterations' windows, "
        << format_ms(std::abs(outside)) << " ms per iteration "
        << (outside > 0 ? "less" : "more")
        << " than the predicted GPU work: work that runs in another window than that of the "
           "iteration that launched it";
  }
  out << ".\n";
}

// The group's name, its GPU replay, predicted and change, and with `cpu` the same for CPU.
std::vector<std::string> change_cells(const ChangeRow& row, bool cpu) {
  std::vector<std::string> cells{shorten(row.name, kLayerNameWidth), format_ms(row.gpu_replay),
                                 format_ms(row.gpu_predicted), format_signed_ms(row.gpu_change())};
  if (cpu) {
    cells.insert(cells.end(), {format_ms(row.cpu_replay), format_ms(row.cpu_predicted),
                               format_signed_ms(row.cpu_change())});
  }
  return cells;
}

TextTable change_table(const std::string& group) {
  return TextTable({group, "GPU replay", "GPU predicted", "GPU change", "CPU replay",
                    "CPU predicted", "CPU change"});
}

void print_phases(const WhatIfResult& r, std::ostream& out) {
  TextTable table = change_table("phase");
  for (const ChangeRow& row : r.phases) table.add_row(change_cells(row, true));
  table.add_row(change_cells(r.total, true));
  out << "\nPer phase\n";
  table.print(out);
}

void print_layers(const WhatIfResult& r, std::ostream& out) {
  TextTable table = change_table("layer");
  for (const ChangeRow& row : r.layers) table.add_row(change_cells(row, true));
  table.add_row(change_cells(r.total, true));
  out << "\nPer layer (top " << kTopChangedLayers << " by GPU + CPU change)\n";
  table.print(out);
}

void print_kernel_classes(const WhatIfResult& r, std::ostream& out) {
  TextTable table({"kernel class", "GPU replay", "GPU predicted", "GPU change"});
  for (const ChangeRow& row : r.kernel_classes) table.add_row(change_cells(row, false));
  table.add_row(change_cells(r.total, false));
  out << "\nPer kernel class (GPU)\n";
  table.print(out);
}

// --- JSON ---

void write_applied(JsonWriter& json, const std::vector<AppliedModelSummary>& applied) {
  json.key("applied").begin_array();
  for (const AppliedModelSummary& model : applied) {
    json.begin_object().field("name", model.name);
    json.key("parameters").begin_object();
    for (const auto& [key, value] : model.parameters) json.field(key, value);
    json.end_object();
    json.field("applicable", model.applicable).field("summary", model.summary);
    if (!model.caution.empty()) json.field("caution", model.caution);
    json.end_object();
  }
  json.end_array();
}

void write_change(JsonWriter& json, const ChangeRow& row) {
  json.begin_object()
      .field("name", row.name)
      .field("gpu_replay_ms", ms_value(row.gpu_replay))
      .field("gpu_predicted_ms", ms_value(row.gpu_predicted))
      .field("gpu_change_ms", ms_value(row.gpu_change()))
      .field("cpu_replay_ms", ms_value(row.cpu_replay))
      .field("cpu_predicted_ms", ms_value(row.cpu_predicted))
      .field("cpu_change_ms", ms_value(row.cpu_change()))
      .end_object();
}

void write_changes(JsonWriter& json, std::string_view key, const std::vector<ChangeRow>& rows) {
  json.key(key).begin_array();
  for (const ChangeRow& row : rows) write_change(json, row);
  json.end_array();
}

void write_critical_path(JsonWriter& json, const CriticalPathChange& path) {
  json.key("critical_path")
      .begin_object()
      .field("replay_ms", ms_value(path.replay))
      .field("predicted_ms", ms_value(path.predicted))
      .field("change_ms", ms_value(path.predicted - path.replay))
      .field("replay_verdict", verdict_name(path.replay_verdict))
      .field("predicted_verdict", verdict_name(path.predicted_verdict))
      .end_object();
}

}  // namespace

void print_whatif_not_timed_text(const std::vector<AppliedModelSummary>& applied,
                                 std::ostream& out) {
  print_applied_models(applied, out);
  out << "\nNot timed: the run as rewritten by " << applied.back().name
      << " cannot run (" << applied.back().summary << "), so no iteration time is predicted.\n";
}

void print_whatif_not_timed_json(const std::vector<AppliedModelSummary>& applied,
                                 std::ostream& out) {
  JsonWriter json(out);
  json.begin_object().field("timed", false).field("not_timed_reason", applied.back().summary);
  write_applied(json, applied);
  json.end_object();
}

std::string speedup_text(double speedup) {
  return std::isfinite(speedup) ? format_fixed(speedup, 3) + "x" : "unbounded";
}

std::string model_call(const AppliedModelSummary& model) {
  std::string parameters;
  for (const auto& [key, value] : model.parameters) {
    parameters += (parameters.empty() ? "" : ", ") + key + "=" + value;
  }
  return parameters.empty() ? model.name : model.name + " (" + parameters + ")";
}

void print_whatif_text(const WhatIfResult& result, std::ostream& out) {
  print_applied(result, out);
  print_iteration_times(result, out);
  print_phases(result, out);
  print_layers(result, out);
  print_kernel_classes(result, out);
}

void print_whatif_json(const WhatIfResult& result, std::ostream& out) {
  JsonWriter json(out);
  json.begin_object();
  json.field("timed", true)
      .field("measured_iteration_ms", ms_value(result.measured))
      .field("replay_iteration_ms", ms_value(result.replayed))
      .field("predicted_iteration_ms", ms_value(result.predicted))
      .field("speedup", result.speedup)
      .field("replay_error_pct", result.trust.error_pct)
      .field("scope", result.scope)
      .field("gpu_work_replay_ms", ms_value(result.gpu_work_replay))
      .field("gpu_work_predicted_ms", ms_value(result.gpu_work_predicted));
  write_trust_json(result.trust, json);
  write_applied(json, result.applied);
  json.key("total");
  write_change(json, result.total);
  write_changes(json, "phases", result.phases);
  write_changes(json, "layers", result.layers);
  write_changes(json, "kernel_classes", result.kernel_classes);
  write_critical_path(json, result.critical_path);
  json.end_object();
}

}  // namespace dd
