// The ranking and pricing of `daydream advise` (reports/advise_report.h) on hand-made rows:
// timed, applicable rows fastest first, ties to the fewer models; the rest after, in their
// order; cost per 1000 iterations from the iteration and $ per GPU-hour, priced by the GPU each
// row runs on.
#include "reports/advise_report.h"

#include <catch2/catch.hpp>
#include <sstream>

namespace {

dd::AdviceRow row(std::vector<std::string> applies, dd::TimeNs predicted, bool applicable = true) {
  dd::AdviceRow r;
  r.applies = std::move(applies);
  r.predicted = predicted;
  r.applicable = applicable;
  r.gpu_change = r.applies.front().starts_with("gpu:");
  r.speedup = 100.0 / static_cast<double>(predicted);
  return r;
}

}  // namespace

TEST_CASE("advise ranks timed applicable rows fastest first, then the rest in order",
          "[reports][advise]") {
  dd::Advice advice;
  advice.rows.push_back(row({"amp"}, 50));
  advice.rows.push_back(row({"ddp:gpus=8"}, 10, false));
  advice.rows.push_back(row({"amp", "cuda-graphs"}, 40));
  advice.rows.push_back(row({"cuda-graphs"}, 40));
  advice.rows.push_back(row({"fused-optimizer"}, 90));
  std::vector<const dd::AdviceRow*> ranked = dd::ranked_rows(advice);
  REQUIRE(ranked.size() == 5);
  CHECK(ranked[0]->label() == "cuda-graphs");  // 40, one model
  CHECK(ranked[1]->label() == "amp + cuda-graphs");  // 40, two models
  CHECK(ranked[2]->label() == "amp");
  CHECK(ranked[3]->label() == "fused-optimizer");
  CHECK(ranked[4]->label() == "ddp:gpus=8");  // not applicable: last, however fast
}

TEST_CASE("advise prices a row by the GPU it runs on", "[reports][advise]") {
  // 1000 iterations of 36 ms on a $2/h GPU: 36 s = 0.01 h, $0.02.
  CHECK(dd::cost_per_1000_iterations(36'000'000, 2.0) == Approx(0.02));
  dd::Advice advice;
  advice.gpu = "Tesla V100-SXM2-32GB";
  advice.prices = {{"V100", 1.0}, {"h100", 3.0}, {"V100-SXM2", 1.5}};
  dd::AdviceRow own = row({"amp"}, 10);
  dd::AdviceRow moved = row({"gpu:target=H100"}, 36'000'000);
  dd::AdviceRow unpriced = row({"gpu:target=A100"}, 10);
  CHECK(dd::row_price(advice, own) == Approx(1.5));  // the longest name the GPU's contains
  CHECK(dd::row_price(advice, moved) == Approx(3.0));  // the target, in any case
  CHECK_FALSE(dd::row_price(advice, unpriced).has_value());
  CHECK_FALSE(dd::row_price(advice, row({"pipeline:stages=4,microbatches=8"}, 10)).has_value());
  CHECK_FALSE(dd::row_price(advice, row({"amp", "ddp:gpus=8"}, 10)).has_value());

  advice.rows = {moved, unpriced};
  dd::ReportTable sweep = dd::gpu_sweep_table(advice);
  REQUIRE(sweep.rows.size() == 3);  // the trace's GPU, then each target, fastest first
  CHECK(sweep.rows[0][0] == "Tesla V100-SXM2-32GB (trace)");
  CHECK(sweep.rows[1][0] == "A100");  // 10 ns
  CHECK(sweep.rows[1].back() == "-");  // no price for the A100
  CHECK(sweep.rows[2][0] == "H100");
  CHECK(sweep.rows[2].back() == "$0.030");  // 36 s for 1000 iterations at $3/h
}
