// Trace loading reports its progress in bytes: reading the file, inflating it when it is
// gzip-compressed, and parsing the JSON, each stage begun and ended once, with updates that
// grow and stay within the stage's total.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "collector/progress.h"
#include "collector/trace_loader.h"
#include "test_paths.h"

namespace {

struct Stage {
  std::string name;
  uint64_t total = 0;
  std::vector<uint64_t> updates;
  bool ended = false;
};

class RecordingProgress : public dd::Progress {
 public:
  void begin(std::string_view stage, uint64_t total, dd::ProgressUnit unit) override {
    CHECK(unit == dd::ProgressUnit::kBytes);
    stages.push_back({std::string(stage), total, {}, false});
  }
  void update(uint64_t done) override { stages.back().updates.push_back(done); }
  void end() override { stages.back().ended = true; }

  std::vector<Stage> stages;
};

}  // namespace

TEST_CASE("Loading a gzip Kineto trace reports reading, inflating and parsing in bytes",
          "[collector][progress]") {
  std::string path = dd::test::trace_path("resnet50_v100_rank0.pt.trace.json.gz");
  RecordingProgress progress;
  auto trace = dd::load_trace({path}, &progress);
  REQUIRE(trace);
  REQUIRE(progress.stages.size() == 3);
  CHECK(progress.stages[0].name == "reading " + path);
  CHECK(progress.stages[1].name == "decompressing " + path);
  CHECK(progress.stages[2].name == "parsing " + path);
  for (const Stage& stage : progress.stages) {
    INFO(stage.name);
    CHECK(stage.ended);
    CHECK(stage.total > 0);
    REQUIRE_FALSE(stage.updates.empty());
    for (size_t i = 1; i < stage.updates.size(); ++i) CHECK(stage.updates[i] > stage.updates[i - 1]);
    CHECK(stage.updates.back() <= stage.total);
  }
  // Reading and inflating end exactly at the file's size; parsing is sampled along the way.
  CHECK(progress.stages[0].updates.back() == progress.stages[0].total);
  CHECK(progress.stages[1].updates.back() == progress.stages[1].total);
  CHECK(progress.stages[1].total == progress.stages[0].total);  // compressed bytes consumed
  CHECK(progress.stages[2].total > 5 * progress.stages[0].total);  // the JSON text
}
