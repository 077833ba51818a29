// ProgressBar implementation: throttled redraws with a carriage return, erased at the end.
#include "cli/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace dd::cli {

namespace {

constexpr auto kRedrawInterval = std::chrono::milliseconds(100);
constexpr size_t kBarWidth = 30;
constexpr size_t kStageWidth = 48;
constexpr std::string_view kEraseLine = "\r\033[K";

std::string amount(uint64_t value, ProgressUnit unit) {
  char text[32];
  if (unit == ProgressUnit::kBytes) {
    std::snprintf(text, sizeof(text), "%.1f MB", static_cast<double>(value) / 1e6);
  } else {
    std::snprintf(text, sizeof(text), "%.2f M tasks", static_cast<double>(value) / 1e6);
  }
  return text;
}

}  // namespace

ProgressBar::ProgressBar(int fd, Mode mode, std::chrono::milliseconds quiet_period)
    : fd_(fd), enabled_(mode == Mode::kAlways || ::isatty(fd) == 1), quiet_period_(quiet_period) {}

ProgressBar::~ProgressBar() {
  if (drawn_) end();
}

void ProgressBar::begin(std::string_view stage, uint64_t total, ProgressUnit unit) {
  if (!enabled_) return;
  stage_ = stage.size() > kStageWidth ? "..." + std::string(stage.substr(stage.size() - kStageWidth + 3))
                                      : std::string(stage);
  total_ = total;
  done_ = 0;
  unit_ = unit;
  started_ = Clock::now();
  drawn_ = false;
}

void ProgressBar::update(uint64_t done) {
  if (!enabled_) return;
  done_ = done;
  Clock::time_point now = Clock::now();
  if (now - started_ < quiet_period_) return;
  if (drawn_ && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  draw();
}

void ProgressBar::end() {
  if (!enabled_ || !drawn_) return;
  write_line(kEraseLine);
  drawn_ = false;
}

void ProgressBar::draw() {
  std::string line(kEraseLine);
  line += stage_;
  if (total_ > 0) {
    uint64_t done = std::min(done_, total_);
    size_t filled = static_cast<size_t>(done * kBarWidth / total_);
    line += " [" + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "] ";
    line += std::to_string(done * 100 / total_) + "%  " + amount(done, unit_) + " of " +
            amount(total_, unit_);
  } else {
    line += "  " + amount(done_, unit_);
  }
  write_line(line);
  drawn_ = true;
}

void ProgressBar::write_line(std::string_view text) {
  while (!text.empty()) {
    ssize_t written = ::write(fd_, text.data(), text.size());
    if (written <= 0) return;  // progress is best effort
    text.remove_prefix(static_cast<size_t>(written));
  }
}

}  // namespace dd::cli
