// emit_nvtx range names: PyTorch's formats parse to op and sequence number, and nothing else
// (user ranges, the shim's dd: ranges, malformed numbers) is taken for an op.
#include "collector/sqlite/emit_nvtx_names.h"

#include <catch2/catch.hpp>

TEST_CASE("emit_nvtx names give the op and its sequence number", "[collector][nvtx]") {
  auto forward = dd::parse_emit_nvtx_name("aten::addmm, seq = 42, op_id = 17");
  REQUIRE(forward);
  CHECK(forward->op == "aten::addmm");
  CHECK(forward->sequence == 42);

  auto backward = dd::parse_emit_nvtx_name(
      "AddmmBackward0, seq = 42, op_id = 99, sizes = [[64, 10], [10, 128]]");
  REQUIRE(backward);
  CHECK(backward->op == "AddmmBackward0");
  CHECK(backward->sequence == 42);

  auto no_sequence = dd::parse_emit_nvtx_name("aten::empty, op_id = 5");
  REQUIRE(no_sequence);
  CHECK(no_sequence->op == "aten::empty");
  CHECK(no_sequence->sequence == -1);
}

TEST_CASE("Other range names are not taken for emit_nvtx ops", "[collector][nvtx]") {
  CHECK_FALSE(dd::parse_emit_nvtx_name("dd:module:layer1.0.conv1|Conv2d"));
  CHECK_FALSE(dd::parse_emit_nvtx_name("dd:phase:backward"));
  CHECK_FALSE(dd::parse_emit_nvtx_name("my range, with a comma"));
  CHECK_FALSE(dd::parse_emit_nvtx_name(", seq = 3"));                             // no op name
  CHECK_FALSE(dd::parse_emit_nvtx_name("aten::mm, seq = x"));                     // not a number
  CHECK_FALSE(dd::parse_emit_nvtx_name("aten::mm, seq = -4"));                    // negative
  CHECK_FALSE(dd::parse_emit_nvtx_name("aten::mm, seq = 4 extra"));               // trailing text
  CHECK_FALSE(dd::parse_emit_nvtx_name("aten::mm, seq = 99999999999999999999"));  // overflow
}

TEST_CASE("Names exactly as torch 2.15 writes them parse", "[collector][nvtx]") {
  // Captured from a ResNet-18 training step on the CPU under the shim at `--annotate ops`, with
  // collector/python/tests/nvtx_log_tool.cc logging the ranges (test_real_nvtx.py does this).
  struct Case {
    const char* name;
    const char* op;
    int64_t sequence;
  };
  const Case cases[] = {
      {"aten::conv2d, seq = 0, op_id = 1", "aten::conv2d", 0},
      {"aten::mkldnn_convolution, op_id = 4", "aten::mkldnn_convolution", -1},
      {"aten::addmm, seq = 69, op_id = 481", "aten::addmm", 69},
      {"autograd::engine::evaluate_function: NllLossBackward0, op_id = 501",
       "autograd::engine::evaluate_function: NllLossBackward0", -1},
      {"NllLossBackward0, seq = 71, op_id = 502", "NllLossBackward0", 71},
      {"AddmmBackward0, seq = 69, op_id = 509", "AddmmBackward0", 69},
      {"ConvolutionBackward0, seq = 0, op_id = 1293", "ConvolutionBackward0", 0},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    auto parsed = dd::parse_emit_nvtx_name(c.name);
    REQUIRE(parsed);
    CHECK(parsed->op == c.op);
    CHECK(parsed->sequence == c.sequence);
  }
}
