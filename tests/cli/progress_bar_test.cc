// The terminal progress bar: silent when its stream is not a terminal (a file here), and when
// forced on, a bar with a percentage that is erased when the stage ends.
#include "cli/progress_bar.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <string>

namespace {

// Runs `fn` with a file descriptor of a fresh temporary file; returns what was written to it.
template <typename Fn>
std::string written_to_file(Fn&& fn) {
  char path[] = "/tmp/dd_progress_XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  fn(fd);
  std::string text;
  char buffer[4096];
  ::lseek(fd, 0, SEEK_SET);
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof(buffer))) > 0) text.append(buffer, static_cast<size_t>(n));
  ::close(fd);
  ::unlink(path);
  return text;
}

void run_stage(dd::Progress& progress) {
  progress.begin("reading trace.json", 1000, dd::ProgressUnit::kBytes);
  progress.update(250);
  progress.update(1000);
  progress.end();
}

}  // namespace

TEST_CASE("The progress bar is silent when stderr is not a terminal", "[cli][progress]") {
  std::string text = written_to_file([](int fd) {
    dd::cli::ProgressBar bar(fd, dd::cli::ProgressBar::Mode::kWhenTerminal,
                             std::chrono::milliseconds(0));
    CHECK_FALSE(bar.enabled());
    run_stage(bar);
  });
  CHECK(text.empty());
}

TEST_CASE("A forced progress bar draws and erases itself", "[cli][progress]") {
  std::string text = written_to_file([](int fd) {
    dd::cli::ProgressBar bar(fd, dd::cli::ProgressBar::Mode::kAlways, std::chrono::milliseconds(0));
    run_stage(bar);
  });
  CHECK(text.find("reading trace.json [#######") != std::string::npos);
  CHECK(text.find("25%") != std::string::npos);
  CHECK(text.ends_with("\r\033[K"));
}

TEST_CASE("A stage shorter than the quiet period draws nothing", "[cli][progress]") {
  std::string text = written_to_file([](int fd) {
    dd::cli::ProgressBar bar(fd, dd::cli::ProgressBar::Mode::kAlways, std::chrono::hours(1));
    run_stage(bar);
  });
  CHECK(text.empty());
}
