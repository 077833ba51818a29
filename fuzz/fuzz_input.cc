// Scratch files and the trap on a broken contract, shared by the fuzz targets (fuzz_input.h).
#include "fuzz/fuzz_input.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

namespace dd::fuzz {

namespace {

std::string scratch_directory() {
  std::error_code ec;
  if (std::filesystem::is_directory("/dev/shm", ec)) return "/dev/shm";
  return std::filesystem::temp_directory_path().string();
}

// Paths written by this process, removed at exit.
std::map<std::string, std::string>& scratch_paths() {
  static std::map<std::string, std::string> paths;
  return paths;
}

void remove_scratch_files() {
  for (const auto& [suffix, path] : scratch_paths()) std::remove(path.c_str());
}

}  // namespace

const std::string& write_input(const uint8_t* data, size_t size, const std::string& suffix) {
  auto& paths = scratch_paths();
  auto it = paths.find(suffix);
  if (it == paths.end()) {
    if (paths.empty()) std::atexit(remove_scratch_files);
    std::string path = scratch_directory() + "/dd_fuzz_" + std::to_string(::getpid()) + suffix;
    it = paths.emplace(suffix, std::move(path)).first;
  }
  std::FILE* file = std::fopen(it->second.c_str(), "wb");
  if (file == nullptr) std::abort();  // the scratch directory is unusable: not the input's fault
  if (size > 0 && std::fwrite(data, 1, size, file) != size) std::abort();
  std::fclose(file);
  return it->second;
}

int verdict(const std::string& broken) {
  if (broken.empty()) return 0;
  std::fprintf(stderr, "broken contract: %s\n", broken.c_str());
  __builtin_trap();
}

}  // namespace dd::fuzz
