// Result<T>: the value-or-error type for expected failures (bad input, missing file).
// Errors carry one human-readable line; the CLI prints it and maps it to an exit code.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace dd {

enum class ErrorKind { kUsage, kBadInput, kIo };

struct Error {
  ErrorKind kind = ErrorKind::kBadInput;
  std::string message;  // one line, names the file and the problem
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> bad_input(std::string message) {
  return std::unexpected(Error{ErrorKind::kBadInput, std::move(message)});
}
inline std::unexpected<Error> usage_error(std::string message) {
  return std::unexpected(Error{ErrorKind::kUsage, std::move(message)});
}
inline std::unexpected<Error> io_error(std::string message) {
  return std::unexpected(Error{ErrorKind::kIo, std::move(message)});
}

// `text` as part of a one-line message: control characters as \xNN, cut after `max_length`
// bytes with "...". For text taken from a file (a key, SQLite's quote of a corrupt schema).
inline std::string one_line(std::string_view text, size_t max_length = 200) {
  std::string line;
  for (char c : text.substr(0, max_length)) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      constexpr char kHex[] = "0123456789abcdef";
      line += std::string("\\x") + kHex[byte >> 4] + kHex[byte & 15];
    } else {
      line += c;
    }
  }
  if (text.size() > max_length) line += "...";
  return line;
}

}  // namespace dd
