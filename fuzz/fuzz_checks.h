// What each fuzz target runs on one input, and the contracts it checks beyond the sanitizers.
// Shared by the libFuzzer targets (which trap on a broken contract) and by the regression test
// that replays every input the fuzzers ever found (tests/reports/fuzz_found_test.cc).
#pragma once

#include <string>
#include <string_view>

namespace dd::fuzz {

// Each returns "" when the input went through with every contract kept, else what broke:
// an error that does not name the file on one line, a task the simulation never ran or that
// ends before it starts, a model that leaves a negative duration.

// The Kineto importer and the Trace post-pass, through the default window and a tiny one (the
// outcome must not depend on the window).
std::string check_kineto_file(const std::string& path);
// The SQLite reader and the Trace post-pass.
std::string check_sqlite_file(const std::string& path);
// Loading (any format), graph build, simulation, and the replay, breakdown and memory reports.
std::string check_pipeline_file(const std::string& path);
// `--apply` texts, one per line (at most four), parsed and applied in order to a copy of the
// graph of `trace_path` (built once per path), simulated and compared as `whatif` does.
std::string check_apply_texts(std::string_view texts, const std::string& trace_path);

}  // namespace dd::fuzz
