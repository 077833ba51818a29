// Entry point of `daydream`: builds the subcommand table, parses, runs the chosen command,
// and turns anything unexpected into a one-line error instead of a crash.
#include <exception>
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "daydream: predicts what an optimization would buy a GPU training run, from a trace of it"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "daydream 0.1.0");
  dd::cli::CommandRunner run;
  dd::cli::add_advise_command(app, run);
  dd::cli::add_info_command(app, run);
  dd::cli::add_import_command(app, run);
  dd::cli::add_replay_command(app, run);
  dd::cli::add_breakdown_command(app, run);
  dd::cli::add_whatif_command(app, run);
  dd::cli::add_record_command(app, run);
  dd::cli::add_export_command(app, run);
  dd::cli::add_diff_command(app, run);
  dd::cli::add_memory_command(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? dd::cli::kExitOk : dd::cli::kExitUsage;
  }
  try {
    return run();
  } catch (const std::bad_alloc&) {
    std::cerr << "daydream: error: out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << "daydream: error: " << e.what() << "\n";
  }
  return dd::cli::kExitBadInput;
}
