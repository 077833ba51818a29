// The job breakdown (see job_breakdown.h): per-rank breakdowns on rank views, the summary table
// and the collectives section, then the analysed rank's breakdown as for a single run.
#include "reports/job_breakdown.h"

#include <sstream>

#include "reports/breakdown_report.h"
#include "reports/json_writer.h"
#include "reports/rank_view.h"
#include "simulator/iteration_metrics.h"

namespace dd {

namespace {

// A rank's numbers as the summary shows them, per iteration.
struct RankLine {
  double iteration_ms = 0;
  double gpu_busy_pct = 0;
  double gpu_ms = 0;
  double communication_ms = 0;
  double cpu_ms = 0;
};

RankLine rank_line(const Breakdown& b) {
  PerIteration per(b);
  RankLine line;
  line.iteration_ms = static_cast<double>(b.steady_state) / 1e6;
  line.gpu_busy_pct = b.window_time > 0 ? 100.0 * static_cast<double>(b.gpu.all_streams.busy) /
                                              static_cast<double>(b.window_time)
                                        : 0;
  line.gpu_ms = per.ms_value(b.gpu_time);
  line.cpu_ms = per.ms_value(b.cpu_time);
  for (const BreakdownRow& row : b.kernel_classes) {
    if (row.name == kernel_class_name(KernelClass::kCommunication)) {
      line.communication_ms = per.ms_value(row.gpu_time);
    }
  }
  return line;
}

std::string ms_text(TimeNs time) {
  return format_ms(time);
}

void print_ranks_text(const JobBreakdown& job, std::ostream& out) {
  out << "Job of " << job.ranks.size()
      << " ranks: each rank on its own tasks and iterations, per iteration; the job's iteration "
         "is its slowest rank's\n";
  TextTable table({"rank", "iteration ms", "GPU busy", "GPU ms", "communication ms", "CPU ms",
                   "verdict"});
  for (size_t r = 0; r < job.ranks.size(); ++r) {
    const Breakdown& b = job.ranks[r].breakdown;
    RankLine line = rank_line(b);
    table.add_row({job.ranks[r].label + (r == job.slowest ? " (slowest)" : ""),
                   format_fixed(line.iteration_ms, 3), format_fixed(line.gpu_busy_pct, 1) + "%",
                   format_fixed(line.gpu_ms, 3), format_fixed(line.communication_ms, 3),
                   format_fixed(line.cpu_ms, 3), std::string(verdict_name(b.verdict))});
  }
  table.print(out);
}

void print_collectives_text(const CollectiveSummary& c, std::ostream& out) {
  if (c.collectives.empty()) {
    out << "\nCollectives across ranks: none matched (no communication kernels that every rank "
           "ran)\n";
    return;
  }
  out << "\nCollectives across ranks (measured, over the whole trace): " << c.collectives.size()
      << " matched by kernel name and order";
  if (c.unmatched > 0) out << "; " << c.unmatched << " run by some ranks only, left out";
  out << "\n  arrival skew (last rank's kernel start - first rank's): median " << ms_text(c.median_skew)
      << " ms, max " << ms_text(c.max_skew) << " ms\n"
      << "  the ranks' collective ends differ by a median " << ms_text(c.median_end_spread)
      << " ms: a skew below that may be the ranks' clocks disagreeing\n";
  TextTable ranks({"rank", "collective ms", "waiting for the others ms", "arrived last"});
  for (size_t r = 0; r < c.ranks.size(); ++r) {
    const RankCollectives& rank = c.per_rank[r];
    ranks.add_row({c.ranks[r], ms_text(rank.time), ms_text(rank.waiting),
                   format_count(rank.arrived_last) + " of " + format_count(c.collectives.size())});
  }
  ranks.print(out);
  out << "Largest arrival skews\n";
  TextTable skewed({"collective", "#", "skew ms", "last to arrive"});
  for (const CollectiveRow* row : most_skewed(c, kTopSkewedCollectives)) {
    skewed.add_row({shorten(row->name, 60), std::to_string(row->occurrence + 1), ms_text(row->skew),
                    c.ranks[row->last_rank]});
  }
  skewed.print(out);
}

void write_collectives_json(const CollectiveSummary& c, JsonWriter& json) {
  json.key("collectives").begin_object();
  json.field("matched", static_cast<uint64_t>(c.collectives.size()))
      .field("unmatched", c.unmatched)
      .field("median_skew_ms", static_cast<double>(c.median_skew) / 1e6)
      .field("max_skew_ms", static_cast<double>(c.max_skew) / 1e6)
      .field("median_end_spread_ms", static_cast<double>(c.median_end_spread) / 1e6);
  json.key("ranks").begin_array();
  for (size_t r = 0; r < c.ranks.size(); ++r) {
    json.begin_object()
        .field("label", c.ranks[r])
        .field("collective_ms", static_cast<double>(c.per_rank[r].time) / 1e6)
        .field("waiting_ms", static_cast<double>(c.per_rank[r].waiting) / 1e6)
        .field("arrived_last", c.per_rank[r].arrived_last)
        .end_object();
  }
  json.end_array();
  json.key("list").begin_array();
  for (const CollectiveRow& row : c.collectives) {
    json.begin_object()
        .field("name", row.name)
        .field("occurrence", static_cast<uint64_t>(row.occurrence))
        .field("skew_ms", static_cast<double>(row.skew) / 1e6)
        .field("end_spread_ms", static_cast<double>(row.end_spread) / 1e6)
        .field("last_rank", c.ranks[row.last_rank])
        .end_object();
  }
  json.end_array();
  json.end_object();
}

}  // namespace

Result<size_t> find_rank(const Graph& graph, const std::string& rank) {
  std::string known;
  for (size_t r = 0; r < graph.ranks.size(); ++r) {
    const std::string& label = graph.ranks[r].label;
    if (label == rank || label == "rank " + rank || label == "pid " + rank) return r;
    known += (known.empty() ? "" : ", ") + label;
  }
  return usage_error("--rank " + rank + ": no such rank in the job (ranks: " + known + ")");
}

size_t slowest_rank(const Graph& graph, const Timeline& timeline) {
  IterationTimes times = iteration_times(graph, timeline);
  size_t slowest = 0;
  for (size_t r = 0; r < times.ranks.size(); ++r) {
    if (times.ranks[r].steady_state > times.ranks[slowest].steady_state) slowest = r;
  }
  return slowest;
}

Breakdown run_breakdown(const Graph& graph, const Timeline& timeline, size_t rank,
                        const BreakdownOptions& options) {
  if (graph.ranks.empty()) return compute_breakdown(graph, timeline, options);
  RankView view = rank_view(graph, rank);
  Breakdown breakdown = compute_breakdown(view.graph, view.only_rank(timeline), options);
  breakdown.scope += ", on " + graph.ranks[rank].label + "'s tasks";
  return breakdown;
}

Result<JobBreakdown> compute_job_breakdown(const Graph& graph, const Timeline& measured,
                                           const Timeline& replayed,
                                           const BreakdownOptions& options,
                                           const std::string& rank) {
  JobBreakdown job;
  for (size_t r = 0; r < graph.ranks.size(); ++r) {
    RankView view = rank_view(graph, r);
    job.ranks.push_back({graph.ranks[r].label,
                         measured_breakdown(view.graph, view.only_rank(measured),
                                            view.only_rank(replayed), options)});
  }
  job.slowest = slowest_rank(graph, measured);
  job.analysed = job.slowest;
  if (!rank.empty()) {
    auto chosen = find_rank(graph, rank);
    if (!chosen) return std::unexpected(chosen.error());
    job.analysed = *chosen;
  }
  job.collectives = compute_collectives(graph);
  return job;
}

void print_job_breakdown_text(const JobBreakdown& job, std::ostream& out) {
  print_ranks_text(job, out);
  print_collectives_text(job.collectives, out);
  const RankBreakdown& shown = job.ranks[job.analysed];
  out << "\nBreakdown of " << shown.label
      << (job.analysed == job.slowest ? " (the slowest rank; --rank shows another)"
                                      : " (chosen with --rank)")
      << "\n";
  print_breakdown_text(shown.breakdown, out);
}

void print_job_breakdown_json(const JobBreakdown& job, std::ostream& out) {
  JsonWriter json(out);
  json.begin_object();
  json.key("ranks").begin_array();
  for (size_t r = 0; r < job.ranks.size(); ++r) {
    RankLine line = rank_line(job.ranks[r].breakdown);
    json.begin_object()
        .field("label", job.ranks[r].label)
        .field("iteration_ms", line.iteration_ms)
        .field("gpu_busy_pct", line.gpu_busy_pct)
        .field("gpu_ms", line.gpu_ms)
        .field("communication_ms", line.communication_ms)
        .field("cpu_ms", line.cpu_ms)
        .field("verdict", verdict_name(job.ranks[r].breakdown.verdict))
        .end_object();
  }
  json.end_array();
  json.field("slowest_rank", job.ranks[job.slowest].label);
  json.field("analysed_rank", job.ranks[job.analysed].label);
  write_collectives_json(job.collectives, json);
  std::ostringstream breakdown;
  print_breakdown_json(job.ranks[job.analysed].breakdown, breakdown);
  json.key("breakdown").raw(breakdown.str());
  json.end_object();
}

}  // namespace dd
