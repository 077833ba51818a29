// Output files are written safely: to a temporary file beside the target, renamed into place
// only when complete, and never over one of the command's input traces.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "collector/result.h"

namespace dd::cli {

// Calls `write(temporary_path)`; on success renames the temporary file to `path`, on failure
// removes it. Refuses when `path` names one of `inputs` or a directory.
Result<void> write_output_file(const std::string& path, const std::vector<std::string>& inputs,
                               const std::function<Result<void>(const std::string&)>& write);

}  // namespace dd::cli
