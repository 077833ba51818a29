// Trace loading reports its progress in bytes of the file on disk: one stage per file, begun and
// ended once, with updates that grow and end at the file's size, for gzip-compressed files too
// (the importer streams the text, so reading, inflating and parsing advance together).
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "collector/kineto_fixture.h"
#include "collector/trace/progress.h"
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

// One stage, "reading <path>", whose updates grow and end at the file's size.
void check_reading_stage(const std::string& path) {
  RecordingProgress progress;
  auto trace = dd::load_trace({path}, &progress);
  REQUIRE(trace);
  REQUIRE(progress.stages.size() == 1);
  const Stage& stage = progress.stages[0];
  CHECK(stage.name == "reading " + path);
  CHECK(stage.ended);
  CHECK(stage.total == std::filesystem::file_size(path));
  REQUIRE_FALSE(stage.updates.empty());
  for (size_t i = 1; i < stage.updates.size(); ++i) CHECK(stage.updates[i] > stage.updates[i - 1]);
  CHECK(stage.updates.back() == stage.total);
}

}  // namespace

TEST_CASE("Loading a Kineto trace reports reading in bytes of the file, gzip or plain",
          "[collector][progress]") {
  std::string gzip = dd::test::trace_path("resnet50_v100_rank0.pt.trace.json.gz");
  check_reading_stage(gzip);
  dd::test::ScratchFile plain(".json");  // several MiB: read in more than one piece
  dd::test::write_text(plain.path(), dd::test::gunzip(gzip));
  check_reading_stage(plain.path());
}
