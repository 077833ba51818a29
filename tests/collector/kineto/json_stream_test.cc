// JsonStream, the window the Kineto importer streams its files through: array batches are cut
// only between elements and give back exactly the original elements, through windows of every
// size from 2 bytes up; separators that would hide a broken array are caught at any cut; values
// larger than the limit are refused instead of buffered.
#include "collector/kineto/json_stream.h"

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "collector/kineto_fixture.h"

namespace {

// Elements whose strings hold every character the scanner must not take for structure.
const std::vector<std::string> kElements = {
    R"({"name": "a, [b] {c}", "x": 1})",
    R"("a \"quoted\" ] string")",
    R"("ends in a backslash \\")",
    R"([1, [2, [3, "]"]], {"k": "\\\""}])",
    R"(-12.5e3)",
    R"(true)",
    R"(null)",
    R"({})",
    R"([])",
    R"({"nested": {"deeper": [{"deepest": ",,,"}]}})",
};

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string text;
  for (size_t i = 0; i < parts.size(); ++i) text += (i ? separator : "") + parts[i];
  return text;
}

// The batches of the one array in `json`, read through a window of `window` bytes; content
// after the array is an error, as it is to the importer.
dd::Result<std::vector<std::string>> batches(const std::string& json, size_t window,
                                             size_t max_piece = dd::JsonStream::kDefaultMaxPiece) {
  dd::test::ScratchFile file(".json");
  dd::test::write_text(file.path(), json);
  dd::TraceFileStream source(file.path());
  REQUIRE(source.open());
  dd::JsonStream stream(source, window, max_piece);
  std::vector<std::string> texts;
  for (;;) {
    auto batch = stream.array_batch();
    if (!batch) return std::unexpected(batch.error());
    texts.emplace_back(batch->text);
    if (batch->last) break;
  }
  auto rest = stream.peek();
  if (!rest) return std::unexpected(rest.error());
  if (*rest != '\0') return stream.invalid("content after the array", stream.offset());
  return texts;
}

bool parses_as_array(const std::string& text) {
  simdjson::padded_string copy(text);
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document document;
  simdjson::ondemand::array array;
  if (parser.iterate(copy).get(document) || document.get_array().get(array)) return false;
  for (auto element : array) {
    if (element.error()) return false;
  }
  const char* rest = nullptr;  // a location past the array means content after it
  return document.current_location().get(rest) != simdjson::SUCCESS;
}

}  // namespace

TEST_CASE("JSON stream: array batches are whole elements at every window size",
          "[collector][json_stream]") {
  std::string inner = join(kElements, ",\n  ");
  std::string json = "[\n  " + inner + "\n]\n";
  for (size_t window = 2; window <= json.size() + 8; ++window) {
    INFO("window " << window);
    auto read = batches(json, window);
    REQUIRE(read);
    std::vector<std::string> insides;
    for (const std::string& batch : *read) {
      INFO(batch);
      CHECK(parses_as_array(batch));
      REQUIRE(batch.size() >= 2);
      insides.push_back(batch.substr(1, batch.size() - 2));
    }
    // The batches put back together, separators restored, are the original array.
    CHECK("[" + join(insides, ",") + "]" == "[\n  " + inner + "\n]");
  }
  auto whole = batches(json, 1 << 20);
  REQUIRE(whole);
  CHECK(whole->size() == 1);
}

TEST_CASE("JSON stream: an empty array is one batch", "[collector][json_stream]") {
  for (size_t window : {2, 3, 64}) {
    auto read = batches("  [ \n ]  ", window);
    REQUIRE(read);
    CHECK(*read == std::vector<std::string>{"[ \n ]"});
  }
}

TEST_CASE("JSON stream: separators that hide a broken array are errors at any cut",
          "[collector][json_stream]") {
  auto text = GENERATE(as<std::string>{}, "[1, ]", "[1, ,2]", "[{\"a\": 1},\n\n]",
                       "[\"open", "[1, 2]]", "[,1]", "  [,  fale,ne]");
  for (size_t window = 2; window <= text.size() + 4; ++window) {
    INFO(text << " through a window of " << window);
    auto read = batches(text, window);
    if (read) {  // only simdjson can tell: some batch must fail to parse
      bool any_invalid = false;
      for (const std::string& batch : *read) any_invalid = any_invalid || !parses_as_array(batch);
      CHECK(any_invalid);
    } else {
      CHECK_THAT(read.error().message, Catch::Contains("invalid JSON"));
    }
  }
}

// A text cut inside an array (a truncated file): the whole elements before the cut come back,
// the last of them in a final batch, and the stream says that the text ended inside and
// whether an incomplete element was left out. The same through every window.
struct CutArray {
  std::vector<std::string> elements;  // inside the batches' brackets, joined
  bool error = false;
  bool ended_inside = false;
  bool dropped_partial = false;
};

CutArray read_cut_array(const std::string& json, size_t window) {
  dd::test::ScratchFile file(".json");
  dd::test::write_text(file.path(), json);
  dd::TraceFileStream source(file.path());
  REQUIRE(source.open());
  dd::JsonStream stream(source, window);
  CutArray cut;
  for (;;) {
    auto batch = stream.array_batch();
    if (!batch) {
      cut.error = true;
      break;
    }
    CHECK(parses_as_array(std::string(batch->text)));
    cut.elements.emplace_back(batch->text.substr(1, batch->text.size() - 2));
    if (batch->last) break;
  }
  cut.ended_inside = stream.ended_inside();
  cut.dropped_partial = stream.dropped_partial_element();
  return cut;
}

TEST_CASE("JSON stream: a text cut inside an array gives back its whole elements",
          "[collector][json_stream]") {
  struct Case {
    std::string text;
    std::string elements;  // the batches' insides joined with ','
    bool error;            // the last element was incomplete, or there was none after a batch
    bool dropped;
  };
  const Case cases[] = {
      {"[1,2", "1,2", false, false},
      {"[1, {\"a\": [2]}", "1, {\"a\": [2]}", false, false},
      {"[1, {\"a\": [2", "1", true, true},
      {"[1, \"open", "1", true, true},
      {"[1, 2,  ", "1, 2", true, false},
      {"[  ", "", true, false},
  };
  for (const Case& c : cases) {
    for (size_t window = 2; window <= c.text.size() + 4; ++window) {
      INFO(c.text << " through a window of " << window);
      CutArray cut = read_cut_array(c.text, window);
      CHECK(join(cut.elements, ",") == c.elements);
      CHECK(cut.error == c.error);
      CHECK(cut.ended_inside);
      CHECK(cut.dropped_partial == c.dropped);
    }
  }
}

TEST_CASE("JSON stream: a whole array does not count as cut", "[collector][json_stream]") {
  CutArray whole = read_cut_array("[1, 2]", 3);
  CHECK(join(whole.elements, ",") == "1, 2");
  CHECK_FALSE(whole.error);
  CHECK_FALSE(whole.ended_inside);
}

TEST_CASE("JSON stream: control characters outside strings stop the scan at once",
          "[collector][json_stream]") {
  auto read = batches(std::string("[1, 2") + '\0' + "3]", 4);
  REQUIRE_FALSE(read);
  CHECK_THAT(read.error().message, Catch::Contains("control character (0x00) outside a string"));
  CHECK_THAT(read.error().message, Catch::Contains("near byte 5"));
}

TEST_CASE("JSON stream: a value past the piece limit is refused, not buffered",
          "[collector][json_stream]") {
  std::string big = "\"" + std::string(200, 'x') + "\"";
  auto read = batches("[1, " + big + ", 2]", 8, 64);
  REQUIRE_FALSE(read);
  CHECK_THAT(read.error().message, Catch::Contains("more than 64 bytes"));
  CHECK(batches("[1, " + big + ", 2]", 8, 256));  // under the limit the window grows to fit
}

TEST_CASE("JSON stream: values and the end of the text", "[collector][json_stream]") {
  dd::test::ScratchFile file(".json");
  dd::test::write_text(file.path(), " \"k\\\"ey\" : 12.5e-3 , {\"a\": [1]} true");
  dd::TraceFileStream source(file.path());
  REQUIRE(source.open());
  dd::JsonStream stream(source, 3);
  auto key = stream.value();
  REQUIRE(key);
  CHECK(key->text == "\"k\\\"ey\"");
  CHECK(key->offset == 1);
  REQUIRE(stream.peek().value() == ':');
  stream.consume();
  CHECK(stream.value().value().text == "12.5e-3");
  REQUIRE(stream.peek().value() == ',');
  stream.consume();
  CHECK(stream.value().value().text == "{\"a\": [1]}");
  CHECK(stream.value().value().text == "true");  // a literal may end the text
  CHECK(stream.peek().value() == '\0');
  auto past_end = stream.value();
  REQUIRE_FALSE(past_end);
  CHECK_THAT(past_end.error().message, Catch::Contains("ends where a value should be"));
}
