// HtmlDocument implementation: the page skeleton, its one inline style sheet, and escaping.
#include "reports/html/html_document.h"

namespace dd::html {

namespace {

constexpr std::string_view kStyle = R"(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       margin: 24px auto; max-width: 1280px; padding: 0 16px; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.subtitle { color: #555; margin: 0 0 16px; word-break: break-all; }
.note { color: #666; font-size: 12.5px; margin: 4px 0 8px; }
.warning { border: 2px solid #c0392b; background: #fdecea; padding: 6px 10px; margin: 8px 0; }
.warning p { margin: 2px 0; }
.summary { display: grid; grid-template-columns: max-content auto; gap: 3px 18px; margin: 8px 0; }
.summary dt { color: #555; } .summary dd { margin: 0; font-weight: 600; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.name { max-width: 760px; word-break: break-all; }
svg { display: block; max-width: 100%; height: auto; margin: 6px 0 12px; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: #333; }
svg .title { font-size: 13px; font-weight: 600; }
svg .axis { fill: #777; font-size: 11px; }
)";

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

Document::Document(std::string_view title, std::string_view subtitle) : title_(title) {
  body_ += "<h1>" + escape(title) + "</h1>\n";
  body_ += "<p class=\"subtitle\">" + escape(subtitle) + "</p>\n";
}

void Document::heading(std::string_view text) {
  body_ += "<h2>" + escape(text) + "</h2>\n";
}

void Document::paragraph(std::string_view text) {
  body_ += "<p>" + escape(text) + "</p>\n";
}

void Document::warning(const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  body_ += "<div class=\"warning\">";
  for (size_t i = 0; i < lines.size(); ++i) {
    body_ += i == 0 ? "<p><strong>" + escape(lines[i]) + "</strong></p>" : "<p>" + escape(lines[i]) + "</p>";
  }
  body_ += "</div>\n";
}

void Document::note(std::string_view text) {
  body_ += "<p class=\"note\">" + escape(text) + "</p>\n";
}

void Document::summary(const std::vector<std::pair<std::string, std::string>>& items) {
  body_ += "<dl class=\"summary\">\n";
  for (const auto& [label, value] : items) {
    body_ += "<dt>" + escape(label) + "</dt><dd>" + escape(value) + "</dd>\n";
  }
  body_ += "</dl>\n";
}

void Document::table(const std::vector<std::string>& header,
                     const std::vector<std::vector<std::string>>& rows, size_t numeric_from) {
  auto cell_class = [&](size_t column) {
    return column >= numeric_from ? std::string_view(" class=\"num\"")
                                  : std::string_view(" class=\"name\"");
  };
  body_ += "<table>\n<thead><tr>";
  for (size_t c = 0; c < header.size(); ++c) {
    body_ += "<th";
    body_ += c >= numeric_from ? " class=\"num\"" : "";
    body_ += ">" + escape(header[c]) + "</th>";
  }
  body_ += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    body_ += "<tr>";
    for (size_t c = 0; c < row.size(); ++c) {
      body_ += "<td";
      body_ += cell_class(c);
      body_ += ">" + escape(row[c]) + "</td>";
    }
    body_ += "</tr>\n";
  }
  body_ += "</tbody>\n</table>\n";
}

void Document::raw(std::string_view markup) {
  body_ += markup;
  body_ += "\n";
}

std::string Document::str() const {
  std::string page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  page += "<title>" + escape(title_) + "</title>\n<style>" + std::string(kStyle) + "</style>\n";
  page += "</head>\n<body>\n" + body_ + "</body>\n</html>\n";
  return page;
}

}  // namespace dd::html
