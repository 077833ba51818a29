// Result<T>: the value-or-error type for expected failures (bad input, missing file).
// Errors carry one human-readable line; the CLI prints it and maps it to an exit code.
#pragma once

#include <expected>
#include <string>

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

}  // namespace dd
