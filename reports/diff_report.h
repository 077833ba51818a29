// `daydream diff`: renders a DiffResult (diff_metrics.h) for people and for CI — terminal
// text, Markdown for a pull-request comment, one JSON object, and JUnit XML with one test
// case per check. Text and Markdown show the same tables (diff_tables.h).
#pragma once

#include <ostream>

#include "reports/diff_metrics.h"

namespace dd {

void print_diff_text(const DiffResult& result, std::ostream& out);
void print_diff_markdown(const DiffResult& result, std::ostream& out);
void print_diff_json(const DiffResult& result, std::ostream& out);
void print_diff_junit(const DiffResult& result, std::ostream& out);

}  // namespace dd
