// Writes a Trace as a daydream SQLite trace (see sqlite_schema.h).
#pragma once

#include <string>

#include "collector/trace/result.h"
#include "collector/trace/trace.h"

namespace dd {

Result<void> write_sqlite_trace(const Trace& trace, const std::string& path);

}  // namespace dd
