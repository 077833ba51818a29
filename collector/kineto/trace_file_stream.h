// Reads a trace file front to back in pieces, inflating it on the way when it is
// gzip-compressed (recognised by its magic bytes, not its name), so that an importer holds a
// window of the text rather than the whole file (json_stream.h). Errors name the file: missing,
// not a regular file, unreadable, empty. Gzip data cut short or corrupt ends the text where it
// is damaged (damage() says how), so a reader can keep what came before.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "collector/trace/progress.h"
#include "collector/trace/result.h"

namespace dd {

class TraceFileStream {
 public:
  // Reports the bytes of the file on disk consumed so far to `progress` when given, as the
  // stage "reading <path>".
  explicit TraceFileStream(std::string path, Progress* progress = nullptr);
  ~TraceFileStream();
  TraceFileStream(const TraceFileStream&) = delete;
  TraceFileStream& operator=(const TraceFileStream&) = delete;

  // Opens the file and tells plain text from gzip; must succeed before read().
  Result<void> open();
  // Fills up to `size` bytes of text at `out` and says how many; 0 only at the end of the
  // text. An empty text is an error, and so is gzip data damaged before any text.
  Result<size_t> read(char* out, size_t size);

  const std::string& path() const { return path_; }
  // Why the text ended early ("truncated gzip data ..."); empty when it did not.
  const std::string& damage() const { return damage_; }

 private:
  struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };

  Result<size_t> inflate_some(char* out, size_t size);
  // Replaces the chunk in `raw_` with the next one of the file; false at the end of the file.
  Result<bool> refill_raw();
  // Reads up to `size` bytes of the file, counting them for progress; 0 at its end.
  Result<size_t> read_file(char* to, size_t size);
  Result<size_t> end_of_text();
  Result<size_t> damaged(std::string what, size_t produced);

  std::string path_;
  Progress* progress_sink_;
  std::optional<ProgressStage> progress_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  uint64_t file_bytes_read_ = 0;
  uint64_t text_bytes_ = 0;
  bool gzip_ = false;
  bool finished_ = false;
  std::string damage_;
  // The chunk of the file being used, [raw_pos_, raw_end_): compressed bytes still to inflate,
  // or for a plain file the first chunk's text.
  std::vector<char> raw_;
  size_t raw_pos_ = 0;
  size_t raw_end_ = 0;
  // gzip only: zlib's state, which must not move.
  std::unique_ptr<z_stream> zlib_;
  bool member_ended_ = false;  // the last gzip member ended; another may follow
};

}  // namespace dd
