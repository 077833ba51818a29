// libddcollector.so on a machine without a GPU or driver: the injection entry point must
// return success without crashing (CUPTI's calls that need the driver fail and are reported),
// claim its output file, and leave a readable trace that says what collected it. Built in the
// normal build only: sanitizer builds have no injection library (collector/cupti/CMakeLists.txt).
#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "collector/sqlite/sqlite_reader.h"
#include "collector/trace_loader.h"

TEST_CASE("The injected collector starts and leaves a readable trace without a GPU", "[cupti]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("dd-inject-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string output = (dir / "run.sqlite").string();
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    setenv("DD_RECORD_OUTPUT", output.c_str(), 1);
    void* library = dlopen(DD_COLLECTOR_LIB, RTLD_NOW | RTLD_LOCAL);
    if (!library) _exit(10);
    using Initialize = int (*)();
    auto initialize = reinterpret_cast<Initialize>(dlsym(library, "InitializeInjection"));
    if (!initialize || initialize() != 1 || initialize() != 1) _exit(11);  // twice: a no-op
    std::exit(0);  // the atexit handler closes the trace
  }
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  REQUIRE(fs::exists(output));
  auto trace = dd::read_sqlite_trace(output);
  REQUIRE(trace);
  CHECK(trace->metadata.at("sourceFormat") == "cupti");
  CHECK(trace->metadata.at("collector").starts_with("daydream record"));
  CHECK(trace->event_count() == 0);
  // Loaded for analysis, a trace without events is bad input that says so.
  auto loaded = dd::load_trace({output});
  REQUIRE_FALSE(loaded);
  CHECK_THAT(loaded.error().message, Catch::StartsWith(output + ": no events"));
  fs::remove_all(dir);
}

TEST_CASE("The collector library exports only the injection entry points", "[cupti]") {
  void* library = dlopen(DD_COLLECTOR_LIB, RTLD_NOW | RTLD_LOCAL);
  REQUIRE(library);
  CHECK(dlsym(library, "InitializeInjection"));
  CHECK(dlsym(library, "InitializeInjectionNvtx2"));
  // The collector's own functions stay hidden (here dd::cupti::start_session).
  CHECK_FALSE(dlsym(library, "_ZN2dd5cupti13start_sessionERKNS0_15SessionSettingsE"));
  dlclose(library);
}
