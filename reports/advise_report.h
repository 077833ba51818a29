// `daydream advise`: which optimization to try first, ranked from one trace. The command
// (cli/advise_command.cc) runs every what-if that can apply to the trace, with the parameter
// values that matter for it and the combinations that make sense, each on a copy of the same
// loaded graph; this file ranks what came back and renders it: a terminal table a person reads
// in ten seconds, JSON for scripts, and the rows the HTML page (html/advise_page.h) draws.
// Every row is what `daydream whatif TRACE --apply ...` with the row's applies prints.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "reports/replay_trust.h"
#include "reports/text_table.h"

namespace dd {

// One candidate: one or several models applied in order.
struct AdviceRow {
  std::vector<std::string> applies;  // the --apply texts, in order
  bool gpu_change = false;           // the candidate moves the run to another GPU
  bool tried = true;                 // advise ran it (false: it needs what advise cannot guess)
  bool applicable = true;            // every model could apply
  bool timed = true;                 // the rewritten run could run (e.g. fits in memory)
  std::string reason;                // why not applicable or not timed
  std::string how_to_apply;          // what to record or pass so that it applies
  TimeNs predicted = 0;              // steady-state iteration time
  double speedup = 0;                // replayed / predicted
  std::string changes;               // what it changes on the critical path, in words
  std::string confidence;            // how far to trust it, in words
  // "checked": the replay holds and every model is checked against measurements;
  // "unchecked": the replay holds, a model is not checked yet; "LOW": the replay misses, or a
  // model gave a caution (ModelOutcome::caution).
  std::string confidence_level;
  std::string memory;                // memory fit on the GPU it runs on

  std::string label() const;  // "amp:dtype=fp16 + cuda-graphs"
};

struct Advice {
  std::string trace;
  std::string gpu;       // the GPU the trace ran on, as the device table names it ("" unknown)
  TimeNs measured = 0;   // steady-state iteration times of the run and of its replay
  TimeNs replayed = 0;
  std::string scope;
  ReplayTrust trust;
  std::vector<AdviceRow> rows;  // every candidate, as it came back
  std::map<std::string, double> prices;  // $ per GPU-hour, by device-table name (--price)
  std::optional<double> budget;          // $ per 1000 iterations at most (--budget)
};

// The timed, applicable rows fastest first (ties: fewer models, then label); the others after,
// in the order they came.
std::vector<const AdviceRow*> ranked_rows(const Advice& advice);
// $ per 1000 iterations of a run taking `iteration` per iteration on one GPU at `per_hour`.
double cost_per_1000_iterations(TimeNs iteration, double per_hour);
// The price of the GPU a row runs on (its target for a GPU change, else the trace's GPU); none
// for a row that spreads the run over several GPUs (data or pipeline parallelism), whose cost
// per iteration a price per GPU-hour does not give.
std::optional<double> row_price(const Advice& advice, const AdviceRow& row);

// The GPU sweep: the trace's GPU and each single `gpu:target` row, with iteration, speedup,
// memory fit and cost; no rows when --gpus named none.
ReportTable gpu_sweep_table(const Advice& advice);

void print_advice_text(const Advice& advice, size_t top, std::ostream& out);
void print_advice_json(const Advice& advice, std::ostream& out);

}  // namespace dd
