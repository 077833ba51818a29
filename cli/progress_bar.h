// ProgressBar: the command line's listener for library progress (collector/trace/progress.h) — a
// one-line bar on stderr while a long stage runs (reading a large trace, writing an export),
// and nothing at all when stderr is not a terminal (pipes, files, CI logs). A stage that ends
// within the quiet period never draws, so fast commands stay silent; the bar is erased when
// its stage ends, leaving the command's own output clean.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "collector/trace/progress.h"

namespace dd::cli {

class ProgressBar : public Progress {
 public:
  enum class Mode { kWhenTerminal, kAlways };
  explicit ProgressBar(int fd, Mode mode = Mode::kWhenTerminal,
                       std::chrono::milliseconds quiet_period = std::chrono::milliseconds(300));
  ~ProgressBar() override;

  // Whether anything will be drawn (stderr is a terminal, or kAlways).
  bool enabled() const { return enabled_; }

  void begin(std::string_view stage, uint64_t total, ProgressUnit unit) override;
  void update(uint64_t done) override;
  void end() override;

 private:
  using Clock = std::chrono::steady_clock;
  void draw();
  void write_line(std::string_view text);

  int fd_;
  bool enabled_;
  std::chrono::milliseconds quiet_period_;
  std::string stage_;
  uint64_t total_ = 0;
  uint64_t done_ = 0;
  ProgressUnit unit_ = ProgressUnit::kBytes;
  Clock::time_point started_;
  Clock::time_point last_draw_;
  bool drawn_ = false;
};

}  // namespace dd::cli
