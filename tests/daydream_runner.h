// Runs the built `daydream` binary for the end-to-end CLI tests: its exit code and its stdout
// and stderr together (through a pipe, so stderr is never a terminal), any shell command line
// the same way, and JSON parsing of what it printed.
#pragma once

#include <simdjson.h>
#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

namespace dd::test {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command line and collects its stdout (stderr too when it says 2>&1).
inline CommandResult run_shell(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline CommandResult run_daydream(const std::string& arguments) {
  return run_shell(std::string(DD_DAYDREAM_BIN) + " " + arguments + " 2>&1");
}

inline simdjson::dom::element parse(simdjson::dom::parser& parser, const std::string& text) {
  simdjson::dom::element doc;
  REQUIRE(parser.parse(simdjson::padded_string(text)).get(doc) == simdjson::SUCCESS);
  return doc;
}

}  // namespace dd::test
