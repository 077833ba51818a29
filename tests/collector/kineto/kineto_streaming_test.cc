// The Kineto importer streams its input: the bundled traces import to the same Trace through
// windows far smaller than the file (so batches and refills fall everywhere), plain or gzip.
#include <catch2/catch.hpp>
#include <string>

#include "collector/kineto_fixture.h"
#include "test_paths.h"
#include "trace_compare.h"

namespace {

dd::Trace import_with_window(const std::string& path, size_t window) {
  dd::Trace trace;
  dd::TraceBuilder builder(trace);
  auto imported = dd::import_kineto_file(path, builder, nullptr, window);
  INFO(path << " through a window of " << window);
  if (!imported) FAIL(imported.error().message);
  dd::finish_trace(trace);
  return trace;
}

}  // namespace

TEST_CASE("Kineto streaming: the bundled traces import the same through any window",
          "[collector][kineto][streaming]") {
  auto name =
      GENERATE("vgg13_h100_iter41.pt.trace.json.gz", "resnet50_v100_rank0.pt.trace.json.gz");
  std::string path = dd::test::trace_path(name);
  dd::Trace whole = import_with_window(path, dd::JsonStream::kDefaultWindow);
  REQUIRE(whole.event_count() > 1000);
  for (size_t window : {size_t{61}, size_t{4099}, size_t{1} << 16}) {
    dd::Trace windowed = import_with_window(path, window);
    std::string difference = dd::test::first_difference(whole, windowed);
    INFO(name << ", window " << window << ": " << difference);
    CHECK(difference.empty());
  }
}

TEST_CASE("Kineto streaming: plain and gzip text import the same",
          "[collector][kineto][streaming]") {
  std::string path = dd::test::trace_path("vgg13_h100_iter41.pt.trace.json.gz");
  dd::Trace from_gzip = import_with_window(path, dd::JsonStream::kDefaultWindow);
  dd::test::ScratchFile plain(".json");
  dd::test::write_text(plain.path(), dd::test::gunzip(path));
  dd::Trace from_plain = import_with_window(plain.path(), 997);
  std::string difference = dd::test::first_difference(from_gzip, from_plain);
  INFO(difference);
  CHECK(difference.empty());
}
