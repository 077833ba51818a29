// Writing --html reports (see html_output.h).
#include "cli/html_output.h"

#include <fstream>

#include "cli/safe_output.h"

namespace dd::cli {

void add_html_option(CLI::App& command, std::string& path) {
  command.add_option("--html", path,
                     "Also write the report as one self-contained HTML page with charts");
}

Result<void> write_html_report(const std::string& path, const std::vector<std::string>& inputs,
                               const std::function<void(std::ostream&)>& render) {
  if (path.empty()) return {};
  return write_output_file(path, inputs, [&](const std::string& temporary) -> Result<void> {
    std::ofstream file(temporary, std::ios::binary);
    if (!file) return io_error(path + ": cannot be opened for writing");
    render(file);
    file.flush();
    if (!file) return io_error(path + ": write failed");
    return {};
  });
}

std::string html_source_line(const std::vector<std::string>& traces) {
  std::string line = traces.size() == 1 ? "trace: " : "traces: ";
  for (size_t i = 0; i < traces.size(); ++i) line += (i == 0 ? "" : ", ") + traces[i];
  return line;
}

}  // namespace dd::cli
