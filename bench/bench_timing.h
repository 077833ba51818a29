// Timing helpers shared by the benchmarks: wall-clock seconds since a start, the best of N
// runs, and the process's peak resident set size.
#pragma once

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>

namespace dd::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Peak resident set size of this process, from /proc/self/status (VmHWM), in bytes.
inline size_t peak_rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmHWM:")) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

template <typename F>
double best_of(int repeat, F&& run) {
  double best = 1e300;
  for (int i = 0; i < repeat; ++i) {
    auto start = Clock::now();
    run();
    best = std::min(best, seconds_since(start));
  }
  return best;
}

}  // namespace dd::bench
