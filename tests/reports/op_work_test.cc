// FLOPs and bytes of framework-op calls from recorded input shapes (op_work.h), worked out by
// hand, and the operator table's roofline over them on a hand-built trace.
#include "reports/op_work.h"

#include <catch2/catch.hpp>

#include "collector/trace/trace_builder.h"
#include "graph/graph_builder.h"
#include "reports/gpu_activity.h"
#include "reports/operator_table.h"
#include "simulator/simulator.h"
#include "trace_maker.h"

TEST_CASE("Matrix products: 2*M*N*K FLOPs, the operands and the result moved",
          "[breakdown][operators]") {
  // [512, 1000] x [1000, 4096] in fp32.
  auto mm = dd::op_work("aten::mm", "[[512, 1000], [1000, 4096]]", "[\"float\", \"float\"]", "");
  REQUIRE(mm);
  CHECK(mm->flops == 2.0 * 512 * 1000 * 4096);
  CHECK(mm->bytes == 4.0 * (512 * 1000 + 1000 * 4096 + 512 * 4096));
  CHECK(mm->element_type == "float");
  CHECK(mm->matrix);
  // addmm(bias [4096], x [512, 25088], w [25088, 4096], beta, alpha) in bf16.
  auto addmm = dd::op_work("aten::addmm", "[[4096], [512, 25088], [25088, 4096], [], []]",
                           "[\"c10::BFloat16\", \"c10::BFloat16\", \"c10::BFloat16\", \"Scalar\", \"Scalar\"]", "");
  REQUIRE(addmm);
  CHECK(addmm->flops == 2.0 * 512 * 25088 * 4096);
  CHECK(addmm->bytes == 2.0 * (4096 + 512.0 * 25088 + 25088.0 * 4096 + 512.0 * 4096));
  // linear(x [8, 128, 64], w [32, 64], b [32]): M = 8 * 128.
  auto linear = dd::op_work("aten::linear", "[[8, 128, 64], [32, 64], [32]]",
                            "[\"float\", \"float\", \"float\"]", "");
  REQUIRE(linear);
  CHECK(linear->flops == 2.0 * 1024 * 64 * 32);
  CHECK(linear->bytes == 4.0 * (1024 * 64 + 64 * 32 + 1024 * 32 + 32));
  auto bmm = dd::op_work("aten::bmm", "[[12, 197, 64], [12, 64, 197]]", "[\"c10::Half\", \"c10::Half\"]", "");
  REQUIRE(bmm);
  CHECK(bmm->flops == 2.0 * 12 * 197 * 64 * 197);
  CHECK(bmm->bytes == 2.0 * 12 * (197 * 64 + 64 * 197 + 197 * 197));
}

TEST_CASE("Convolutions: the output size from the recorded stride, padding and dilation",
          "[breakdown][operators]") {
  // conv2d(x [512, 3, 224, 224], w [64, 3, 3, 3], b [64], stride 1, padding 1, dilation 1):
  // output 224 x 224.
  auto same = dd::op_work("aten::conv2d", "[[512, 3, 224, 224], [64, 3, 3, 3], [64], [], [], [], []]",
                          "[\"float\", \"float\", \"float\", \"ScalarList\", \"ScalarList\", \"ScalarList\", \"Scalar\"]",
                          "[\"\", \"\", \"\", \"[1, 1]\", \"[1, 1]\", \"[1, 1]\", \"1\"]");
  REQUIRE(same);
  CHECK(same->flops == 2.0 * 512 * 64 * 224 * 224 * 3 * 9);
  CHECK(same->bytes == 4.0 * (512.0 * 3 * 224 * 224 + 64 * 3 * 9 + 512.0 * 64 * 224 * 224));
  // Stride 2, no padding, 7x7 kernel on 224: (224 - 6 - 1) / 2 + 1 = 109; groups 2 (weight
  // [64, 2, 7, 7] over 4 input channels).
  auto strided = dd::op_work("aten::convolution",
                             "[[1, 4, 224, 224], [64, 2, 7, 7], [], [], [], [], [], [], []]",
                             "[\"float\", \"float\", \"\", \"ScalarList\", \"ScalarList\", \"ScalarList\", \"Scalar\", \"ScalarList\", \"Scalar\"]",
                             "[\"\", \"\", \"\", \"[2, 2]\", \"[0, 0]\", \"[1, 1]\", \"False\", \"[0, 0]\", \"2\"]");
  REQUIRE(strided);
  CHECK(strided->flops == 2.0 * 64 * 109 * 109 * 2 * 49);
  // Transposed, or without the concrete arguments (Kineto before 2.0): unknown.
  CHECK_FALSE(dd::op_work("aten::convolution", "[[1, 4, 224, 224], [64, 2, 7, 7], [], [], [], [], [], [], []]",
                          "[\"float\", \"float\", \"\", \"ScalarList\", \"ScalarList\", \"ScalarList\", \"Scalar\", \"ScalarList\", \"Scalar\"]",
                          "[\"\", \"\", \"\", \"[2, 2]\", \"[0, 0]\", \"[1, 1]\", \"True\", \"[0, 0]\", \"2\"]"));
  CHECK_FALSE(dd::op_work("aten::conv2d", "[[512, 3, 224, 224], [64, 3, 3, 3], [64], [], [], [], []]",
                          "[\"float\", \"float\", \"float\", \"ScalarList\", \"ScalarList\", \"ScalarList\", \"Scalar\"]", ""));
}

TEST_CASE("Elementwise ops: a FLOP per element; unknown ops and shapes stay unknown",
          "[breakdown][operators]") {
  // add(x [4, 1000], y [1000] broadcast, alpha): 4000 elements out, 5000 read, 4000 written.
  auto add = dd::op_work("aten::add", "[[4, 1000], [1000], []]", "[\"float\", \"float\", \"Scalar\"]", "");
  REQUIRE(add);
  CHECK(add->flops == 4000);
  CHECK(add->bytes == 4.0 * (5000 + 4000));
  CHECK_FALSE(add->matrix);
  CHECK_FALSE(dd::op_work("aten::max_pool2d", "[[1, 64, 8, 8]]", "[\"float\"]", ""));
  CHECK_FALSE(dd::op_work("aten::mm", "", "", ""));                       // not recorded
  CHECK_FALSE(dd::op_work("aten::mm", "[[2, 3], [3, 4]]", "[\"foo\", \"foo\"]", ""));  // unknown type
  CHECK_FALSE(dd::op_work("aten::mm", "[[2, 3], [3", "[\"float\", \"float\"]", ""));    // malformed
}

TEST_CASE("The operator table's roofline: the least time at the peaks against the time taken",
          "[breakdown][operators]") {
  // Two aten::mm calls of [1000, 1000] x [1000, 1000] fp32 (2 GFLOP and 12 MB each), their
  // kernels 1 ms and 3 ms long, on a device of 10 TFLOP/s TF32 and 1 TB/s: each needs at
  // least max(2e9 / 1e13, 12e6 / 1e12) = 200 us; 400 us of 4 ms is 10%.
  dd::test::TraceMaker m;
  dd::RangeRow call;
  call.kind = dd::RangeKind::kFrameworkOp;
  call.thread = m.main_thread;
  call.name = m.builder.intern("aten::mm");
  call.input_dims = m.builder.intern("[[1000, 1000], [1000, 1000]]");
  call.input_types = m.builder.intern("[\"float\", \"float\"]");
  for (dd::TimeNs start : {0, 10'000'000}) {
    call.start = start;
    call.end = start + 100'000;
    m.trace.ranges.append(call);
  }
  m.api(m.main_thread, "cudaLaunchKernel", 10'000, 20'000, 1);
  m.kernel("gemm", 30'000, 1'030'000, 1, m.stream);
  m.api(m.main_thread, "cudaLaunchKernel", 10'010'000, 10'020'000, 2);
  m.kernel("gemm", 10'030'000, 13'030'000, 2, m.stream);
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  dd::DevicePeaks peaks{"test GPU", 0, 1e12, 1e13, 0, 0, 1e12};
  dd::Timeline measured = dd::measured_timeline(*graph);
  auto counted = dd::counted_instants(*graph, measured);
  auto rows = dd::operator_table(*graph, measured, {{0, 20'000'000}}, counted, peaks);
  REQUIRE(rows.size() == 1);
  const dd::OperatorRow& mm = rows[0];
  CHECK(mm.calls == 2);
  CHECK(mm.counted_calls == 2);
  CHECK(mm.flops == 4e9);
  CHECK(mm.bytes == 24e6);
  CHECK(mm.counted_gpu_time == 4'000'000);
  CHECK(mm.roofline_time == 400'000);
  CHECK(mm.roofline_gpu_time == 4'000'000);
  // Without a TF32 unit the fp32 peak bounds it: 2e9 / 1e12 = 2 ms per call.
  peaks.tf32_flops = 0;
  auto fp32 = dd::operator_table(*graph, measured, {{0, 20'000'000}}, counted, peaks);
  CHECK(fp32[0].roofline_time == 4'000'000);
}
