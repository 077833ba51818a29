// JsonWriter: a small streaming JSON writer for every `--json` output. Writes straight to an
// ostream (no DOM), escapes strings, formats doubles in shortest round-trip form so that the
// same input always gives the same bytes.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace dd {

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out, bool pretty = true) : out_(out), pretty_(pretty) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(int64_t number);
  JsonWriter& value(uint64_t number);
  JsonWriter& value(int number) { return value(static_cast<int64_t>(number)); }
  JsonWriter& value(unsigned number) { return value(static_cast<uint64_t>(number)); }
  JsonWriter& value(double number);  // non-finite numbers are written as null
  JsonWriter& value(bool flag);
  JsonWriter& null();
  // A value already written as JSON by another writer (trailing whitespace dropped), indented to
  // sit where it goes.
  JsonWriter& raw(std::string_view json);

  template <typename T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

 private:
  void before_value();
  void newline();

  std::ostream& out_;
  bool pretty_;
  std::vector<bool> has_items_;  // per open container
  bool after_key_ = false;
};

void write_json_string(std::ostream& out, std::string_view text);
// The same quoted, escaped string, appended to `out` (for writers that buffer their output).
void append_json_string(std::string& out, std::string_view text);

}  // namespace dd
