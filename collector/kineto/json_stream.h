// A forward-only window over the JSON text of a TraceFileStream, for an importer that walks the
// top level of one large document itself and hands its parts to simdjson one at a time: single
// values (a key, a metadata object), and the elements of a large array in batches, each batch
// rewritten in place into an array of its own ("[e1,...,ek]"). Memory is one window (1 MiB by
// default) or, when a single value is larger, that value; never the whole file.
//
// The scanner follows only strings, nesting and separators, and rejects control characters
// outside strings; simdjson checks everything else when it parses the pieces. Pieces are
// followed in memory by simdjson::SIMDJSON_PADDING readable bytes, as simdjson requires.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "collector/kineto/trace_file_stream.h"
#include "collector/trace/result.h"

namespace dd {

class JsonStream {
 public:
  static constexpr size_t kDefaultWindow = size_t{1} << 20;
  // No trace event or metadata value is this large; a larger one is refused, not buffered.
  static constexpr size_t kDefaultMaxPiece = size_t{1} << 30;

  // A part of the text: valid until the next call on the stream.
  struct Piece {
    std::string_view text;
    uint64_t offset = 0;  // of text[0] in the whole text
    bool last = false;    // array_batch(): this batch ends the array
  };

  // `window`: the text held at once (tests use tiny ones to cross every boundary).
  explicit JsonStream(TraceFileStream& source, size_t window = kDefaultWindow,
                      size_t max_piece = kDefaultMaxPiece);

  // The next character that is not JSON whitespace, left unread; 0 at the end of the text.
  Result<char> peek();
  // Consumes the character peek() just returned (which was not 0).
  void consume() { ++begin_; }
  // Consumes the value that starts at the next non-whitespace character and returns its text.
  Result<Piece> value();
  // With peek() at an array's '[': consumes the array a batch of whole elements at a time.
  // Each batch is returned as the text of a JSON array ("[", the elements with their commas,
  // "]"), made by overwriting the separators around it; empty arrays give one batch "[]".
  // After the batch marked `last`, the stream continues after the array's ']'.
  Result<Piece> array_batch();

  // Text offset of the next unread character.
  uint64_t offset() const { return base_ + begin_; }
  // A truncated text: value() or array_batch() met the end of the text where a value should be
  // or inside what it was reading. array_batch() then returns the whole elements after its last batch as a final
  // batch, and `dropped_partial_element` says whether an incomplete one followed them.
  bool ended_inside() const { return ended_inside_; }
  bool dropped_partial_element() const { return dropped_partial_element_; }
  // Bytes of text read so far: the text's length once ended_inside() is true.
  uint64_t text_read() const { return base_ + end_; }
  // "<path>: invalid JSON: <what> (near byte <offset>)".
  std::unexpected<Error> invalid(std::string_view what, uint64_t offset) const;

 private:
  enum class Scan { kMore, kEnd };
  // Advances scan_ over the window: kEnd when the value being scanned (depth 0) or the array
  // (depth 1 -> 0) ends at scan_.pos, kMore when the window ran out first.
  Result<Scan> scan(bool in_array);
  Result<Scan> scan_scalar();
  struct ScanState;
  enum class Step { kMore, kEnd, kControl };  // kControl: a control character at state.pos
  Step scan_blocks(ScanState& state);
  Step scan_bytes(ScanState& state, size_t limit, bool in_array);
  Step bracket_or_control(ScanState& state, size_t pos) const;
  // Keeps [begin_, end_), moving it to the front of the window, and appends more text, growing
  // the window when it is full; false at the end of the text. Puts a sentinel '"' at end_.
  Result<bool> read_more();
  Piece piece(size_t from, size_t to, bool last);
  // array_batch() at the end of a text that ends inside the array.
  Result<Piece> end_inside_array();

  struct ScanState {
    size_t pos = 0;                        // next index to look at
    uint64_t depth = 0;                    // open objects and arrays
    bool in_string = false;                // pos is inside a string
    bool escaped = false;                  // in_string, and the window ended on a backslash
    bool scalar = false;                   // scanning a number or literal: ends at a delimiter
    size_t last_separator = kNoSeparator;  // array_batch(): last ',' between elements
  };
  static constexpr size_t kNoSeparator = static_cast<size_t>(-1);
  static constexpr size_t kBlock = 64;  // bytes per step of scan_blocks; <= the padding

  TraceFileStream& source_;
  size_t max_piece_;
  std::vector<char> buffer_;  // window + padding
  size_t window_;
  size_t begin_ = 0;   // first unread character
  size_t end_ = 0;     // end of the text in the window
  uint64_t base_ = 0;  // text offset of buffer_[0]
  bool at_end_ = false;
  bool in_array_ = false;  // array_batch() has begun an array and not yet returned its last batch
  bool batch_from_separator_ = false;  // the next batch starts at a ',' (not the '[')
  bool ended_inside_ = false;
  bool dropped_partial_element_ = false;
  ScanState scan_;
};

}  // namespace dd
