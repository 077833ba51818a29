// Truncated Kineto files (a profiler killed while writing, a partial copy, damaged gzip data)
// load up to the cut: every whole event before it is kept, the incomplete one at the cut is
// counted, and a note names the file and the byte where its text ends. A cut before any event
// is an error. The expected events are counted from the text itself, line by line.
#include <catch2/catch.hpp>
#include <string>

#include "collector/kineto_fixture.h"

namespace {

// One event per line: a runtime launch and its kernel per step, `steps` times.
std::string event_lines(int steps) {
  std::string text = "{\"traceEvents\": [\n";
  for (int i = 0; i < steps; ++i) {
    std::string ts = std::to_string(100 * i);
    std::string kernel_ts = std::to_string(100 * i + 20);
    std::string id = std::to_string(i + 1);
    text += R"({"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": )" +
            ts + R"(, "dur": 5, "args": {"correlation": )" + id + "}},\n";
    text += R"({"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": )" + kernel_ts +
            R"(, "dur": 5, "args": {"device": 0, "stream": 7, "correlation": )" + id + "}}" +
            (i + 1 < steps ? ",\n" : "\n");
  }
  return text + "]}\n";
}

struct Expected {
  size_t api_calls = 0;
  size_t kernels = 0;
  bool partial = false;  // text of an incomplete event follows the last whole one
};

// What a cut at `cut` leaves: the whole event lines before it (a line is whole when its closing
// "}}" is in the text), and whether part of another event follows them.
Expected expected_after_cut(const std::string& text, size_t cut) {
  Expected expected;
  size_t line_start = text.find('\n') + 1;  // after the "traceEvents" line
  while (line_start < cut) {
    size_t line_end = text.find('\n', line_start);
    std::string line = text.substr(line_start, line_end - line_start);
    if (!line.starts_with("{\"ph\"")) break;  // the closing "]}"
    size_t close = line.rfind("}}");
    if (line_start + close + 2 > cut) {
      expected.partial = true;
      break;
    }
    (line.find("\"kernel\"") != std::string::npos ? expected.kernels : expected.api_calls)++;
    line_start = line_end + 1;
  }
  return expected;
}

dd::Result<dd::Trace> import_file(const std::string& path) {
  dd::Trace trace;
  dd::TraceBuilder builder(trace);
  auto imported = dd::import_kineto_file(path, builder);
  if (!imported) return std::unexpected(imported.error());
  dd::finish_trace(trace);
  return trace;
}

void check_cut(const dd::Trace& trace, const Expected& expected, const std::string& path) {
  CHECK(trace.api_calls.size() == expected.api_calls);
  CHECK(trace.gpu_ops.size() == expected.kernels);
  CHECK(trace.diagnostics.count("kineto_truncated_file") == 1);
  CHECK(trace.diagnostics.count("kineto_truncated_event") == (expected.partial ? 1 : 0));
  REQUIRE(trace.diagnostics.notes().size() == 1);
  const dd::DiagnosticNote& note = trace.diagnostics.notes().front();
  CHECK(note.severity == dd::Severity::kDataLoss);
  CHECK_THAT(note.text, Catch::StartsWith(path + ": the file is truncated"));
  CHECK_THAT(note.text, Catch::Contains("loaded the " +
                                        std::to_string(expected.api_calls + expected.kernels) +
                                        " events before the cut"));
}

}  // namespace

TEST_CASE("Kineto truncated: every cut keeps the whole events before it", "[collector][kineto]") {
  std::string text = event_lines(3);
  size_t first_event = text.find('\n') + 1;
  size_t first_event_end = text.find("}},", first_event) + 2;
  for (size_t cut = first_event_end; cut < text.size() - 1; ++cut) {
    Expected expected = expected_after_cut(text, cut);
    INFO("cut at " << cut << ": " << text.substr(0, cut));
    for (const char* suffix : {".json", ".json.gz"}) {
      dd::test::ScratchFile file(suffix);
      if (std::string(suffix) == ".json") {
        dd::test::write_text(file.path(), text.substr(0, cut));
      } else {
        dd::test::write_gzip(file.path(), text.substr(0, cut));
      }
      auto trace = import_file(file.path());
      REQUIRE(trace);
      check_cut(*trace, expected, file.path());
    }
  }
}

TEST_CASE("Kineto truncated: the expectation itself on three cuts", "[collector][kineto]") {
  // Guards the line counting above with answers worked out by hand.
  std::string text = event_lines(2);
  size_t second = text.find("\n{", text.find('\n') + 1) + 1;  // start of the second event line
  Expected in_second = expected_after_cut(text, second + 10);
  CHECK(in_second.api_calls == 1);
  CHECK(in_second.kernels == 0);
  CHECK(in_second.partial);
  Expected before_bracket = expected_after_cut(text, text.rfind(']'));
  CHECK(before_bracket.api_calls == 2);
  CHECK(before_bracket.kernels == 2);
  CHECK_FALSE(before_bracket.partial);
}

TEST_CASE("Kineto truncated: a cut before any whole event is an error", "[collector][kineto]") {
  std::string text = event_lines(1);
  for (size_t cut : {size_t{1}, size_t{10}, text.find('\n') + 1, text.find('\n') + 30}) {
    INFO("cut at " << cut);
    dd::test::ScratchFile file(".json");
    dd::test::write_text(file.path(), text.substr(0, cut));
    auto trace = import_file(file.path());
    REQUIRE_FALSE(trace);
    CHECK_THAT(trace.error().message, Catch::StartsWith(file.path() + ": "));
    CHECK_THAT(trace.error().message, Catch::Contains("before any complete trace event"));
  }
}

TEST_CASE("Kineto truncated: gzip data cut short loads what it inflates to",
          "[collector][kineto]") {
  std::string text = event_lines(4000);
  dd::test::ScratchFile whole(".json.gz");
  dd::test::write_gzip(whole.path(), text);
  std::string bytes = dd::test::read_bytes(whole.path());
  dd::test::ScratchFile cut(".json.gz");
  dd::test::write_text(cut.path(), bytes.substr(0, bytes.size() / 2));
  // The text zlib recovers from the cut file, read independently of the importer.
  std::string inflated = dd::test::gunzip(cut.path());
  REQUIRE(inflated.size() > 1000);
  REQUIRE(inflated.size() < text.size());
  REQUIRE(text.starts_with(inflated));
  auto trace = import_file(cut.path());
  REQUIRE(trace);
  check_cut(*trace, expected_after_cut(text, inflated.size()), cut.path());
  CHECK_THAT(trace->diagnostics.notes().front().text, Catch::Contains("truncated gzip data"));
}

TEST_CASE("Kineto truncated: a gzip stream without its trailer around whole JSON",
          "[collector][kineto]") {
  std::string text = event_lines(2);
  dd::test::ScratchFile whole(".json.gz");
  dd::test::write_gzip(whole.path(), text);
  std::string bytes = dd::test::read_bytes(whole.path());
  dd::test::ScratchFile no_trailer(".json.gz");  // the CRC and size trailer cut off
  dd::test::write_text(no_trailer.path(), bytes.substr(0, bytes.size() - 8));
  auto trace = import_file(no_trailer.path());
  REQUIRE(trace);
  CHECK(trace->api_calls.size() == 2);
  CHECK(trace->gpu_ops.size() == 2);
  CHECK(trace->diagnostics.count("kineto_truncated_file") == 0);
  CHECK(trace->diagnostics.count("kineto_damaged_gzip") == 1);
  REQUIRE(trace->diagnostics.notes().size() == 1);
  CHECK(trace->diagnostics.notes().front().severity == dd::Severity::kWarning);
}
