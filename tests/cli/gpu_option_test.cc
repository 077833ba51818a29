// --gpu NAME on hand-made traces: it names the GPUs the streams ran on where the trace names
// none (adding device rows, or naming unnamed ones), never renames a recorded GPU, and says in
// a note that the name came from the command line.
#include "cli/gpu_option.h"

#include <catch2/catch.hpp>

#include "trace_maker.h"

namespace {

dd::test::TraceMaker one_kernel_trace() {
  dd::test::TraceMaker m;
  m.api(m.main_thread, "cudaLaunchKernel", 0, 10, 1);
  m.kernel("k", 20, 30, 1, m.stream);
  return m;
}

}  // namespace

TEST_CASE("gpu option: adds a named device for the stream's GPU", "[cli][gpu_option]") {
  dd::test::TraceMaker m = one_kernel_trace();
  uint32_t second_gpu_stream = m.builder.stream(m.process, 3, 9);
  m.kernel("k2", 40, 50, 0, second_gpu_stream);
  REQUIRE(dd::cli::name_trace_gpu(m.trace, "h100"));
  REQUIRE(m.trace.devices.size() == 2);
  for (uint32_t i = 0; i < 2; ++i) {
    CHECK(m.trace.str(m.trace.devices.name[i]) == "h100");
    CHECK(m.trace.devices.process[i] == m.process);
  }
  CHECK(m.trace.devices.device_id == std::vector<int32_t>{0, 3});
  REQUIRE(m.trace.diagnostics.notes().size() == 1);
  CHECK(m.trace.diagnostics.notes()[0].text ==
        "GPU named 'h100' by --gpu: the trace records no GPU name");
}

TEST_CASE("gpu option: names an unnamed device row instead of adding one", "[cli][gpu_option]") {
  dd::test::TraceMaker m = one_kernel_trace();
  dd::DeviceRow described;
  described.process = dd::kNone;
  described.device_id = 0;
  described.sm_count = 40;
  m.trace.devices.append(described);
  REQUIRE(dd::cli::name_trace_gpu(m.trace, "RTX 2070 SUPER"));
  REQUIRE(m.trace.devices.size() == 1);
  CHECK(m.trace.str(m.trace.devices.name[0]) == "RTX 2070 SUPER");
  CHECK(m.trace.devices.sm_count[0] == 40);
}

TEST_CASE("gpu option: never renames a GPU the trace records", "[cli][gpu_option]") {
  dd::test::TraceMaker m = one_kernel_trace();
  dd::DeviceRow recorded;
  recorded.process = m.process;
  recorded.name = m.builder.intern("Tesla V100-SXM2-32GB");
  m.trace.devices.append(recorded);
  auto renamed = dd::cli::name_trace_gpu(m.trace, "h100");
  REQUIRE_FALSE(renamed);
  CHECK(renamed.error().kind == dd::ErrorKind::kUsage);
  CHECK_THAT(renamed.error().message, Catch::Contains("records its GPU as 'Tesla V100-SXM2-32GB'"));
  CHECK(dd::cli::name_trace_gpu(m.trace, "Tesla V100-SXM2-32GB"));  // the same name: fine
  CHECK(m.trace.devices.size() == 1);
}

TEST_CASE("gpu option: on a trace without GPU ops names device 0; no name changes nothing",
          "[cli][gpu_option]") {
  dd::test::TraceMaker m;
  REQUIRE(dd::cli::name_trace_gpu(m.trace, ""));
  CHECK(m.trace.devices.size() == 0);
  CHECK(m.trace.diagnostics.notes().empty());
  REQUIRE(dd::cli::name_trace_gpu(m.trace, "a100"));
  REQUIRE(m.trace.devices.size() == 1);
  CHECK(m.trace.devices.process[0] == dd::kNone);
  CHECK(m.trace.devices.device_id[0] == 0);
}
