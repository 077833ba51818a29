// `daydream diff BASE NEW [--threshold PCT] [--format text|md|json|junit] [-o FILE]
// [--html OUT.html]`: the regression report for CI. Compares two traces of the same training loop:
// the measured steady-state iteration time with a noise-aware verdict, explained along the critical
// path of both replays (reports/diff_metrics.h states the rule). Exits 3 (kExitRegression) when the
// iteration time regressed beyond the threshold and the noise, 0 otherwise; the report is written
// either way. -o and --html (the report as a page with both timelines and charts,
// reports/html/diff_page.h) write through a temporary file and never over BASE or NEW.
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>

#include "cli/commands.h"
#include "cli/html_output.h"
#include "cli/loaded_run.h"
#include "cli/safe_output.h"
#include "reports/diff_report.h"
#include "reports/html/diff_page.h"
#include "simulator/simulator.h"

namespace dd::cli {

namespace {

struct DiffOptions {
  std::string base;
  std::string next;
  std::string iteration_marker;
  double threshold_pct = kDefaultRegressionThresholdPct;
  std::string format = "text";
  std::string output;
  std::string html;
};

using DiffPrinter = void (*)(const DiffResult&, std::ostream&);

const std::map<std::string, DiffPrinter>& printers() {
  static const std::map<std::string, DiffPrinter> table{{"text", print_diff_text},
                                                        {"md", print_diff_markdown},
                                                        {"json", print_diff_json},
                                                        {"junit", print_diff_junit}};
  return table;
}

// A loaded run with its measured timeline and its replay.
struct ComparedRun {
  LoadedRun run;
  Timeline measured;
  Timeline replayed;
};

Result<ComparedRun> load_compared(const std::string& path, const std::string& marker) {
  auto loaded = load_run({{path}, marker, {}});
  if (!loaded) return std::unexpected(loaded.error());
  const Graph& graph = *loaded->graph;
  Timeline measured = measured_timeline(graph);
  Timeline replayed = simulate(graph, graph_origin(graph));
  return ComparedRun{std::move(*loaded), std::move(measured), std::move(replayed)};
}

Result<void> write_report(const DiffOptions& options, const DiffResult& result, DiffPrinter print) {
  if (options.output.empty()) {
    print(result, std::cout);
    return {};
  }
  return write_output_file(options.output, {options.base, options.next},
                           [&](const std::string& path) -> Result<void> {
                             std::ofstream file(path);
                             print(result, file);
                             file.close();
                             if (!file)
                               return io_error(options.output + ": cannot write the report");
                             return {};
                           });
}

int run_diff(const DiffOptions& options) {
  DiffPrinter print = printers().at(options.format);
  auto base = load_compared(options.base, options.iteration_marker);
  if (!base) return report_error(base.error());
  auto next = load_compared(options.next, options.iteration_marker);
  if (!next) return report_error(next.error());
  DiffSide base_side{options.base, *base->run.graph, base->measured, base->replayed};
  DiffSide new_side{options.next, *next->run.graph, next->measured, next->replayed};
  DiffResult result = compare_runs(base_side, new_side, options.threshold_pct);
  auto page = write_html_report(options.html, {options.base, options.next}, [&](std::ostream& out) {
    html::write_diff_html(result, base_side, new_side, out);
  });
  if (!page) return report_error(page.error());
  if (auto written = write_report(options, result, print); !written) {
    return report_error(written.error());
  }
  return result.regressed ? kExitRegression : kExitOk;
}

}  // namespace

void add_diff_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<DiffOptions>();
  CLI::App* cmd = app.add_subcommand(
      "diff",
      "Compare two traces of the same training loop: iteration-time change, explained along the "
      "critical path; exit 3 on a regression beyond the threshold and the run-to-run noise");
  cmd->add_option("base", options->base, "Trace before the change (any supported format)")
      ->required();
  cmd->add_option("new", options->next, "Trace after the change (any supported format)")
      ->required();
  cmd->add_option("--threshold", options->threshold_pct,
                  "Regression threshold in percent of the base iteration time")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  std::vector<std::string> formats;
  for (const auto& entry : printers()) formats.push_back(entry.first);
  cmd->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember(formats))
      ->capture_default_str();
  cmd->add_option("-o,--output", options->output,
                  "Write the report to FILE (via a temporary file; never over BASE or NEW)");
  cmd->add_option("--iteration-marker", options->iteration_marker,
                  "Name of the range that marks an iteration (default: ProfilerStep#N, or NVTX "
                  "dd:iteration ranges)");
  add_html_option(*cmd, options->html);
  cmd->callback([options, &run] { run = [options] { return run_diff(*options); }; });
}

}  // namespace dd::cli
