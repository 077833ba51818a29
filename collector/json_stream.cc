// The window and scanner behind JsonStream (json_stream.h). The scanner skips through strings
// eight bytes at a time and classifies the bytes between them through a table; its state
// survives refills of the window.
#include "collector/json_stream.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <cstring>

namespace dd {

namespace {

constexpr size_t kPadding = simdjson::SIMDJSON_PADDING;

constexpr bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// Ends a number or literal.
bool ends_scalar(char c) {
  return c == ',' || c == ':' || c == '}' || c == ']' || c == '{' || c == '[' || c == '"' ||
         is_space(c);
}

constexpr bool is_control(char c) {
  return static_cast<unsigned char>(c) < 0x20 && !is_space(c);
}

// What a byte means to the scanner outside strings; kPlain bytes are skipped.
enum ByteClass : uint8_t { kPlain, kQuote, kOpen, kClose, kComma, kControl };
using ByteTable = std::array<ByteClass, 256>;

constexpr ByteTable outside_string_table() {
  ByteTable table{};
  for (int c = 0; c < 0x20; ++c) table[c] = is_control(static_cast<char>(c)) ? kControl : kPlain;
  table['"'] = kQuote;
  table['{'] = table['['] = kOpen;
  table['}'] = table[']'] = kClose;
  table[','] = kComma;
  return table;
}

constexpr ByteTable kOutsideString = outside_string_table();

// 0x80 in each byte of `word` that is zero, 0 in the others (exact, unlike the shorter
// borrow-based test, so the first mark is right in either byte order).
constexpr uint64_t zero_bytes(uint64_t word) {
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7full;
  return ~(((word & kLow7) + kLow7) | word | kLow7);
}

// The first '"' or '\\' at or after `pos`, eight bytes at a time (strings are most of a trace's
// bytes). Reads up to 7 bytes past the window's end, into the padding; the sentinel '"' there
// stops it.
size_t next_quote_or_backslash(const char* text, size_t pos) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  for (;; pos += 8) {
    uint64_t word;
    std::memcpy(&word, text + pos, sizeof word);
    uint64_t marks = zero_bytes(word ^ (kOnes * '"')) | zero_bytes(word ^ (kOnes * '\\'));
    if (marks != 0) {
      int bit = std::endian::native == std::endian::little ? std::countr_zero(marks)
                                                           : std::countl_zero(marks);
      return pos + static_cast<size_t>(bit / 8);
    }
  }
}

std::string control_character(char c) {
  char text[48];
  std::snprintf(text, sizeof text, "a control character (0x%02x) outside a string",
                static_cast<unsigned>(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

JsonStream::JsonStream(TraceFileStream& source, size_t window, size_t max_piece)
    : source_(source),
      max_piece_(max_piece),
      buffer_(std::max<size_t>(window, 2) + kPadding),
      window_(std::max<size_t>(window, 2)) {}

std::unexpected<Error> JsonStream::invalid(std::string_view what, uint64_t offset) const {
  return bad_input(source_.path() + ": invalid JSON: " + std::string(what) + " (near byte " +
                   std::to_string(offset) + ")");
}

Result<char> JsonStream::peek() {
  for (;;) {
    while (begin_ < end_ && is_space(buffer_[begin_])) ++begin_;
    if (begin_ < end_) {
      char c = buffer_[begin_];
      if (is_control(c)) return invalid(control_character(c), offset());
      return c;
    }
    auto more = read_more();
    if (!more) return std::unexpected(more.error());
    if (!*more) return '\0';
  }
}

Result<JsonStream::Piece> JsonStream::value() {
  auto first = peek();
  if (!first) return std::unexpected(first.error());
  char c = *first;
  if (c == '\0') return invalid("the text ends where a value should be", offset());
  if (c == ',' || c == ':' || c == '}' || c == ']') {
    return invalid(std::string("'") + c + "' where a value should be", offset());
  }
  scan_ = ScanState{};
  scan_.pos = begin_;
  scan_.scalar = c != '{' && c != '[' && c != '"';
  for (;;) {
    auto scanned = scan(false);
    if (!scanned) return std::unexpected(scanned.error());
    if (*scanned == Scan::kEnd) break;
    auto more = read_more();
    if (!more) return std::unexpected(more.error());
    if (!*more) {
      if (scan_.scalar) break;  // a number or literal may end the text
      return invalid("the text ends inside a value", offset());
    }
  }
  Piece value = piece(begin_, scan_.pos, false);
  begin_ = scan_.pos;
  return value;
}

Result<JsonStream::Piece> JsonStream::array_batch() {
  if (!in_array_) {
    auto first = peek();
    if (!first) return std::unexpected(first.error());
    if (*first != '[') return invalid("expected an array", offset());
    in_array_ = true;
    batch_from_separator_ = false;
    scan_ = ScanState{};
    scan_.pos = begin_ + 1;
    scan_.depth = 1;
  }
  for (;;) {
    auto scanned = scan(true);
    if (!scanned) return std::unexpected(scanned.error());
    bool last = *scanned == Scan::kEnd;
    if (last || scan_.last_separator != kNoSeparator) {
      size_t end = last ? scan_.pos : scan_.last_separator + 1;
      // A batch that starts at a separator must hold an element: "[1, ]" and "[1, ,2]" cut at
      // their commas would otherwise read as valid arrays.
      if (batch_from_separator_ &&
          std::all_of(buffer_.begin() + static_cast<ptrdiff_t>(begin_) + 1,
                      buffer_.begin() + static_cast<ptrdiff_t>(end) - 1, is_space)) {
        return invalid("an empty element in an array", offset());
      }
      buffer_[begin_] = '[';
      if (!last) buffer_[end - 1] = ']';
      Piece batch = piece(begin_, end, last);
      // The next batch starts at the separator, which it overwrites with its '['.
      begin_ = last ? end : end - 1;
      in_array_ = !last;
      batch_from_separator_ = !last;
      scan_.last_separator = kNoSeparator;
      return batch;
    }
    auto more = read_more();
    if (!more) return std::unexpected(more.error());
    if (!*more) return invalid("the text ends inside an array", offset());
  }
}

Result<JsonStream::Scan> JsonStream::scan(bool in_array) {
  if (scan_.scalar) return scan_scalar();
  const char* text = buffer_.data();
  size_t pos = scan_.pos;
  // The state in locals: `text` may alias the members, which would be reloaded at every byte.
  bool in_string = scan_.in_string;
  uint64_t depth = scan_.depth;
  size_t last_separator = scan_.last_separator;
  auto save = [&](size_t at) {
    scan_.pos = at;
    scan_.in_string = in_string;
    scan_.depth = depth;
    scan_.last_separator = last_separator;
  };
  if (scan_.escaped && pos < end_) {
    ++pos;
    scan_.escaped = false;
  }
  // The sentinel '"' at end_ stops both inner loops without a bounds check.
  while (pos < end_) {
    if (in_string) {
      pos = next_quote_or_backslash(text, pos);
      if (pos >= end_) break;
      if (text[pos] == '\\') {
        pos += 2;
        if (pos > end_) {
          pos = end_;
          scan_.escaped = true;
        }
        continue;
      }
      in_string = false;
      ++pos;
      if (depth == 0) {  // a string value ends
        save(pos);
        return Scan::kEnd;
      }
      continue;
    }
    while (kOutsideString[static_cast<unsigned char>(text[pos])] == kPlain) ++pos;
    if (pos >= end_) break;
    switch (kOutsideString[static_cast<unsigned char>(text[pos])]) {
      case kQuote:
        in_string = true;
        break;
      case kOpen:
        ++depth;
        break;
      case kClose:
        if (--depth == 0) {
          save(pos + 1);
          return Scan::kEnd;
        }
        break;
      case kComma:
        if (in_array && depth == 1) last_separator = pos;
        break;
      default:  // kControl
        return invalid(control_character(text[pos]), base_ + pos);
    }
    ++pos;
  }
  save(end_);
  return Scan::kMore;
}

// A number or literal ends at the first delimiter; only values at the top level are scanned this
// way, never events, so a plain loop does.
Result<JsonStream::Scan> JsonStream::scan_scalar() {
  for (size_t pos = scan_.pos; pos < end_; ++pos) {
    char c = buffer_[pos];
    if (ends_scalar(c)) {
      scan_.pos = pos;
      return Scan::kEnd;
    }
    if (is_control(c)) return invalid(control_character(c), base_ + pos);
  }
  scan_.pos = end_;
  return Scan::kMore;
}

Result<bool> JsonStream::read_more() {
  if (at_end_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    base_ += begin_;
    end_ -= begin_;
    scan_.pos = scan_.pos > begin_ ? scan_.pos - begin_ : 0;
    if (scan_.last_separator != kNoSeparator) scan_.last_separator -= begin_;
    begin_ = 0;
  }
  if (end_ == window_) {
    if (window_ > max_piece_) {
      return invalid(
          "a single value or array element of more than " + std::to_string(max_piece_) + " bytes",
          offset());
    }
    window_ = std::min(window_ * 2, max_piece_ + 1);
    buffer_.resize(window_ + kPadding);
  }
  size_t before = end_;
  while (end_ < window_) {
    auto got = source_.read(buffer_.data() + end_, window_ - end_);
    if (!got) return std::unexpected(got.error());
    if (*got == 0) {
      at_end_ = true;
      break;
    }
    end_ += *got;
  }
  buffer_[end_] = '"';  // the scanner's sentinel, in the padding
  return end_ > before;
}

JsonStream::Piece JsonStream::piece(size_t from, size_t to, bool last) {
  return Piece{std::string_view(buffer_.data() + from, to - from), base_ + from, last};
}

}  // namespace dd
