// `info` on a hand-made two-rank job with a bystander process: the ranks named once, each
// rank's GPU shown once (not every GPU each rank file describes), processes without CUDA
// activity counted instead of listed, and iterations with their rank, timed from the job's
// first iteration start (never negative).
#include "reports/info_report.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "job_maker.h"

namespace {

constexpr dd::TimeNs kMs = 1'000'000;

// Lines of `text` with runs of spaces collapsed to one and leading spaces dropped.
std::vector<std::string> squeezed_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::string squeezed;
    for (char c : line) {
      if (c == ' ' && (squeezed.empty() || squeezed.back() == ' ')) continue;
      squeezed += c;
    }
    lines.push_back(squeezed);
  }
  return lines;
}

bool has_line(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// Rank 1 (listed first in the trace, pid 200, GPU 1) starts its iterations 0.5 ms before rank 0
// (pid 100, GPU 0); each rank file describes all 8 GPUs of its host; pid 300 runs no CUDA.
dd::Trace two_rank_job() {
  dd::test::JobMaker job;
  size_t rank1 = job.add_rank(1, 200, 1);
  size_t rank0 = job.add_rank(0, 100, 0);
  job.builder.thread(job.builder.process(300), 300);
  for (size_t r : {rank1, rank0}) {
    for (int32_t id = 0; id < 8; ++id) {
      dd::DeviceRow device;
      device.process = job.ranks[r].process;
      device.device_id = id;
      device.name = job.builder.intern("NVIDIA A100-SXM4-40GB");
      job.trace.devices.append(device);
    }
  }
  job.step(rank1, 5, kMs / 2, 10 * kMs + kMs / 2);
  job.step(rank1, 6, 10 * kMs + kMs / 2, 20 * kMs + kMs / 2);
  job.step(rank0, 5, kMs, 11 * kMs);
  job.step(rank0, 6, 11 * kMs, 21 * kMs);
  job.launch(rank1, "k", kMs, 2 * kMs, 3 * kMs);
  job.launch(rank0, "k", 2 * kMs, 3 * kMs, 4 * kMs);
  job.launch(rank1, "k", 11 * kMs, 12 * kMs, 13 * kMs);  // every step launches GPU work
  job.launch(rank0, "k", 12 * kMs, 13 * kMs, 14 * kMs);
  return std::move(job.finish());
}

}  // namespace

TEST_CASE("info on a two-rank job: ranks, their GPUs once, iterations from the job's start",
          "[reports][info]") {
  dd::Trace trace = two_rank_job();
  std::ostringstream text;
  dd::print_info_text(trace, text);
  INFO(text.str());
  auto lines = squeezed_lines(text.str());
  CHECK(has_line(lines, "job: 2 ranks: rank 0, rank 1"));
  CHECK(has_line(lines, "rank 0: device 0: NVIDIA A100-SXM4-40GB"));
  CHECK(has_line(lines, "rank 1: device 1: NVIDIA A100-SXM4-40GB"));
  CHECK(has_line(lines, "(the trace describes 14 more GPUs that no rank ran work on)"));
  CHECK(std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
          return l.find("NVIDIA A100") != std::string::npos;
        }) == 2);
  CHECK(has_line(lines, "pid 200, rank 1: 1 threads, 1 GPU streams"));
  CHECK(has_line(lines, "pid 100, rank 0: 1 threads, 1 GPU streams"));
  CHECK(has_line(lines, "(1 processes without CUDA activity not listed; --all-processes lists them)"));
  CHECK_FALSE(has_line(lines, "pid 300: 1 threads, 0 GPU streams"));
  // The k-th iteration of every rank together, ranks in rank order, from 0.5 ms.
  std::vector<std::string> rows{
      "ProfilerStep#5 rank 0 0.500 10.000", "ProfilerStep#5 rank 1 0.000 10.000",
      "ProfilerStep#6 rank 0 10.500 10.000", "ProfilerStep#6 rank 1 10.000 10.000"};
  auto first = std::find(lines.begin(), lines.end(), rows[0]);
  REQUIRE(first != lines.end());
  CHECK(std::vector<std::string>(first, first + 4) == rows);

  std::ostringstream all;
  dd::print_info_text(trace, all, {.all_processes = true});
  CHECK(has_line(squeezed_lines(all.str()), "pid 300: 1 threads, 0 GPU streams"));
}

TEST_CASE("info --json of a two-rank job: ranks, listed processes, iterations with rank",
          "[reports][info]") {
  dd::Trace trace = two_rank_job();
  std::ostringstream json;
  dd::print_info_json(trace, json);
  std::string text = json.str();
  CHECK(text.find(R"("label": "rank 0")") != std::string::npos);
  CHECK(text.find(R"("processes_not_listed": 1)") != std::string::npos);
  CHECK(text.find(R"("rank": "rank 1",)") != std::string::npos);
  CHECK(text.find(R"("start_ms_from_first": 0,)") != std::string::npos);
  CHECK(text.find(R"("start_ms_from_first": -)") == std::string::npos);
}

TEST_CASE("info of one process keeps its plain layout", "[reports][info]") {
  dd::test::JobMaker job;
  size_t only = job.add_rank(-1, 100, 0);
  job.step(only, 1, 0, 10 * kMs);
  job.launch(only, "k", 0, kMs, 2 * kMs);
  std::ostringstream text;
  dd::print_info_text(job.finish(), text);
  auto lines = squeezed_lines(text.str());
  CHECK(text.str().find("job:") == std::string::npos);
  CHECK(has_line(lines, "(none described in the trace)"));
  CHECK(has_line(lines, "iteration start (ms from first) duration (ms)"));
  CHECK(has_line(lines, "ProfilerStep#1 0.000 10.000"));
}
