// The window and scanner behind JsonStream (json_stream.h). The scanner skips through strings
// eight bytes at a time and classifies the bytes between them through a table; its state
// survives refills of the window.
#include "collector/kineto/json_stream.h"

#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <cstring>

namespace dd {

namespace {

// +1: the ']' that closes the last batch of a truncated array is written just past the text.
constexpr size_t kPadding = simdjson::SIMDJSON_PADDING + 1;

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

// One bit per byte of a 64-byte block, for each kind of byte the block scanner needs.
struct BlockMasks {
  uint64_t quote = 0;
  uint64_t backslash = 0;
  uint64_t comma = 0;
  uint64_t bracket_or_control = 0;  // { [ } ] and control characters, told apart on a visit
};

#if defined(__SSE2__)
BlockMasks classify_block(const char* block) {
  auto set = [](char c) { return _mm_set1_epi8(c); };
  auto bits = [](__m128i lane_mask, int lane) {
    return uint64_t{static_cast<uint16_t>(_mm_movemask_epi8(lane_mask))} << (16 * lane);
  };
  BlockMasks masks;
  for (int lane = 0; lane < 4; ++lane) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * lane));
    __m128i brackets =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, set('{')), _mm_cmpeq_epi8(v, set('['))),
                     _mm_or_si128(_mm_cmpeq_epi8(v, set('}')), _mm_cmpeq_epi8(v, set(']'))));
    __m128i below_space = _mm_cmpeq_epi8(_mm_max_epu8(v, set(0x1f)), set(0x1f));  // v <= 0x1f
    __m128i space =
        _mm_or_si128(_mm_cmpeq_epi8(v, set('\t')),
                     _mm_or_si128(_mm_cmpeq_epi8(v, set('\n')), _mm_cmpeq_epi8(v, set('\r'))));
    masks.quote |= bits(_mm_cmpeq_epi8(v, set('"')), lane);
    masks.backslash |= bits(_mm_cmpeq_epi8(v, set('\\')), lane);
    masks.comma |= bits(_mm_cmpeq_epi8(v, set(',')), lane);
    masks.bracket_or_control |=
        bits(_mm_or_si128(brackets, _mm_andnot_si128(space, below_space)), lane);
  }
  return masks;
}
#else
BlockMasks classify_block(const char* block) {
  BlockMasks masks;
  for (size_t i = 0; i < 64; ++i) {
    uint64_t bit = uint64_t{1} << i;
    char c = block[i];
    if (c == '\\') masks.backslash |= bit;
    ByteClass byte_class = kOutsideString[static_cast<unsigned char>(c)];
    if (byte_class == kQuote) masks.quote |= bit;
    if (byte_class == kComma) masks.comma |= bit;
    if (byte_class == kOpen || byte_class == kClose || byte_class == kControl) {
      masks.bracket_or_control |= bit;
    }
  }
  return masks;
}
#endif

// Bit i set when an odd number of bits at or below i are set in `bits`: with the quote bits,
// the bytes from an opening quote up to (not including) its closing quote.
constexpr uint64_t prefix_xor(uint64_t bits) {
  for (int shift = 1; shift < 64; shift *= 2) bits ^= bits << shift;
  return bits;
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
  if (c == '\0') {
    ended_inside_ = true;
    return invalid("the text ends where a value should be", offset());
  }
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
      ended_inside_ = true;
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
      // A batch that starts or ends at a separator must hold an element: "[1, ]", "[1, ,2]"
      // and "[,1]" cut at their commas would otherwise read as valid arrays. Only "[]", the
      // whole of an empty array, may be empty.
      if ((batch_from_separator_ || !last) &&
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
    if (!*more) return end_inside_array();
  }
}

// What follows the last batch (after its '[' or separator) is whole elements when the scan
// ended outside any string and nested value; they become the array's last batch.
Result<JsonStream::Piece> JsonStream::end_inside_array() {
  ended_inside_ = true;
  auto rest = buffer_.begin() + static_cast<ptrdiff_t>(begin_) + 1;
  auto text_end = buffer_.begin() + static_cast<ptrdiff_t>(end_);
  bool empty = std::all_of(rest, text_end, is_space);
  bool whole = scan_.depth == 1 && !scan_.in_string && !scan_.escaped;
  if (empty || !whole) {
    dropped_partial_element_ = !empty;
    return invalid("the text ends inside an array", offset());
  }
  buffer_[begin_] = '[';
  buffer_[end_] = ']';  // in the padding, after the text
  Piece batch = piece(begin_, end_ + 1, true);
  begin_ = end_;
  in_array_ = false;
  batch_from_separator_ = false;
  return batch;
}

Result<JsonStream::Scan> JsonStream::scan(bool in_array) {
  if (scan_.scalar) return scan_scalar();
  // The state in a local: the buffer's char* may alias the members, which would then be
  // reloaded at every byte.
  ScanState state = scan_;
  Step step = in_array ? scan_blocks(state) : scan_bytes(state, end_, false);
  scan_ = state;
  if (step == Step::kControl) {
    return invalid(control_character(buffer_[state.pos]), base_ + state.pos);
  }
  return step == Step::kEnd ? Scan::kEnd : Scan::kMore;
}

// An array's elements, 64 bytes at a time: with no backslash in a block, its strings are where
// an odd number of quotes precede (a prefix XOR of the quote bits), and only the brackets and
// control characters outside them are visited, one set bit at a time; of the commas between
// two brackets only the last matters, and only at depth 1. A block with
// a backslash, or after one that ended on an escape, goes byte by byte.
JsonStream::Step JsonStream::scan_blocks(ScanState& state) {
  static_assert(kBlock == 64 && kBlock <= kPadding, "a block is one bit per byte of a uint64_t");
  const char* text = buffer_.data();
  while (state.pos < end_) {
    size_t at = state.pos;
    size_t length = std::min<size_t>(kBlock, end_ - at);
    uint64_t valid = length == kBlock ? ~uint64_t{0} : (uint64_t{1} << length) - 1;
    BlockMasks masks = classify_block(text + at);  // reads into the padding at the end
    if (state.escaped || (masks.backslash & valid) != 0) {
      if (Step step = scan_bytes(state, at + length, true); step != Step::kMore) return step;
      continue;
    }
    uint64_t inside = prefix_xor(masks.quote) ^ (state.in_string ? ~uint64_t{0} : 0);
    uint64_t outside = ~inside & valid;
    uint64_t commas = masks.comma & outside;
    // Depth changes only at brackets: between two, the last comma counts when the depth is 1.
    auto take_last_comma = [&](uint64_t below) {
      if (state.depth == 1 && (commas & below) != 0) {
        state.last_separator = at + 63 - static_cast<size_t>(std::countl_zero(commas & below));
      }
      commas &= ~below;
    };
    for (uint64_t marks = masks.bracket_or_control & outside; marks != 0; marks &= marks - 1) {
      int bit = std::countr_zero(marks);
      size_t pos = at + static_cast<size_t>(bit);
      take_last_comma((uint64_t{1} << bit) - 1);
      if (Step step = bracket_or_control(state, pos); step != Step::kMore) return step;
    }
    take_last_comma(~uint64_t{0});
    state.in_string = ((inside >> (length - 1)) & 1) != 0;
    state.pos = at + length;
  }
  return Step::kMore;
}

// The bracket or control character outside a string at `pos`, for both scanners: kEnd when
// it closes the value or array being scanned (state.pos then just after it), kControl for a
// control character (state.pos at it), else kMore with the depth updated.
JsonStream::Step JsonStream::bracket_or_control(ScanState& state, size_t pos) const {
  switch (kOutsideString[static_cast<unsigned char>(buffer_[pos])]) {
    case kOpen:
      ++state.depth;
      return Step::kMore;
    case kClose:
      if (--state.depth != 0) return Step::kMore;
      state.pos = pos + 1;
      state.in_string = false;
      return Step::kEnd;
    default:  // kControl
      state.pos = pos;
      return Step::kControl;
  }
}

// Byte by byte up to `limit` (or a little past it, to the next byte that matters; never past
// end_): strings are skipped eight bytes at a time to their next quote or backslash, the bytes
// between them classified through a table.
JsonStream::Step JsonStream::scan_bytes(ScanState& state, size_t limit, bool in_array) {
  const char* text = buffer_.data();
  size_t pos = state.pos;
  if (state.escaped && pos < end_) {
    ++pos;
    state.escaped = false;
  }
  // The sentinel '"' at end_ stops both inner loops without a bounds check.
  while (pos < limit) {
    if (state.in_string) {
      pos = next_quote_or_backslash(text, pos);
      if (pos >= end_) break;
      if (text[pos] == '\\') {
        pos += 2;
        if (pos > end_) {
          pos = end_;
          state.escaped = true;
        }
        continue;
      }
      state.in_string = false;
      ++pos;
      if (state.depth == 0) {  // a string value ends
        state.pos = pos;
        return Step::kEnd;
      }
      continue;
    }
    while (kOutsideString[static_cast<unsigned char>(text[pos])] == kPlain) ++pos;
    if (pos >= end_) break;
    ByteClass byte_class = kOutsideString[static_cast<unsigned char>(text[pos])];
    if (byte_class == kQuote) {
      state.in_string = true;
    } else if (byte_class == kComma) {
      if (in_array && state.depth == 1) state.last_separator = pos;
    } else if (Step step = bracket_or_control(state, pos); step != Step::kMore) {
      return step;
    }
    ++pos;
  }
  state.pos = std::min(pos, end_);
  return Step::kMore;
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
