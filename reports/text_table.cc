// TextTable layout and the number formatting helpers of the text reports.
#include "reports/text_table.h"

#include <algorithm>
#include <cstdio>

namespace dd {

void TextTable::print(std::ostream& out, const std::string& indent) const {
  std::vector<size_t> widths(header_.size(), 0);
  auto widen = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  };
  widen(header_);
  for (const auto& row : rows_) widen(row);
  auto print_row = [&](const std::vector<std::string>& row) {
    out << indent;
    for (size_t i = 0; i < widths.size(); ++i) {
      const std::string cell = i < row.size() ? row[i] : std::string();
      std::string pad(widths[i] - cell.size(), ' ');
      if (i == 0) {
        out << cell << pad;
      } else {
        out << "  " << pad << cell;
      }
    }
    out << '\n';
  };
  print_row(header_);
  for (const auto& row : rows_) print_row(row);
}

std::string format_fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  return buffer;
}

std::string format_ms(int64_t ns, int decimals) {
  return format_fixed(static_cast<double>(ns) / 1e6, decimals);
}

std::string format_signed_ms(int64_t ns) {
  constexpr int64_t kHalfMicrosecond = 500;
  if (ns > -kHalfMicrosecond && ns < kHalfMicrosecond) return format_ms(0);
  return (ns > 0 ? "+" : "") + format_ms(ns);
}

std::string format_count(uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string format_bytes(double bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024.0 && unit < 4) {
    bytes /= 1024.0;
    ++unit;
  }
  return format_fixed(bytes, unit == 0 ? 0 : 1) + " " + kUnits[unit];
}

std::string format_percent(double fraction, int decimals) {
  return format_fixed(fraction * 100.0, decimals) + "%";
}

std::string shorten(const std::string& text, size_t max_length) {
  if (text.size() <= max_length) return text;
  return text.substr(0, max_length - 3) + "...";
}

}  // namespace dd
