// HtmlDocument: builds one self-contained HTML report page — inline CSS, inline SVG charts
// (svg_charts.h), no scripts, no fonts or images from the network — so the file can be mailed,
// attached to a CI run or opened offline. Every text that may come from a trace (kernel, op,
// layer and file names contain <, >, &) goes through html_escape(); only markup produced by
// this library is added unescaped, through raw().
//
// Used by the per-command pages (breakdown_page.h, whatif_page.h); a new command's page is a
// function that fills a document with headings, summary lines, charts and tables.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dd::html {

// Text as HTML character data or attribute value: & < > " ' replaced by entities.
std::string escape(std::string_view text);

class Document {
 public:
  // `title` names the page (tab title and top heading); `subtitle`: one line under it.
  Document(std::string_view title, std::string_view subtitle);

  void heading(std::string_view text);      // a section heading (h2)
  void paragraph(std::string_view text);    // escaped text
  void note(std::string_view text);         // escaped text, smaller and grey
  void warning(const std::vector<std::string>& lines);  // a boxed warning; nothing if empty
  // Label/value pairs shown as a compact summary grid (both escaped).
  void summary(const std::vector<std::pair<std::string, std::string>>& items);
  // A table; `numeric_from`: columns from this index on are right-aligned numbers.
  void table(const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows, size_t numeric_from = 1);
  // Markup produced by this library (charts); never text from a trace.
  void raw(std::string_view markup);

  // The whole page.
  std::string str() const;
  void write(std::ostream& out) const { out << str(); }

 private:
  std::string title_;
  std::string body_;
};

}  // namespace dd::html
