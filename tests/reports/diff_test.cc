// `daydream diff` metrics on the bundled ResNet-50 trace: a trace against itself shows no
// change; against a copy whose convolution kernels were made slower in code (tests/
// slowed_trace.h) it reports a regression of the inserted time, with the convolution class and
// its kernels as the top contributors; a slowdown smaller than the run-to-run spread is noise.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <memory>

#include "bundled_traces.h"
#include "collector/trace_loader.h"
#include "graph/graph_builder.h"
#include "graph/kernel_class.h"
#include "reports/diff_metrics.h"
#include "simulator/simulator.h"
#include "slowed_trace.h"

namespace {

using namespace dd;

const char* const kResnet = "resnet50_v100_rank0.pt.trace.json.gz";

// A trace with its graph and both timelines, as `daydream diff` compares them.
struct Run {
  std::unique_ptr<Trace> trace;
  std::unique_ptr<Graph> graph;
  Timeline measured, replayed;

  DiffSide side(const char* name) const { return {name, *graph, measured, replayed}; }
};

Run make_run(Trace trace) {
  Run run;
  run.trace = std::make_unique<Trace>(std::move(trace));
  auto graph = build_graph(*run.trace);
  REQUIRE(graph);
  run.graph = std::make_unique<Graph>(std::move(*graph));
  run.measured = measured_timeline(*run.graph);
  run.replayed = simulate(*run.graph, graph_origin(*run.graph));
  return run;
}

const Run& base_run() {
  static const Run run = [] {
    auto trace = load_trace({test::trace_path(kResnet)});
    REQUIRE(trace);
    return make_run(std::move(*trace));
  }();
  return run;
}

bool is_convolution(const Trace& trace, uint32_t op) {
  return trace.gpu_ops.kind[op] == GpuOpKind::kKernel &&
         classify_kernel(trace.str(trace.gpu_ops.name[op])) == KernelClass::kConvolution;
}

// The extra time inserted per steady-state iteration (ProfilerStep#103..105 of 101..105),
// counted from the stretch itself, independently of the diff.
double inserted_per_steady_iteration_ms(const IterationTable& its, const test::TimeStretch& stretch) {
  REQUIRE(its.size() == 5);
  TimeNs inserted = stretch.inserted(its.start[2], its.end[4]);
  return static_cast<double>(inserted) / 3 / 1e6;
}

struct Slowed {
  Run run;
  double injected_ms = 0;  // per steady-state iteration
};

Slowed slowed_convolutions(double factor) {
  auto trace = load_trace({test::trace_path(kResnet)});
  REQUIRE(trace);
  IterationTable original_markers = trace->iterations;
  const Trace& t = *trace;
  test::TimeStretch stretch =
      test::slow_down(*trace, [&](uint32_t op) { return is_convolution(t, op); }, factor);
  Slowed slowed;
  slowed.injected_ms = inserted_per_steady_iteration_ms(original_markers, stretch);
  slowed.run = make_run(std::move(*trace));
  return slowed;
}

// ResNet with its convolutions 30% slower, built once.
const Slowed& convolutions_30_percent_slower() {
  static const Slowed slowed = slowed_convolutions(1.3);
  return slowed;
}

double ms(TimeNs ns) { return static_cast<double>(ns) / 1e6; }

}  // namespace

TEST_CASE("diff of a trace with itself reports no change", "[reports][diff]") {
  const Run& run = base_run();
  DiffResult r = compare_runs(run.side("a"), run.side("b"), 2.0);
  CHECK(r.change == 0);
  CHECK(r.change_pct == 0);
  CHECK_FALSE(r.regressed);
  CHECK_FALSE(r.improved);
  CHECK(r.within_noise);
  CHECK(r.noise_known);
  CHECK(r.base.samples == 3);
  CHECK(r.noise_band > 0);  // ResNet's steady-state iterations differ by ~0.14 ms
  for (const DiffContributor& c : r.contributors) CHECK(c.delta() == 0);
  for (const KernelChange& k : r.kernels) CHECK(k.delta() == 0);
  CHECK(r.added.empty());
  CHECK(r.removed.empty());
  for (const DiffCheck& check : r.checks) CHECK(check.passed);
}

TEST_CASE("diff finds convolution kernels made 30% slower", "[reports][diff]") {
  const Slowed& slowed = convolutions_30_percent_slower();
  REQUIRE(slowed.injected_ms > 1.0);
  DiffResult r = compare_runs(base_run().side("base"), slowed.run.side("slowed"), 2.0);
  INFO("injected " << slowed.injected_ms << " ms/iteration, change " << ms(r.change) << " ms");
  CHECK(r.regressed);
  CHECK_FALSE(r.checks.front().passed);
  CHECK(ms(r.change) == Approx(slowed.injected_ms).epsilon(0.05));
  REQUIRE_FALSE(r.contributors.empty());
  const DiffContributor& top = r.contributors.front();
  INFO("top contributor " << top.name << " " << ms(top.delta()) << " ms");
  CHECK(top.kind == "kernel_class");
  CHECK(top.name == "convolution");
  CHECK(ms(top.delta()) == Approx(slowed.injected_ms).epsilon(0.1));
  // No other part of the critical path changed by more than a tenth of the injected time.
  for (size_t i = 1; i < r.contributors.size(); ++i) {
    INFO(r.contributors[i].name);
    CHECK(std::abs(ms(r.contributors[i].delta())) < 0.1 * slowed.injected_ms);
  }
  CHECK(r.kernel_classes.front().name == "convolution");
  for (const KernelChange& k : r.kernels) {
    if (k.delta() != 0) CHECK(k.kernel_class == "convolution");
  }
  CHECK(r.added.empty());
  CHECK(r.removed.empty());
  CHECK(r.critical_path.replay_verdict == Verdict::kGpuBound);
  CHECK(r.critical_path.predicted_verdict == Verdict::kGpuBound);
}

TEST_CASE("diff treats a slowdown within the run-to-run spread as noise", "[reports][diff]") {
  Slowed slowed = slowed_convolutions(1.001);
  DiffResult r = compare_runs(base_run().side("base"), slowed.run.side("slowed"), 0.0);
  INFO("injected " << slowed.injected_ms << " ms/iteration, change " << ms(r.change)
                   << " ms, noise band " << ms(r.noise_band) << " ms");
  CHECK(r.change > 0);
  CHECK(r.within_noise);
  CHECK_FALSE(r.regressed);  // even with a 0% threshold
  CHECK(r.checks.front().passed);
}

TEST_CASE("diff reports a speed-up as an improvement, not a regression", "[reports][diff]") {
  const Slowed& slowed = convolutions_30_percent_slower();
  DiffResult r = compare_runs(slowed.run.side("slowed"), base_run().side("base"), 2.0);
  CHECK(r.improved);
  CHECK_FALSE(r.regressed);
  CHECK(r.contributors.front().name == "convolution");
  CHECK(r.contributors.front().delta() < 0);
}
