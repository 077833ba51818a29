// `daydream import TRACE... -o OUT.sqlite [--gpu NAME]`: any supported input → daydream SQLite
// trace.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <vector>

#include "cli/commands.h"
#include "cli/gpu_option.h"
#include "cli/progress_bar.h"
#include "cli/safe_output.h"
#include "collector/sqlite/sqlite_writer.h"
#include "collector/trace_loader.h"

namespace dd::cli {

namespace {
struct ImportOptions {
  std::vector<std::string> traces;
  std::string output;
  std::string gpu;
};
}  // namespace

void add_import_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<ImportOptions>();
  CLI::App* cmd = app.add_subcommand("import", "Convert a trace to a daydream SQLite trace");
  cmd->add_option("trace", options->traces, "Input trace file(s), any supported format")
      ->required();
  cmd->add_option("-o,--output", options->output, "Output .sqlite file")->required();
  add_gpu_option(*cmd, options->gpu);
  cmd->callback([options, &run] {
    run = [options] {
      ProgressBar progress(STDERR_FILENO);
      auto trace = load_trace(options->traces, &progress);
      if (!trace) return report_error(trace.error());
      report_load_warnings(trace->diagnostics);
      if (auto named = name_trace_gpu(*trace, options->gpu); !named) {
        return report_error(named.error());
      }
      auto written = write_output_file(
          options->output, options->traces,
          [&](const std::string& path) { return write_sqlite_trace(*trace, path); });
      if (!written) return report_error(written.error());
      std::cout << "wrote " << options->output << ": " << trace->event_count() << " events, "
                << trace->iterations.size() << " iterations\n";
      return kExitOk;
    };
  });
}

}  // namespace dd::cli
