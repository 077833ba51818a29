// The subcommands of the `daydream` executable. Each add_*_command registers its CLI11
// subcommand, binds its options, and on selection stores in `run` the function main() calls.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "collector/trace/diagnostics.h"
#include "collector/trace/result.h"

namespace dd::cli {

// Exit codes (ARCHITECTURE.md, "The command line").
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitRegression = 3;

using CommandRunner = std::function<int()>;

void add_advise_command(CLI::App& app, CommandRunner& run);
void add_info_command(CLI::App& app, CommandRunner& run);
void add_import_command(CLI::App& app, CommandRunner& run);
void add_replay_command(CLI::App& app, CommandRunner& run);
void add_breakdown_command(CLI::App& app, CommandRunner& run);
void add_whatif_command(CLI::App& app, CommandRunner& run);
void add_record_command(CLI::App& app, CommandRunner& run);
void add_export_command(CLI::App& app, CommandRunner& run);
void add_diff_command(CLI::App& app, CommandRunner& run);
void add_memory_command(CLI::App& app, CommandRunner& run);

// Prints "daydream: error: <message>" and returns the exit code for the error's kind.
int report_error(const Error& error);

// Prints "daydream: warning: <note>" for each diagnostic note of severity data_loss or worse
// (a truncated file loaded up to its cut, ...), so that no command works on a partial load
// without saying so.
void report_load_warnings(const Diagnostics& diagnostics);

}  // namespace dd::cli
