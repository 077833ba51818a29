// Temporary-file-and-rename output writing (see safe_output.h).
#include "cli/safe_output.h"

#include <filesystem>
#include <unistd.h>

namespace dd::cli {

namespace fs = std::filesystem;

Result<void> write_output_file(const std::string& path, const std::vector<std::string>& inputs,
                               const std::function<Result<void>(const std::string&)>& write) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return usage_error(path + ": output path is a directory");
  for (const std::string& input : inputs) {
    if (fs::exists(path, ec) && fs::equivalent(path, input, ec)) {
      return usage_error(path + ": refusing to overwrite an input trace");
    }
  }
  fs::path target(path);
  fs::path temporary = target;
  temporary += ".tmp-" + std::to_string(::getpid());
  fs::remove(temporary, ec);
  auto written = write(temporary.string());
  if (!written) {
    fs::remove(temporary, ec);
    return written;
  }
  fs::rename(temporary, target, ec);
  if (ec) {
    fs::remove(temporary, ec);
    return io_error(path + ": cannot write output (" + ec.message() + ")");
  }
  return {};
}

}  // namespace dd::cli
