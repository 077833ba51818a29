// TextTable: aligned columns for terminal reports (first column left-aligned, the rest
// right-aligned), plus number formatting shared by every text report.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace dd {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void add_row(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& out, const std::string& indent = "  ") const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// A titled table of text cells, built once so that several renderings (text, Markdown, HTML)
// show the same thing.
struct ReportTable {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

std::string format_ms(int64_t ns, int decimals = 3);  // "95.697"
// A change in ms with its sign, "+1.234" / "-0.500"; below half a microsecond "0.000".
std::string format_signed_ms(int64_t ns);
std::string format_fixed(double value, int decimals);
std::string format_count(uint64_t value);            // "15,329"
std::string format_bytes(double bytes);              // "31.7 GiB"
std::string format_percent(double fraction, int decimals = 1);  // 0.123 -> "12.3%"
std::string shorten(const std::string& text, size_t max_length);

}  // namespace dd
