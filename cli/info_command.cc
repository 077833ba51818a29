// `daydream info TRACE... [--json]`: what is in a trace.
#include <iostream>
#include <memory>
#include <vector>

#include "cli/commands.h"
#include "collector/trace_loader.h"
#include "reports/info_report.h"

namespace dd::cli {

namespace {
struct InfoOptions {
  std::vector<std::string> traces;
  bool json = false;
};
}  // namespace

void add_info_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<InfoOptions>();
  CLI::App* cmd = app.add_subcommand(
      "info", "Show what is in a trace: devices, streams, event counts, iterations, diagnostics");
  cmd->add_option("trace", options->traces,
                  "Trace file(s): PyTorch profiler JSON (.json/.json.gz; several ranks of one "
                  "job allowed), Nsight Systems SQLite export, or daydream SQLite")
      ->required();
  cmd->add_flag("--json", options->json, "Print one JSON object instead of text");
  cmd->callback([options, &run] {
    run = [options] {
      auto trace = load_trace(options->traces);
      if (!trace) return report_error(trace.error());
      if (options->json) {
        print_info_json(*trace, std::cout);
      } else {
        print_info_text(*trace, std::cout);
      }
      return kExitOk;
    };
  });
}

}  // namespace dd::cli
