// Reads daydream SQLite traces and `nsys export --type sqlite` files into a Trace. It is the
// format contract: columns are read by name, enums resolved through ENUM_* tables by name,
// missing tables and optional columns are tolerated and counted in diagnostics.
#pragma once

#include <string>

#include "collector/trace/result.h"
#include "collector/trace/trace.h"

namespace dd {

Result<Trace> read_sqlite_trace(const std::string& path);

}  // namespace dd
