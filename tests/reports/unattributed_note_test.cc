// What a breakdown says about GPU time in no layer (reports/unattributed_note.h): nothing below
// a tenth, else the phase that holds most of it and what the trace kind would need to record.
#include "reports/unattributed_note.h"

#include <catch2/catch.hpp>

namespace {

using dd::Phase;

dd::UnattributedGpu in_phase(Phase phase, dd::TimeNs time) {
  dd::UnattributedGpu gpu;
  gpu.by_phase[static_cast<size_t>(phase)] = time;
  return gpu;
}

bool says(const std::string& note, const char* text) { return note.find(text) != std::string::npos; }

}  // namespace

TEST_CASE("Unattributed GPU time is explained from a tenth of the GPU time", "[breakdown]") {
  dd::Trace recording;
  recording.format = dd::TraceFormat::kDaydreamSqlite;
  CHECK(dd::unattributed_note(recording, in_phase(Phase::kBackward, 99), 1000).empty());
  std::string note = dd::unattributed_note(recording, in_phase(Phase::kBackward, 660), 1000);
  CHECK(note.starts_with("66% of the GPU time is in no layer, 100% of that in backward"));
  CHECK(says(note, "marks no module on the autograd thread"));

  SECTION("work no launch asked for: a trace of GPU activity alone") {
    dd::UnattributedGpu gpu = in_phase(Phase::kForward, 800);
    gpu.without_launch = 500;
    CHECK(says(dd::unattributed_note(recording, gpu, 1000), "records no launch for most of it"));
  }
  SECTION("a PyTorch profiler trace without framework ops, and one with them") {
    dd::Trace kineto;
    kineto.format = dd::TraceFormat::kKinetoJson;
    CHECK(says(dd::unattributed_note(kineto, in_phase(Phase::kForward, 900), 1000),
               "ProfilerActivity.CPU"));
    dd::RangeRow op;
    op.kind = dd::RangeKind::kFrameworkOp;
    kineto.ranges.append(op);
    CHECK(says(dd::unattributed_note(kineto, in_phase(Phase::kForward, 900), 1000),
               "CUDA graph replays"));
  }
  SECTION("an Nsight Systems export") {
    dd::Trace nsys;
    nsys.format = dd::TraceFormat::kNsysSqlite;
    CHECK(says(dd::unattributed_note(nsys, in_phase(Phase::kForward, 900), 1000), "emit_nvtx"));
  }
}
