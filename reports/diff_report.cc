// Text and Markdown renderings of a DiffResult (`daydream diff`): the same summary lines and
// tables (diff_tables.h), laid out for a terminal or for a pull-request comment.
#include "reports/diff_report.h"

#include <string_view>

#include "reports/diff_tables.h"
#include "reports/text_table.h"

namespace dd {

namespace {

// Markdown text: pipes escaped so that kernel names cannot break a table, angle brackets as
// entities so that C++ template names are not taken for HTML.
std::string markdown_cell(std::string_view text) {
  std::string cell;
  for (char c : text) {
    if (c == '<') {
      cell += "&lt;";
    } else if (c == '>') {
      cell += "&gt;";
    } else {
      if (c == '|') cell += '\\';
      cell += c;
    }
  }
  return cell;
}

void print_markdown_table(const ReportTable& table, std::ostream& out) {
  auto row = [&](const std::vector<std::string>& cells) {
    out << "|";
    for (size_t i = 0; i < table.header.size(); ++i) {
      out << " " << markdown_cell(i < cells.size() ? cells[i] : std::string()) << " |";
    }
    out << "\n";
  };
  row(table.header);
  out << "|";
  for (size_t i = 0; i < table.header.size(); ++i) out << (i == 0 ? " --- |" : " ---: |");
  out << "\n";
  for (const auto& cells : table.rows) row(cells);
}

}  // namespace

void print_diff_text(const DiffResult& result, std::ostream& out) {
  out << "daydream diff: " << result.base_name << " -> " << result.new_name << "\n"
      << "Iteration time (measured, steady state: median of the later half of the "
         "iterations): "
      << diff_verdict(result) << "\n";
  for (const std::string& line : diff_summary_lines(result)) out << "  " << line << "\n";
  for (const std::string& line : diff_trust_lines(result)) out << "  " << line << "\n";
  out << "\nChecks (the exit status follows the iteration-time check only)\n";
  for (const std::string& line : diff_check_lines(result)) out << "  " << line << "\n";
  for (const ReportTable& table : diff_tables(result)) {
    TextTable text(table.header);
    for (const auto& row : table.rows) text.add_row(row);
    out << "\n" << table.title << "\n";
    text.print(out);
  }
}

void print_diff_markdown(const DiffResult& result, std::ostream& out) {
  out << "### daydream diff: " << diff_verdict(result) << "\n\n"
      << "`" << markdown_cell(result.base_name) << "` → `" << markdown_cell(result.new_name)
      << "`: iteration time (measured, steady-state median) **" << format_ms(result.base.median)
      << " ms → " << format_ms(result.next.median) << " ms**, " << format_signed_ms(result.change)
      << " ms (" << format_fixed(result.change_pct, 2) << "%).\n\n";
  for (const std::string& line : diff_summary_lines(result)) out << "- " << line << "\n";
  for (const std::string& line : diff_trust_lines(result)) out << "- **" << line << "**\n";
  out << "\n**Checks** (the exit status follows the iteration-time check only)\n\n";
  for (const std::string& line : diff_check_lines(result)) out << "- " << line << "\n";
  for (const ReportTable& table : diff_tables(result)) {
    out << "\n**" << table.title << "**\n\n";
    print_markdown_table(table, out);
  }
}

}  // namespace dd
