// The content of a diff report as titled tables of text cells and summary lines, built once
// from a DiffResult so that the text and Markdown renderings (diff_report.cc) show the same
// thing and differ only in layout.
#pragma once

#include <string>
#include <vector>

#include "reports/diff_metrics.h"
#include "reports/text_table.h"

namespace dd {

// "REGRESSED", "improved", "no change", "no significant change (within noise)", ...
std::string diff_verdict(const DiffResult& r);
// The iteration times, change, noise band, threshold and critical path, one line each.
std::vector<std::string> diff_summary_lines(const DiffResult& r);
// "PASS name: message" / "FAIL name: message", one per check.
std::vector<std::string> diff_check_lines(const DiffResult& r);
// The trust warnings of the two replays the explanation builds on (none when both hold).
std::vector<std::string> diff_trust_lines(const DiffResult& r);
// Contributors, phases, kernel classes, kernels, added/removed kernels, layers.
std::vector<ReportTable> diff_tables(const DiffResult& r);

}  // namespace dd
