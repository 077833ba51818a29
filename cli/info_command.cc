// `daydream info TRACE... [--json] [--all-processes] [--gpu NAME]`: what is in a trace.
#include <iostream>
#include <memory>
#include <vector>

#include "cli/commands.h"
#include "cli/gpu_option.h"
#include "collector/trace_loader.h"
#include "reports/info_report.h"

namespace dd::cli {

namespace {
struct InfoCommandOptions {
  std::vector<std::string> traces;
  std::string gpu;
  bool json = false;
  InfoOptions report;
};
}  // namespace

void add_info_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<InfoCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "info", "Show what is in a trace: devices, streams, event counts, iterations, diagnostics");
  cmd->add_option("trace", options->traces,
                  "Trace file(s) or a directory of them: PyTorch profiler JSON (.json/.json.gz), "
                  "Nsight Systems SQLite export, or daydream SQLite; several files are the "
                  "ranks of one job")
      ->required();
  cmd->add_flag("--json", options->json, "Print one JSON object instead of text");
  cmd->add_flag("--all-processes", options->report.all_processes,
                "List every process, also those without CUDA activity (an Nsight export lists "
                "every process on the machine)");
  add_gpu_option(*cmd, options->gpu);
  cmd->callback([options, &run] {
    run = [options] {
      auto trace = load_trace(options->traces);
      if (!trace) return report_error(trace.error());
      if (auto named = name_trace_gpu(*trace, options->gpu); !named) {
        return report_error(named.error());
      }
      if (options->json) {
        print_info_json(*trace, std::cout, options->report);
      } else {
        print_info_text(*trace, std::cout, options->report);
      }
      return kExitOk;
    };
  });
}

}  // namespace dd::cli
