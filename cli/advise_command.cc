// `daydream advise TRACE [--json] [--html OUT.html] [--top N] [--gpus LIST] [--price GPU=$/h]
// [--budget $] [--ddp N] [--pipeline K:M]`: which optimization to try first. The trace loads
// once; every candidate (cli/advise_candidates.h) rewrites its own copy of the same graph and
// is simulated and compared with the one replay, exactly as `daydream whatif` with the same
// --apply would (reports/advise_report.h ranks and prints them).
#include <iostream>
#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "cli/advise_candidates.h"
#include "cli/applied_models.h"
#include "cli/commands.h"
#include "cli/html_output.h"
#include "cli/loaded_run.h"
#include "reports/advise_report.h"
#include "reports/html/advise_page.h"
#include "reports/text_table.h"
#include "simulator/simulator.h"
#include "transforms/cost/device_model.h"
#include "transforms/cost/memory_fit.h"

namespace dd::cli {

namespace {

struct AdviseCommandOptions {
  RunOptions run;
  AdviseOptions candidates;
  std::vector<std::string> prices;  // GPU=$/hour
  double budget = 0;                // $ per 1000 iterations; 0: none
  size_t top = 10;
  bool json = false;
  std::string html;
};

// The shared state of one advise run: the loaded graph, its measured and replayed timelines.
struct AdviseRun {
  const Graph& graph;
  TimeNs origin;
  Timeline measured;
  Timeline replayed;
  WhatIfBaseline baseline;
};

std::string changes_text(const WhatIfResult& r) {
  std::string text = "critical path " + format_ms(r.critical_path.replay) + " -> " +
                     format_ms(r.critical_path.predicted) + " ms per iteration, " +
                     std::string(verdict_name(r.critical_path.replay_verdict)) + " -> " +
                     std::string(verdict_name(r.critical_path.predicted_verdict));
  const ChangeRow* gpu = nullptr;
  for (const ChangeRow& row : r.kernel_classes) {
    if (gpu == nullptr || gpu_change_key(row) > gpu_change_key(*gpu)) gpu = &row;
  }
  if (gpu != nullptr && gpu->gpu_change() != 0) {
    text += "; most GPU change: " + gpu->name + " " + format_signed_ms(gpu->gpu_change()) + " ms";
  }
  const ChangeRow* cpu = nullptr;
  for (const ChangeRow& row : r.phases) {
    if (cpu == nullptr || std::abs(row.cpu_change()) > std::abs(cpu->cpu_change())) cpu = &row;
  }
  if (cpu != nullptr && cpu->cpu_change() != 0) {
    text += "; most CPU change: " + cpu->name + " " + format_signed_ms(cpu->cpu_change()) + " ms";
  }
  return text;
}

size_t checked_models(const std::vector<std::string>& applies) {
  return static_cast<size_t>(
      std::count_if(applies.begin(), applies.end(), checked_against_measurements));
}

// The first caution an applied model gave (ModelOutcome::caution), or "".
std::string first_caution(const WhatIfResult& r) {
  for (const AppliedModelSummary& model : r.applied) {
    if (!model.caution.empty()) return model.name + ": " + model.caution;
  }
  return "";
}

std::string confidence_text(const WhatIfResult& r, const std::vector<std::string>& applies) {
  std::string text = r.trust.trusted ? "replay " + format_fixed(r.trust.error_pct, 1) + "%"
                                     : "LOW: replay off by " + format_fixed(r.trust.error_pct, 1) + "%";
  size_t checked = checked_models(applies);
  text += checked == applies.size() ? "; checked against measurements"
          : checked == 0            ? "; model not yet checked against measurements"
                                    : "; partly checked against measurements";
  if (std::string caution = first_caution(r); !caution.empty()) text += "; LOW: " + caution;
  return text;
}

std::string confidence_level(const WhatIfResult& r, const std::vector<std::string>& applies) {
  if (!r.trust.trusted || !first_caution(r).empty()) return "LOW";
  return checked_models(applies) == applies.size() ? "checked" : "unchecked";
}

// The run's graph rewritten by `applies` in order (a copy), with what each model did, or the
// first error; as `daydream whatif --apply ...` rewrites it.
struct Rewrite {
  Graph graph;
  Result<std::vector<AppliedModelSummary>> outcome;
};
Rewrite rewrite(const AdviseRun& run, const std::vector<std::string>& applies) {
  Rewrite out{Graph(run.graph), {}};
  auto models = parse_applies(applies);
  out.outcome = models ? apply_models(out.graph, *models)
                       : Result<std::vector<AppliedModelSummary>>(std::unexpected(models.error()));
  return out;
}

AdviceRow run_candidate(const AdviseRun& run, const Candidate& candidate) {
  AdviceRow row;
  row.applies = candidate.applies;
  row.gpu_change = candidate.gpu_change;
  if (!candidate.not_tried.empty()) {
    row.tried = false;
    row.applicable = false;
    row.reason = candidate.not_tried;
    return row;
  }
  Rewrite rewritten = rewrite(run, candidate.applies);
  const Graph& transformed = rewritten.graph;
  auto& outcome = rewritten.outcome;
  if (!outcome) {
    row.applicable = false;
    row.reason = outcome.error().message;
    return row;
  }
  for (const AppliedModelSummary& applied : *outcome) {
    if (!applied.applicable || !applied.timed) {
      row.applicable = applied.applicable;
      row.timed = applied.timed;
      row.reason = candidate.applies.size() == 1 ? applied.summary : applied.name + ": " + applied.summary;
      row.how_to_apply = how_to_apply(applied.name, applied.summary);
      return row;
    }
  }
  Timeline predicted = simulate(transformed, run.origin);
  WhatIfResult result = compare_whatif(run.baseline, transformed, predicted, std::move(*outcome));
  row.predicted = result.predicted;
  row.speedup = result.speedup;
  row.changes = changes_text(result);
  row.confidence = confidence_text(result, candidate.applies);
  row.confidence_level = confidence_level(result, candidate.applies);
  auto device = current_device(transformed);
  row.memory = device ? memory_fit(transformed, *device).text() : "memory fit not checked: GPU unknown";
  return row;
}

Result<std::map<std::string, double>> parse_prices(const std::vector<std::string>& texts) {
  std::map<std::string, double> prices;
  for (const std::string& text : texts) {
    size_t eq = text.find('=');
    char* end = nullptr;
    double value = eq == std::string::npos ? 0 : std::strtod(text.c_str() + eq + 1, &end);
    if (eq == std::string::npos || eq == 0 || end == text.c_str() + eq + 1 || *end != '\0' ||
        value <= 0) {
      return usage_error("--price " + text + ": expected GPU=DOLLARS_PER_HOUR, e.g. H100=2.5");
    }
    prices[text.substr(0, eq)] = value;
  }
  return prices;
}

int advise(const AdviseCommandOptions& options) {
  auto prices = parse_prices(options.prices);
  if (!prices) return report_error(prices.error());
  auto loaded = load_run(options.run);
  if (!loaded) return report_error(loaded.error());
  const Graph& graph = *loaded->graph;
  TimeNs origin = graph_origin(graph);
  Timeline measured = measured_timeline(graph);
  Timeline replayed = simulate(graph, origin);
  AdviseRun run{graph, origin, measured, replayed, whatif_baseline(graph, measured, replayed)};

  Advice advice;
  advice.trace = options.run.traces.front();
  for (size_t i = 1; i < options.run.traces.size(); ++i) advice.trace += " " + options.run.traces[i];
  auto device = current_device(graph);
  advice.gpu = device ? device->name : "";
  advice.measured = run.baseline.replay.measured.steady_state;
  advice.replayed = run.baseline.replay.simulated.steady_state;
  advice.scope = run.baseline.before.scope;
  advice.trust = run.baseline.replay.trust;
  advice.prices = std::move(*prices);
  if (options.budget > 0) advice.budget = options.budget;

  std::vector<Candidate> singles = single_candidates(graph, options.candidates);
  std::vector<SingleOutcome> outcomes;
  for (const Candidate& candidate : singles) {
    advice.rows.push_back(run_candidate(run, candidate));
    const AdviceRow& row = advice.rows.back();
    outcomes.push_back({&candidate, row.applicable && row.timed ? row.speedup : 0});
  }
  for (const Candidate& candidate : combined_candidates(outcomes, options.candidates)) {
    advice.rows.push_back(run_candidate(run, candidate));
  }

  // The page shows the top suggestion's timeline: its rewrite is made once more for it (each
  // candidate's copy of the graph is dropped once its row is made).
  std::optional<Rewrite> top;
  std::optional<Timeline> top_predicted;
  std::optional<html::WhatIfTimelines> top_timelines;
  std::vector<const AdviceRow*> ranked = ranked_rows(advice);
  if (!options.html.empty() && !ranked.empty() && ranked[0]->applicable && ranked[0]->timed) {
    top.emplace(rewrite(run, ranked[0]->applies));
    if (top->outcome) {
      top_predicted = simulate(top->graph, origin);
      top_timelines.emplace(html::WhatIfTimelines{graph, measured, replayed, top->graph, *top_predicted});
    }
  }
  auto written = write_html_report(options.html, options.run.traces, [&](std::ostream& out) {
    html::write_advise_html(advice, top_timelines, options.top,
                            html_source_line(options.run.traces), out);
  });
  if (!written) return report_error(written.error());
  if (options.json) {
    print_advice_json(advice, std::cout);
  } else {
    print_advice_text(advice, options.top, std::cout);
  }
  return kExitOk;
}

}  // namespace

void add_advise_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<AdviseCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "advise", "Which optimization to try first: every what-if that applies, ranked by predicted "
                "iteration time");
  add_run_options(*cmd, options->run);
  cmd->add_flag("--json", options->json, "Print one JSON object instead of text");
  add_html_option(*cmd, options->html);
  cmd->add_option("--top", options->top, "How many ranked rows the table shows (default 10)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--gpus", options->candidates.gpus,
                  "GPUs to sweep, e.g. V100,A100,H100,H200,B200,MI300X (names as in `daydream "
                  "whatif --list`)")
      ->delimiter(',');
  cmd->add_option("--price", options->prices,
                  "Price of a GPU in $ per GPU-hour, GPU=PRICE (e.g. H100=2.5); repeat or join "
                  "with ','; adds the cost per 1000 iterations (no built-in prices)")
      ->delimiter(',');
  cmd->add_option("--budget", options->budget,
                  "Mark rows whose cost passes this many $ per 1000 iterations (needs --price)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--ddp", options->candidates.ddp,
                  "Data-parallel sizes to try (ddp and priority-comm), e.g. --ddp 8")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--pipeline", options->candidates.pipeline,
                  "Pipeline shapes to try, STAGES:MICROBATCHES, e.g. --pipeline 4:8");
  cmd->callback([&run, options] { run = [options] { return advise(*options); }; });
}

}  // namespace dd::cli
