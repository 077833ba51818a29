// Temporary-file-and-rename output writing (see safe_output.h).
#include "cli/safe_output.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

namespace dd::cli {

namespace fs = std::filesystem;

namespace {

// Why `path` may not be written, or "" if it may.
std::string refusal(const std::string& path, const std::vector<std::string>& inputs) {
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (fs::is_directory(status)) return "output path is a directory";
  if (!fs::exists(status)) return "";
  if (!fs::is_regular_file(status)) {
    return "output path exists and is not a regular file (a device or pipe is never replaced)";
  }
  for (const std::string& input : inputs) {
    if (fs::equivalent(path, input, ec)) return "refusing to overwrite an input trace";
  }
  return "";
}

// The temporary file beside `target`: same directory (so the rename is atomic), hidden, and
// named after the process so that concurrent runs do not collide.
fs::path temporary_beside(const fs::path& target) {
  fs::path name = "." + target.filename().string() + ".daydream-tmp-" + std::to_string(::getpid());
  return target.parent_path() / name;
}

// The writer names the file it was given; the user knows only the output path.
Error naming_output(Error error, const std::string& temporary, const std::string& path) {
  for (size_t at = error.message.find(temporary); at != std::string::npos;
       at = error.message.find(temporary, at + path.size())) {
    error.message.replace(at, temporary.size(), path);
  }
  if (!error.message.starts_with(path)) error.message = path + ": " + error.message;
  return error;
}

// Flushes the written file to disk, so that a crash after the rename cannot leave an empty or
// partial file under the output's name.
bool sync_file(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  return synced;
}

}  // namespace

Result<void> write_output_file(const std::string& path, const std::vector<std::string>& inputs,
                               const std::function<Result<void>(const std::string&)>& write) {
  if (std::string why = refusal(path, inputs); !why.empty()) return usage_error(path + ": " + why);
  fs::path target(path);
  fs::path temporary = temporary_beside(target);
  std::error_code ec;
  fs::remove(temporary, ec);
  auto written = write(temporary.string());
  if (written && !sync_file(temporary)) {
    written = io_error(path + ": cannot write output (flushing it to disk failed)");
  }
  if (!written) {
    fs::remove(temporary, ec);
    return std::unexpected(naming_output(written.error(), temporary.string(), path));
  }
  fs::rename(temporary, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    return io_error(path + ": cannot write output (" + ec.message() + ")");
  }
  return {};
}

}  // namespace dd::cli
