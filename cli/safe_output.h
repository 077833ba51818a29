// Output files are written safely: to a hidden temporary file beside the target, flushed to
// disk and renamed into place only when complete (a failure leaves the previous file, if any,
// untouched and no partial file behind), never over one of the command's input traces, and
// never over something that is not a regular file (as root, `-o /dev/null` would otherwise
// replace the device).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "collector/trace/result.h"

namespace dd::cli {

// Calls `write(temporary_path)`; on success renames the temporary file to `path`, on failure
// removes it and returns the writer's error with the temporary path replaced by `path`.
// Refuses (a usage error) when `path` names one of `inputs`, a directory or another
// non-regular file.
Result<void> write_output_file(const std::string& path, const std::vector<std::string>& inputs,
                               const std::function<Result<void>(const std::string&)>& write);

}  // namespace dd::cli
