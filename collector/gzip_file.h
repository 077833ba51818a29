// Reads a whole trace file into memory, inflating it when it is gzip-compressed (recognised by
// its magic bytes, not its name), so that the Kineto importer can hand one contiguous buffer to
// simdjson. The buffer carries extra zeroed padding after the text because simdjson reads a
// little past the end of its input. Errors name the file: missing, not a regular file,
// unreadable, empty, corrupt or truncated gzip data, or larger than the caller can parse.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "collector/progress.h"
#include "collector/result.h"

namespace dd {

struct FileText {
  std::vector<char> buffer;  // size() text bytes followed by the requested padding
  size_t size = 0;
  std::string_view text() const { return {buffer.data(), size}; }
};

// `max_size`: the most text bytes (after decompression) the caller can use; a larger file fails
// before it is read whole (a plain file) or as soon as inflating passes it (gzip). Reports
// reading and inflating, in bytes of the file on disk, to `progress` when given.
Result<FileText> read_maybe_gzip_file(const std::string& path, size_t padding, size_t max_size,
                                      Progress* progress = nullptr);

}  // namespace dd
