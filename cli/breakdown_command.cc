// `daydream breakdown TRACE [--json] [--html OUT.html]`: where the replayed iteration's time
// goes — per phase, layer and kernel class, GPU idle time, the critical path and a
// CPU/GPU-bound verdict; --html also writes it as a page with a timeline and charts.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/html_output.h"
#include "cli/loaded_run.h"
#include "reports/breakdown_report.h"
#include "reports/html/breakdown_page.h"
#include "simulator/simulator.h"

namespace dd::cli {

namespace {

struct BreakdownOptions {
  RunOptions run;
  bool json = false;
  std::string html;
};

int run_breakdown(const BreakdownOptions& options) {
  auto loaded = load_run(options.run);
  if (!loaded) return report_error(loaded.error());
  const Graph& graph = *loaded->graph;
  Timeline replayed = simulate(graph, graph_origin(graph));
  Breakdown breakdown = compute_breakdown(graph, replayed);
  auto written = write_html_report(options.html, options.run.traces, [&](std::ostream& out) {
    html::write_breakdown_html(breakdown, graph, replayed, html_source_line(options.run.traces),
                               out);
  });
  if (!written) return report_error(written.error());
  if (options.json) {
    print_breakdown_json(breakdown, std::cout);
  } else {
    print_breakdown_text(breakdown, std::cout);
  }
  return kExitOk;
}

}  // namespace

void add_breakdown_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<BreakdownOptions>();
  CLI::App* cmd = app.add_subcommand(
      "breakdown",
      "Break the replayed iteration down by phase, layer and kernel class; GPU idle time; "
      "critical path and whether the run is CPU- or GPU-bound");
  add_run_options(*cmd, options->run);
  cmd->add_flag("--json", options->json, "Print one JSON object instead of text");
  add_html_option(*cmd, options->html);
  cmd->callback([options, &run] { run = [options] { return run_breakdown(*options); }; });
}

}  // namespace dd::cli
