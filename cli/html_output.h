// The --html option of the report commands: writes a page through safe_output (temporary file
// and rename, never over an input trace). A command adds --html with add_html_option and, after
// computing its report, calls write_html_report with a function that renders the page (e.g.
// html::write_breakdown_html).
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "collector/trace/result.h"

namespace dd::cli {

void add_html_option(CLI::App& command, std::string& path);

// Does nothing when `path` is empty.
Result<void> write_html_report(const std::string& path, const std::vector<std::string>& inputs,
                               const std::function<void(std::ostream&)>& render);

// The trace file names as a page's subtitle.
std::string html_source_line(const std::vector<std::string>& traces);

}  // namespace dd::cli
