// Ranking and rendering of `daydream advise` (see advise_report.h).
#include "reports/advise_report.h"

#include <algorithm>
#include <cctype>

#include "reports/json_writer.h"
#include "reports/text_table.h"

namespace dd {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The target of a `gpu:target=NAME` apply, or "".
std::string gpu_target(const AdviceRow& row) {
  for (const std::string& apply : row.applies) {
    size_t at = apply.find("target=");
    if (apply.starts_with("gpu:") && at != std::string::npos) {
      std::string target = apply.substr(at + 7);
      return target.substr(0, target.find(','));
    }
  }
  return {};
}

// Whether a row runs the job on several GPUs (data or pipeline parallelism): its iteration is
// not one GPU's hour, so a price per GPU-hour does not give its cost.
bool spreads_over_gpus(const AdviceRow& row) {
  for (const std::string& apply : row.applies) {
    std::string_view model = std::string_view(apply).substr(0, apply.find(':'));
    if (model == "ddp" || model == "ps" || model == "priority-comm" || model == "pipeline" ||
        model == "virtual-nodes") {
      return true;
    }
  }
  return false;
}

std::string speedup_cell(double speedup) { return format_fixed(speedup, 2) + "x"; }

std::string memory_cell(const AdviceRow& row) {
  if (!row.timed) return "DOES NOT FIT";
  return row.memory.starts_with("fits") ? "fits" : "not checked";
}

bool ranked(const AdviceRow& row) { return row.applicable && row.timed; }

// The rows a person reads first: the top `top` ranked rows.
std::vector<const AdviceRow*> top_rows(const Advice& advice, size_t top) {
  std::vector<const AdviceRow*> rows;
  for (const AdviceRow* row : ranked_rows(advice)) {
    if (ranked(*row) && rows.size() < top) rows.push_back(row);
  }
  return rows;
}

std::string cost_cell(const Advice& advice, const AdviceRow& row, TimeNs iteration) {
  std::optional<double> price = row_price(advice, row);
  if (!price) return "-";
  double cost = cost_per_1000_iterations(iteration, *price);
  std::string cell = "$" + format_fixed(cost, 3);
  if (advice.budget && cost > *advice.budget) cell += " (over budget)";
  return cell;
}

}  // namespace

std::string AdviceRow::label() const {
  std::string text;
  for (const std::string& apply : applies) text += (text.empty() ? "" : " + ") + apply;
  return text;
}

std::vector<const AdviceRow*> ranked_rows(const Advice& advice) {
  std::vector<const AdviceRow*> rows;
  for (const AdviceRow& row : advice.rows) rows.push_back(&row);
  std::stable_sort(rows.begin(), rows.end(), [](const AdviceRow* a, const AdviceRow* b) {
    if (ranked(*a) != ranked(*b)) return ranked(*a);
    if (!ranked(*a)) return false;
    if (a->predicted != b->predicted) return a->predicted < b->predicted;
    if (a->applies.size() != b->applies.size()) return a->applies.size() < b->applies.size();
    return a->label() < b->label();
  });
  return rows;
}

double cost_per_1000_iterations(TimeNs iteration, double per_hour) {
  return static_cast<double>(iteration) * 1e-9 * 1000.0 / 3600.0 * per_hour;
}

std::optional<double> row_price(const Advice& advice, const AdviceRow& row) {
  std::string target = lower(row.gpu_change ? gpu_target(row) : advice.gpu);
  if (target.empty() || spreads_over_gpus(row)) return std::nullopt;
  std::optional<double> best;
  size_t best_length = 0;
  for (const auto& [name, price] : advice.prices) {
    std::string key = lower(name);
    bool matches = row.gpu_change ? key == target : target.find(key) != std::string::npos;
    if (matches && key.size() > best_length) best = price, best_length = key.size();
  }
  return best;
}

void print_advice_text(const Advice& advice, size_t top, std::ostream& out) {
  out << "daydream advise: " << advice.trace << "\n"
      << "Run: " << (advice.gpu.empty() ? "GPU not named in the trace" : advice.gpu)
      << "; measured " << format_ms(advice.measured) << " ms per iteration, replayed "
      << format_ms(advice.replayed) << " ms (" << format_fixed(advice.trust.error_pct, 2)
      << "%), over " << advice.scope << ".\n";
  print_trust_text(advice.trust, "every prediction below", out);

  std::vector<const AdviceRow*> best = top_rows(advice, top);
  out << "\nRanked by predicted iteration time (each row is `daydream whatif TRACE --apply ...` "
         "with its models):\n";
  TextTable table({"optimization", "iteration (ms)", "speedup", "memory", "confidence"});
  for (size_t i = 0; i < best.size(); ++i) {
    const AdviceRow& row = *best[i];
    table.add_row({std::to_string(i + 1) + ". " + row.label(), format_ms(row.predicted),
                   speedup_cell(row.speedup), memory_cell(row), row.confidence_level});
  }
  table.print(out);
  if (best.empty()) out << "  (no model could apply to this trace)\n";
  out << "  confidence: checked = the replay holds and bench/whatif_validation checks every model "
         "against measurements; unchecked = a model is not checked yet; LOW = the replay misses, "
         "or a model says measurements show it misses here\n";
  for (size_t i = 0; i < best.size() && i < 3; ++i) {
    out << "  " << i + 1 << ". " << best[i]->label() << ": " << best[i]->changes << "; "
        << best[i]->confidence << "\n";
  }

  bool header = false;
  for (const AdviceRow* row : ranked_rows(advice)) {
    if (ranked(*row)) continue;
    if (!header) out << "\nNot ranked, and what would change that:\n";
    header = true;
    out << "  " << row->label() << ": "
        << (!row->tried ? "not tried: " : row->timed ? "not applicable: " : "not timed: ")
        << row->reason << "\n";
    if (!row->how_to_apply.empty()) out << "      -> " << row->how_to_apply << "\n";
  }

  ReportTable sweep = gpu_sweep_table(advice);
  if (sweep.rows.empty()) return;
  out << "\n" << sweep.title << ":\n";
  TextTable text(sweep.header);
  for (const auto& row : sweep.rows) text.add_row(row);
  text.print(out);
}

ReportTable gpu_sweep_table(const Advice& advice) {
  ReportTable sweep{"GPU sweep (--gpus; cost per 1000 iterations on one GPU at the --price given)",
                    {"GPU", "iteration (ms)", "speedup", "memory", "$ / 1000 iterations"},
                    {}};
  std::vector<const AdviceRow*> gpus;
  for (const AdviceRow* row : ranked_rows(advice)) {
    if (row->gpu_change && row->applies.size() == 1) gpus.push_back(row);
  }
  if (gpus.empty()) return sweep;
  AdviceRow own;
  sweep.rows.push_back({advice.gpu.empty() ? "(trace's GPU)" : advice.gpu + " (trace)",
                        format_ms(advice.replayed), "1.00x", "as measured",
                        cost_cell(advice, own, advice.replayed)});
  for (const AdviceRow* row : gpus) {
    sweep.rows.push_back({gpu_target(*row), row->timed ? format_ms(row->predicted) : "-",
                          row->timed ? speedup_cell(row->speedup) : "-",
                          memory_cell(*row),
                          row->timed ? cost_cell(advice, *row, row->predicted) : "-"});
  }
  return sweep;
}

void print_advice_json(const Advice& advice, std::ostream& out) {
  JsonWriter json(out);
  json.begin_object()
      .field("trace", advice.trace)
      .field("gpu", advice.gpu)
      .field("measured_iteration_ms", static_cast<double>(advice.measured) / 1e6)
      .field("replay_iteration_ms", static_cast<double>(advice.replayed) / 1e6)
      .field("scope", advice.scope);
  write_trust_json(advice.trust, json);
  json.key("rows").begin_array();
  size_t rank = 0;
  for (const AdviceRow* row : ranked_rows(advice)) {
    json.begin_object();
    json.key("rank");
    if (ranked(*row)) {
      json.value(static_cast<int64_t>(++rank));
    } else {
      json.null();
    }
    json.key("applies").begin_array();
    for (const std::string& apply : row->applies) json.value(apply);
    json.end_array();
    json.field("tried", row->tried).field("applicable", row->applicable).field("timed", row->timed);
    if (ranked(*row)) {
      json.field("predicted_iteration_ms", static_cast<double>(row->predicted) / 1e6)
          .field("speedup", row->speedup)
          .field("changes", row->changes)
          .field("confidence", row->confidence)
          .field("confidence_level", row->confidence_level)
          .field("memory", row->memory);
      std::optional<double> price = row_price(advice, *row);
      if (price) {
        json.field("usd_per_1000_iterations", cost_per_1000_iterations(row->predicted, *price));
      }
    } else {
      json.field("reason", row->reason).field("how_to_apply", row->how_to_apply);
    }
    json.end_object();
  }
  json.end_array().end_object();
}

}  // namespace dd
