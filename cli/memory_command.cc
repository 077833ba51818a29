// `daydream memory TRACE [--json] [--device N] [--html OUT.html]`: what a GPU's allocated
// memory consists of at its peak (weights, gradients, optimizer state, activations,
// temporaries, other, and what was allocated before the trace), over time, and which layers
// hold the most — from the trace's allocator events, attributed through the graph's
// op/layer/phase mapping (reports/memory_metrics.h states the rules). A trace without
// allocator events is bad input (exit 2) with a message saying what is missing. --html also
// writes it as a page with memory over time and charts (reports/html/memory_page.h).
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/html_output.h"
#include "cli/loaded_run.h"
#include "reports/html/memory_page.h"
#include "reports/memory_report.h"

namespace dd::cli {

namespace {

struct MemoryOptions {
  RunOptions run;
  bool json = false;
  int32_t device = -1;
  std::string html;
};

int run_memory(const MemoryOptions& options) {
  auto loaded = load_run(options.run);
  if (!loaded) return report_error(loaded.error());
  auto breakdown = compute_memory_breakdown(*loaded->graph, options.device);
  if (!breakdown) {
    Error error = breakdown.error();
    error.message = options.run.traces.front() + ": " + error.message;
    return report_error(error);
  }
  auto written = write_html_report(options.html, options.run.traces, [&](std::ostream& out) {
    html::write_memory_html(*breakdown, html_source_line(options.run.traces), out);
  });
  if (!written) return report_error(written.error());
  if (options.json) {
    print_memory_json(*breakdown, std::cout);
  } else {
    print_memory_text(*breakdown, std::cout);
  }
  return kExitOk;
}

}  // namespace

void add_memory_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<MemoryOptions>();
  CLI::App* cmd = app.add_subcommand(
      "memory",
      "Break a GPU's peak allocated memory down into weights, gradients, optimizer state, "
      "activations, temporaries and other, over time and per layer");
  add_run_options(*cmd, options->run);
  cmd->add_option("--device", options->device,
                  "GPU to analyse (default: the one with the most allocator events)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", options->json, "Print one JSON object instead of text");
  add_html_option(*cmd, options->html);
  cmd->callback([options, &run] { run = [options] { return run_memory(*options); }; });
}

}  // namespace dd::cli
