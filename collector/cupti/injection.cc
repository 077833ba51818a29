// injection: the entry points of libddcollector.so, the library `daydream record` injects into
// the program it runs. The CUDA driver calls InitializeInjection when CUDA_INJECTION64_PATH
// names this library (during cuInit, so no CUDA call is made here); NVTX calls
// InitializeInjectionNvtx2 when NVTX_INJECTION64_PATH names it, and that is handed on to the
// CUPTI library this one is linked to, so NVTX ranges arrive as CUPTI marker records of the
// same CUPTI instance (collector-design.md §1.1-1.2). Settings come from DD_* variables set by
// the launcher. The trace is closed by an atexit handler; forked children record nothing.
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>

#include <cupti.h>

#include "collector/cupti/activity_session.h"
#include "collector/cupti/record_outputs.h"

namespace {

std::string env(const char* name, std::string fallback = {}) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : fallback;
}

int32_t rank_from_environment() {
  std::string rank = env("RANK");
  int32_t value = -1;
  auto [end, error] = std::from_chars(rank.data(), rank.data() + rank.size(), value);
  return error == std::errc() && end == rank.data() + rank.size() ? value : -1;
}

// Creates the output file so no other process of the run takes the same name (the names are
// those of collector/cupti/record_outputs.h). Empty if none can be created.
std::string claim_output_path(const std::string& requested, int32_t rank) {
  std::string candidates[] = {rank >= 0 ? dd::rank_record_output(requested, rank) : requested,
                              dd::pid_record_output(requested, getpid())};
  for (const std::string& path : candidates) {
    int fd = open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
    if (fd >= 0) {
      close(fd);
      return path;
    }
    if (errno != EEXIST) {
      std::fprintf(stderr, "daydream record: cannot create %s: %s; nothing is recorded\n",
                   path.c_str(), std::strerror(errno));
      return {};
    }
  }
  std::fprintf(stderr, "daydream record: %s and the per-process names beside it exist already\n",
               requested.c_str());
  return {};
}

std::string command_line() {
  std::ifstream file("/proc/self/cmdline", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  for (char& c : text) {
    if (c == '\0') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

void stop_at_exit() {
  dd::cupti::stop_session();
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int InitializeInjection(void) {
  static std::mutex mutex;
  static bool initialized = false;
  std::lock_guard lock(mutex);
  if (initialized) return 1;
  initialized = true;

  dd::cupti::SessionSettings settings;
  settings.rank = rank_from_environment();
  settings.output_path =
      claim_output_path(env("DD_RECORD_OUTPUT", std::string(dd::kDefaultRecordOutput)),
                        settings.rank);
  if (settings.output_path.empty()) return 1;
  settings.metadata = {
      {"collector", "daydream record (CUPTI " + std::to_string(CUPTI_API_VERSION) + ")"},
      {"annotationLevel", env("DD_ANNOTATE", "none")},
      {"captureMode", env("DD_CAPTURE", "all")},
      {"commandLine", command_line()},
      {"pid", std::to_string(getpid())},
  };
  for (const char* name : {"RANK", "LOCAL_RANK", "WORLD_SIZE", "CUDA_VISIBLE_DEVICES"}) {
    if (const char* value = std::getenv(name)) settings.metadata[name] = value;
  }
  if (dd::cupti::start_session(settings)) std::atexit(stop_at_exit);
  return 1;
}

// NVTX's loader hands its export table to the tool; CUPTI is the tool that turns NVTX calls
// into marker records, so the call goes on to the CUPTI library loaded with this one.
extern "C" __attribute__((visibility("default"))) int InitializeInjectionNvtx2(
    const void* get_export_table) {
  Dl_info cupti{};
  if (dladdr(reinterpret_cast<void*>(&cuptiGetVersion), &cupti) == 0 || !cupti.dli_fname) return 0;
  void* library = dlopen(cupti.dli_fname, RTLD_NOLOAD | RTLD_LAZY);
  if (!library) return 0;
  using Initialize = int (*)(const void*);
  auto initialize = reinterpret_cast<Initialize>(dlsym(library, "InitializeInjectionNvtx2"));
  return initialize ? initialize(get_export_table) : 0;
}
