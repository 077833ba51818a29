// `daydream record [-o OUT] [--annotate none|modules|ops] [--iterations START:COUNT] -- COMMAND`:
// runs an unmodified CUDA program under the CUPTI collector and exits with the program's code.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/record_launcher.h"
#include "collector/cupti/record_outputs.h"

namespace dd::cli {

void add_record_command(CLI::App& app, CommandRunner& run) {
  auto request = std::make_shared<RecordRequest>();
  request->output = std::string(kDefaultRecordOutput);
  CLI::App* cmd = app.add_subcommand(
      "record", "Run a CUDA program (e.g. python train.py) and record a daydream trace of it");
  cmd->add_option("-o,--output", request->output,
                  "Trace of the program (one process); a distributed job's workers write "
                  "OUT-stem.rank<R>.sqlite, other CUDA processes OUT-stem.pid<P>.sqlite")
      ->capture_default_str();
  cmd->add_option("--annotate", request->annotate,
                  "PyTorch annotation: none, modules (layers forward and backward, phases, "
                  "iterations) or ops "
                  "(also every operator, with more overhead)")
      ->capture_default_str();
  cmd->add_option("--iterations", request->iterations,
                  "Record only optimizer steps START..START+COUNT-1 (PyTorch), e.g. 10:5");
  cmd->add_flag("--force", request->force, "Replace traces left by an earlier recording");
  cmd->add_option("command", request->command, "The program and its arguments, after --")
      ->required();
  cmd->callback([request, &run] {
    run = [request] {
      auto outcome = run_recorded(*request);
      if (!outcome) return report_error(outcome.error());
      if (outcome->traces.empty()) {
        std::cerr << "daydream record: no trace written (the program never initialized CUDA)\n";
      }
      for (const std::string& trace : outcome->traces) {
        std::cerr << "daydream record: wrote " << trace << "\n";
      }
      return outcome->exit_code;
    };
  });
}

}  // namespace dd::cli
