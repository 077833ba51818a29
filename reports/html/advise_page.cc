// The advise HTML page (see advise_page.h).
#include "reports/html/advise_page.h"

#include "reports/html/html_document.h"
#include "reports/html/svg_charts.h"
#include "reports/text_table.h"

namespace dd::html {

namespace {

double ms_value(TimeNs ns) { return static_cast<double>(ns) / 1e6; }

void add_ranking(Document& page, const Advice& advice, size_t top) {
  BarChart bars{"Predicted iteration time (ms), fastest first", "ms", {{"iteration", "#4e79a7"}}, {}};
  bars.rows.push_back({"replay (as recorded)", {ms_value(advice.replayed)}});
  std::vector<std::vector<std::string>> table;
  size_t rank = 0;
  for (const AdviceRow* row : ranked_rows(advice)) {
    if (!row->applicable || !row->timed || rank == top) continue;
    ++rank;
    bars.rows.push_back({std::to_string(rank) + ". " + row->label(), {ms_value(row->predicted)}});
    std::optional<double> price = row_price(advice, *row);
    table.push_back({std::to_string(rank), row->label(), row->changes, row->confidence, row->memory,
                     format_ms(row->predicted), format_fixed(row->speedup, 2) + "x",
                     price ? "$" + format_fixed(cost_per_1000_iterations(row->predicted, *price), 3)
                           : "-"});
  }
  page.heading("Suggestions, ranked by predicted iteration time");
  page.note("Each row is what `daydream whatif TRACE --apply ...` with the row's models predicts; "
            "the speedup is against the replay of the unchanged run.");
  page.raw(svg_bar_chart(bars));
  page.table({"#", "optimization", "what changes", "confidence", "memory", "iteration ms",
              "speedup", "$ / 1000 iterations"},
             table, 5);
}

void add_not_ranked(Document& page, const Advice& advice) {
  std::vector<std::vector<std::string>> table;
  for (const AdviceRow* row : ranked_rows(advice)) {
    if (row->applicable && row->timed) continue;
    table.push_back({row->label(), row->reason, row->how_to_apply});
  }
  if (table.empty()) return;
  page.heading("Not ranked, and what would change that");
  page.table({"optimization", "why", "what would make it apply"}, table, 3);
}

}  // namespace

void write_advise_html(const Advice& advice, const std::optional<WhatIfTimelines>& top_suggestion,
                       size_t top, std::string_view source, std::ostream& out) {
  Document page("daydream advise", source);
  page.warning(trust_warning(advice.trust, "every prediction on this page"));
  page.summary({{"GPU", advice.gpu.empty() ? "not named in the trace" : advice.gpu},
                {"measured iteration", format_ms(advice.measured) + " ms"},
                {"replayed iteration", format_ms(advice.replayed) + " ms (" +
                                           format_fixed(advice.trust.error_pct, 2) + "% vs measured)"},
                {"iterations analysed", advice.scope}});
  add_ranking(page, advice, top);
  add_not_ranked(page, advice);
  if (ReportTable sweep = gpu_sweep_table(advice); !sweep.rows.empty()) {
    page.heading(sweep.title);
    page.table(sweep.header, sweep.rows);
  }
  if (top_suggestion) add_whatif_timelines(page, *top_suggestion);
  page.write(out);
}

}  // namespace dd::html
