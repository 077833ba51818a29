// Kernel name demangling/shortening and NVTX marker pairing of the CUPTI collector.
#include <catch2/catch.hpp>

#include "collector/cupti/device_specs.h"
#include "collector/cupti/kernel_names.h"
#include "collector/cupti/marker_pairer.h"

using dd::cupti::MarkerPairer;

TEST_CASE("Kernel names are demangled and shortened like nsys", "[cupti]") {
  // void at::native::vectorized_elementwise_kernel<4, at::native::FillFunctor<float>, ...>(int, ...)
  const char* mangled =
      "_ZN2at6native29vectorized_elementwise_kernelILi4ENS0_11FillFunctorIfEENS_6detail5ArrayIPcLi1EEEEEviT0_T1_";
  std::string demangled = dd::cupti::demangle_kernel_name(mangled);
  CHECK(demangled.starts_with("void at::native::vectorized_elementwise_kernel<4, "));
  CHECK(dd::cupti::short_kernel_name(demangled) == "vectorized_elementwise_kernel");
  // extern "C" kernels are not mangled and keep their name.
  CHECK(dd::cupti::demangle_kernel_name("ampere_sgemm_128x64_nn") == "ampere_sgemm_128x64_nn");
  CHECK(dd::cupti::short_kernel_name("ampere_sgemm_128x64_nn") == "ampere_sgemm_128x64_nn");
  CHECK(dd::cupti::short_kernel_name("void ns::k(float*, int)") == "k");
}

TEST_CASE("NVTX markers pair by id, in any order and across threads", "[cupti]") {
  MarkerPairer pairer;
  CHECK_FALSE(pairer.start(1, 10, 100, "outer"));
  CHECK_FALSE(pairer.start(2, 20, 100, "inner"));
  auto inner = pairer.end(2, 30, 100);
  REQUIRE(inner);
  CHECK(inner->text == "inner");
  CHECK(inner->push_pop);
  CHECK((inner->start == 20 && inner->end == 30));
  // An end delivered before its start (another buffer) waits for it.
  CHECK_FALSE(pairer.end(3, 50, 200));
  auto late = pairer.start(3, 40, 100, "handed over");
  REQUIRE(late);
  CHECK_FALSE(late->push_pop);  // ended on another thread: a start/end range
  CHECK(late->end_global_tid == 200);
  CHECK(pairer.open_starts() == 1);  // "outer" never ended
  CHECK(pairer.unmatched_ends() == 0);
}

TEST_CASE("Device peaks come from the architecture table and the reported clock", "[cupti]") {
  // H100 SXM: 132 SMs; at the whitepaper's 1830 MHz the dense FP16 tensor peak is 989 TFLOP/s.
  auto h100 = dd::cupti::device_spec(9, 0, 132, 1.83e9, 3.35e12);
  REQUIRE(h100.fp16_tensor);
  CHECK(*h100.fp16_tensor == Approx(989.4e12).epsilon(0.001));
  CHECK(*h100.fp32 == Approx(61.8e12).epsilon(0.001));
  CHECK(h100.source == "table:sm_90");
  // A100: 108 SMs at 1410 MHz, 312 TFLOP/s BF16, 19.5 FP32, no FP8.
  auto a100 = dd::cupti::device_spec(8, 0, 108, 1.41e9, 1.555e12);
  CHECK(*a100.bf16_tensor == Approx(312e12).epsilon(0.001));
  CHECK(*a100.fp32 == Approx(19.5e12).epsilon(0.001));
  CHECK_FALSE(a100.fp8_tensor);
  auto future = dd::cupti::device_spec(12, 0, 100, 2e9, 1e12);
  CHECK_FALSE(future.fp32);
  CHECK(future.source == "unknown:sm_120");
}
