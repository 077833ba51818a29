// Appending one Trace to another: how several files that each load into a Trace of their own
// (SQLite traces: nsys exports, daydream recordings) become one job, one set of processes per
// file. Names are re-interned in the job's string pool and row references shifted past the
// job's rows; metadata keeps the first file's value of a key; diagnostics (counts and notes)
// add up. Range nesting and iterations are derived afresh by finish_trace() after the merge.
#pragma once

#include "collector/trace/trace.h"

namespace dd {

void append_trace(Trace& job, const Trace& part);

}  // namespace dd
