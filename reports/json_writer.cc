// JsonWriter implementation.
#include "reports/json_writer.h"

#include <charconv>
#include <cmath>

namespace dd {

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t plain = 0;  // start of the run of characters that need no escape
  for (size_t i = 0; i < text.size(); ++i) {
    auto u = static_cast<unsigned char>(text[i]);
    if (u >= 0x20 && u != '"' && u != '\\') continue;
    out.append(text.substr(plain, i - plain));
    plain = i + 1;
    switch (text[i]) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        out.append("\\u00");
        out.push_back(kHex[u >> 4]);
        out.push_back(kHex[u & 0xF]);
    }
  }
  out.append(text.substr(plain));
  out.push_back('"');
}

void write_json_string(std::ostream& out, std::string_view text) {
  std::string escaped;
  append_json_string(escaped, text);
  out << escaped;
}

void JsonWriter::newline() {
  if (!pretty_) return;
  out_.put('\n');
  for (size_t i = 0; i < has_items_.size(); ++i) out_ << "  ";
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (has_items_.empty()) return;
  if (has_items_.back()) out_.put(',');
  has_items_.back() = true;
  newline();
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  before_value();
  json = json.substr(0, json.find_last_not_of(" \t\r\n") + 1);
  for (char c : json) {
    if (c != '\n') {
      out_.put(c);
    } else {
      newline();
    }
  }
  return *this;
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_.put('{');
  has_items_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  bool had_items = has_items_.back();
  has_items_.pop_back();
  if (had_items) newline();
  out_.put('}');
  if (has_items_.empty() && pretty_) out_.put('\n');
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_.put('[');
  has_items_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  bool had_items = has_items_.back();
  has_items_.pop_back();
  if (had_items) newline();
  out_.put(']');
  if (has_items_.empty() && pretty_) out_.put('\n');
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  write_json_string(out_, name);
  out_ << (pretty_ ? ": " : ":");
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  write_json_string(out_, text);
  return *this;
}

JsonWriter& JsonWriter::value(int64_t number) {
  before_value();
  out_ << number;
  return *this;
}

JsonWriter& JsonWriter::value(uint64_t number) {
  before_value();
  out_ << number;
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  before_value();
  if (!std::isfinite(number)) {
    out_ << "null";
    return *this;
  }
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), number);
  out_.write(buffer, end - buffer);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  out_ << (flag ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ << "null";
  return *this;
}

}  // namespace dd
