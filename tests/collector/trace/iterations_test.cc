// Iteration detection (collector/trace/iterations.h): the marker families in order, the two
// marker shapes (whole-iteration ranges, once-per-iteration markers with n - 1 iterations
// between their starts), and the candidates `info` suggests when no marker is known.
#include "collector/trace/iterations.h"

#include <catch2/catch.hpp>

#include "trace_maker.h"

namespace {

using dd::RangeKind;
using dd::test::TraceMaker;

}  // namespace

TEST_CASE("Iterations come from ProfilerStep, then NVTX, then a user marker",
          "[collector][iterations]") {
  TraceMaker m;
  uint32_t t = m.main_thread;
  m.range(t, "ProfilerStep#3", 200, 300, RangeKind::kUserAnnotation);
  m.range(t, "ProfilerStep#2", 100, 200, RangeKind::kUserAnnotation);
  m.range(t, "train_step 1", 100, 150, RangeKind::kUserAnnotation);
  m.range(t, "train_step 2", 150, 300, RangeKind::kUserAnnotation);
  m.range(t, "ProfilerStepX", 100, 300, RangeKind::kUserAnnotation);  // not an iteration marker
  m.range(t, "Optimizer.step#SGD.step", 120, 130, RangeKind::kUserAnnotation);
  m.range(t, "Optimizer.step#SGD.step", 220, 230, RangeKind::kUserAnnotation);

  dd::detect_iterations(m.trace);
  REQUIRE(m.trace.iterations.size() == 2);
  CHECK(m.trace.iterations.number[0] == 2);
  CHECK(m.trace.iterations.start[1] == 200);
  CHECK(m.trace.iterations.source[0] == dd::IterationSource::kProfilerStep);

  dd::detect_iterations(m.trace, "train_step");
  REQUIRE(m.trace.iterations.size() == 2);
  CHECK(m.trace.iterations.number[1] == 2);
  CHECK(m.trace.iterations.end[1] == 300);  // the ranges tile the time: whole iterations
  CHECK(m.trace.iterations.source[1] == dd::IterationSource::kUserMarker);

  dd::detect_iterations(m.trace, "no_such_marker");
  CHECK(m.trace.iterations.size() == 0);
  CHECK(m.trace.diagnostics.count("iteration_marker_not_found") == 1);
}

TEST_CASE("A last step that launched no GPU work was cut by the profiler stop: left out",
          "[collector][iterations]") {
  // Steps 1 and 2 each launch a kernel; step 3 (5 ns, closed when the profiler stopped)
  // launches none. Its kernel-free predecessor would stay: only the last step can be cut.
  TraceMaker m;
  uint32_t t = m.main_thread;
  m.range(t, "ProfilerStep#1", 0, 100, RangeKind::kUserAnnotation);
  m.range(t, "ProfilerStep#2", 100, 200, RangeKind::kUserAnnotation);
  m.range(t, "ProfilerStep#3", 200, 205, RangeKind::kUserAnnotation);
  m.api(t, "cudaLaunchKernel", 10, 20, 1);
  m.kernel("k", 30, 90, 1, m.stream);
  m.api(t, "cudaLaunchKernel", 110, 120, 2);
  m.kernel("k", 130, 203, 2, m.stream);  // runs into step 3, launched in step 2

  dd::detect_iterations(m.trace);
  REQUIRE(m.trace.iterations.size() == 2);
  CHECK(m.trace.iterations.number[1] == 2);
  CHECK(m.trace.diagnostics.count("iteration_cut_by_profiler_stop") == 1);
  REQUIRE(m.trace.diagnostics.notes().size() == 1);
  CHECK(m.trace.diagnostics.notes()[0].text.starts_with("ProfilerStep#3 (pid 100, 0.000 ms)"));

  SECTION("a last step that launched GPU work stays") {
    m.api(t, "cudaLaunchKernel", 201, 202, 3);
    m.kernel("k", 203, 204, 3, m.stream);
    dd::detect_iterations(m.trace);
    CHECK(m.trace.iterations.size() == 3);
    CHECK(m.trace.diagnostics.count("iteration_cut_by_profiler_stop") == 0);
  }
  SECTION("a call whose correlation id only another process's GPU op has launched nothing") {
    uint32_t rank1 = m.builder.process(200);
    uint32_t rank1_thread = m.builder.thread(rank1, 200);
    uint32_t rank1_stream = m.builder.stream(rank1, 1, 7);
    m.api(t, "cudaLaunchKernel", 201, 202, 9);  // no op of rank 0 has id 9
    m.api(rank1_thread, "cudaLaunchKernel", 10, 20, 9);
    m.kernel("k", 30, 40, 9, rank1_stream);
    dd::detect_iterations(m.trace);
    CHECK(m.trace.iterations.size() == 2);  // correlation ids are per process
  }
}

TEST_CASE("Optimizer steps mark iterations from one step's start to the next one's",
          "[collector][iterations]") {
  // Four optimizer steps on the training thread at 100, 250, 420 and 600 ns; a stray step on
  // another thread (a helper thread's optimizer) is not part of the sequence, nor are the
  // GPU-side copies of the annotation.
  TraceMaker m;
  uint32_t other = m.builder.thread(m.process, 300);
  for (dd::TimeNs start : {100, 250, 420, 600}) {
    m.range(m.main_thread, "Optimizer.step#Adam.step", start, start + 20, RangeKind::kUserAnnotation);
  }
  m.range(other, "Optimizer.step#Adam.step", 300, 310, RangeKind::kUserAnnotation);
  dd::RangeRow gpu_copy;
  gpu_copy.start = 105;
  gpu_copy.end = 140;
  gpu_copy.kind = RangeKind::kGpuUserAnnotation;
  gpu_copy.stream = m.stream;
  gpu_copy.name = m.builder.intern("Optimizer.step#Adam.step");
  m.trace.ranges.append(gpu_copy);

  dd::detect_iterations(m.trace);
  const dd::IterationTable& its = m.trace.iterations;
  REQUIRE(its.size() == 3);  // 4 markers, 3 intervals between their starts
  CHECK(its.start[0] == 100);
  CHECK(its.end[0] == 250);
  CHECK(its.start[1] == 250);
  CHECK(its.end[1] == 420);
  CHECK(its.start[2] == 420);
  CHECK(its.end[2] == 600);
  CHECK(its.source[2] == dd::IterationSource::kOptimizerStep);
  CHECK(m.trace.str(its.name[0]) == "Optimizer.step#Adam.step [1]");
  CHECK(its.number[2] == 3);
}

TEST_CASE("A user marker that covers a fraction of each iteration marks once per iteration",
          "[collector][iterations]") {
  // "forward" ranges of 30 ns every 100 ns: 90 of the 230 ns between the first start and the
  // last end are covered, so iterations run start to start: 2 of them.
  TraceMaker m;
  for (dd::TimeNs start : {0, 100, 200}) {
    m.range(m.main_thread, "forward", start, start + 30, RangeKind::kUserAnnotation);
  }
  dd::detect_iterations(m.trace, "forward");
  REQUIRE(m.trace.iterations.size() == 2);
  CHECK(m.trace.iterations.end[0] == 100);
  CHECK(m.trace.iterations.end[1] == 200);
}

TEST_CASE("Candidate markers: repeated annotations, known families first",
          "[collector][iterations]") {
  TraceMaker m;
  for (int i = 0; i < 5; ++i) {
    m.range(m.main_thread, "## forward ##", 100 * i, 100 * i + 50, RangeKind::kUserAnnotation);
    m.range(m.main_thread, "aten::mm", 100 * i, 100 * i + 10, RangeKind::kFrameworkOp);
  }
  for (int i = 0; i < 3; ++i) {
    m.range(m.main_thread, ("ProfilerStep#" + std::to_string(i)).c_str(), 100 * i, 100 * i + 90,
            RangeKind::kUserAnnotation);
  }
  m.range(m.main_thread, "once", 0, 10, RangeKind::kUserAnnotation);
  auto candidates = dd::iteration_marker_candidates(m.trace);
  REQUIRE(candidates.size() == 2);  // framework ops and single annotations are not candidates
  CHECK(candidates[0].name == "ProfilerStep");
  CHECK(candidates[0].count == 3);
  CHECK(candidates[1].name == "## forward ##");
  CHECK(candidates[1].count == 5);
  CHECK_FALSE(candidates[1].gpu_side);
}
