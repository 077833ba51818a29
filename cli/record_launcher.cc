// `daydream record`'s launcher (see record_launcher.h).
#include "cli/record_launcher.h"

#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "collector/cupti/record_outputs.h"

namespace dd::cli {

namespace {

namespace fs = std::filesystem;

fs::path executable_dir() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path(".") : self.parent_path();
}

Result<std::string> collector_library() {
  if (const char* path = std::getenv("DD_COLLECTOR_LIBRARY")) return std::string(path);
  fs::path beside = executable_dir() / "libddcollector.so";
  if (fs::exists(beside)) return beside.string();
  return usage_error("this daydream was built without the CUPTI collector (" + beside.string() +
                     " does not exist: CMake did not find the CUDA toolkit's CUPTI at build time)");
}

Result<void> check_driver() {
  void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (!driver) {
    return usage_error(
        "no CUDA driver on this machine (libcuda.so.1 cannot be loaded): there is no GPU work "
        "to record");
  }
  dlclose(driver);
  return {};
}

Result<void> check_iterations(const std::string& window) {
  if (window.empty()) return {};
  size_t colon = window.find(':');
  auto number = [](std::string_view text) {
    long value = -1;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size() ? value : -1;
  };
  if (colon == std::string::npos || number(std::string_view(window).substr(0, colon)) < 0 ||
      number(std::string_view(window).substr(colon + 1)) < 1) {
    return usage_error("--iterations wants START:COUNT (e.g. 10:5), got '" + window + "'");
  }
  return {};
}

void prepend_path(const char* variable, const std::string& dir) {
  const char* old = std::getenv(variable);
  std::string value = old && *old ? dir + ":" + old : dir;
  setenv(variable, value.c_str(), 1);
}

// Runs `command` with the environment as set now; its exit code, or 128 + the signal.
Result<int> run_child(const std::vector<std::string>& command) {
  std::vector<char*> argv;
  for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t child = fork();
  if (child < 0) return io_error(std::string("cannot start the program: ") + std::strerror(errno));
  if (child == 0) {
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "daydream: error: cannot run %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  // The terminal's ^C reaches the program too; let it decide, and wait for it.
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGQUIT, SIG_IGN);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

// The traces a run wrote: the output itself and its per-process traces (record_outputs.h).
std::vector<std::string> written_traces(const fs::path& output) {
  std::vector<std::string> found;
  std::string stem = record_output_stem(output.filename().string());
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(output.parent_path(), ec)) {
    std::string name = entry.path().filename().string();
    if (entry.path() == output || is_per_process_record_output(stem, name)) {
      found.push_back(entry.path().string());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

Result<RecordOutcome> run_recorded(const RecordRequest& request) {
  if (request.command.empty()) return usage_error("no program to record: daydream record -- COMMAND...");
  if (request.annotate != "none" && request.annotate != "modules" && request.annotate != "ops") {
    return usage_error("--annotate is none, modules or ops, not '" + request.annotate + "'");
  }
  if (auto valid = check_iterations(request.iterations); !valid) return std::unexpected(valid.error());
  auto library = collector_library();
  if (!library) return std::unexpected(library.error());
  if (auto driver = check_driver(); !driver) return std::unexpected(driver.error());

  fs::path output = fs::absolute(request.output);
  std::error_code ec;
  if (fs::exists(output, ec) && !request.force) {
    return usage_error(output.string() + " exists; pass --force to replace it");
  }
  for (const std::string& old : written_traces(output)) {
    if (!request.force) return usage_error(old + " (from an earlier recording) exists; pass --force to replace it");
    fs::remove(old, ec);
    fs::remove(old + "-wal", ec);
    fs::remove(old + "-shm", ec);
  }
  if (!fs::is_directory(output.parent_path(), ec)) {
    return io_error("cannot write " + output.string() + ": no such directory");
  }
  if (access(output.parent_path().c_str(), W_OK) != 0) {
    return io_error("cannot write " + output.string() + ": the directory is not writable");
  }

  setenv("CUDA_INJECTION64_PATH", library->c_str(), 1);
  setenv("NVTX_INJECTION64_PATH", library->c_str(), 1);
  setenv("DD_RECORD_OUTPUT", output.c_str(), 1);
  setenv("DD_ANNOTATE", request.annotate.c_str(), 1);
  if (!request.iterations.empty()) {
    setenv("DD_CAPTURE", "profiler-api", 1);
    setenv("DD_ITERATIONS", request.iterations.c_str(), 1);
  }
  fs::path shim = executable_dir() / "python";
  if (fs::exists(shim / "sitecustomize.py")) prepend_path("PYTHONPATH", shim.string());

  auto exit_code = run_child(request.command);
  if (!exit_code) return std::unexpected(exit_code.error());
  return RecordOutcome{*exit_code, written_traces(output)};
}

}  // namespace dd::cli
