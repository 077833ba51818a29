// The tables and summary lines of a diff report (see diff_tables.h).
#include "reports/diff_tables.h"

#include <cmath>

#include "reports/text_table.h"

namespace dd {

namespace {

constexpr size_t kNameWidth = 80;

std::string ms(TimeNs ns) { return format_ms(ns); }

std::string pct_of(TimeNs change, TimeNs base) {
  if (base == 0) return "-";
  return (change > 0 ? "+" : "") +
         format_fixed(100.0 * static_cast<double>(change) / static_cast<double>(base), 1) + "%";
}

std::string spread_text(const IterationSpread& s) {
  return std::to_string(s.samples) + (s.samples == 1 ? " steady-state iteration" : " steady-state iterations, ") +
         (s.samples == 1 ? "" : ms(s.shortest) + " to " + ms(s.longest) + " ms");
}

ReportTable contributor_table(const DiffResult& r) {
  ReportTable t{"Where the change comes from, along the critical path (ms per iteration of the "
                "replays; the parts add up to the path's change)",
                {"part", "kind", "base", "new", "change"}, {}};
  TimeNs base = 0, next = 0;
  for (const DiffContributor& c : r.contributors) {
    t.rows.push_back({c.name, c.kind, ms(c.base), ms(c.next), format_signed_ms(c.delta())});
    base += c.base;
    next += c.next;
  }
  t.rows.push_back({"critical path", "", ms(base), ms(next), format_signed_ms(next - base)});
  return t;
}

std::vector<std::string> change_cells(const ChangeRow& row, bool cpu) {
  std::vector<std::string> cells{shorten(row.name, kNameWidth), ms(row.gpu_replay),
                                 ms(row.gpu_predicted), format_signed_ms(row.gpu_change())};
  if (cpu) {
    cells.insert(cells.end(), {ms(row.cpu_replay), ms(row.cpu_predicted),
                               format_signed_ms(row.cpu_change())});
  }
  return cells;
}

ReportTable change_table(std::string title, std::string group, const std::vector<ChangeRow>& rows,
                         bool cpu) {
  ReportTable t{std::move(title), {std::move(group), "GPU base", "GPU new", "GPU change"}, {}};
  if (cpu) t.header.insert(t.header.end(), {"CPU base", "CPU new", "CPU change"});
  for (const ChangeRow& row : rows) t.rows.push_back(change_cells(row, cpu));
  return t;
}

// Launches per iteration: whole numbers without decimals.
std::string count_text(double count) { return format_fixed(count, std::floor(count) == count ? 0 : 1); }

ReportTable kernel_table(std::string title, const std::vector<KernelChange>& rows) {
  ReportTable t{std::move(title),
                {"kernel", "class", "base", "new", "change", "launches base", "launches new"},
                {}};
  for (size_t i = 0; i < rows.size() && i < kDiffTopKernels; ++i) {
    const KernelChange& k = rows[i];
    t.rows.push_back({shorten(k.name, kNameWidth), k.kernel_class, ms(k.base), ms(k.next),
                      format_signed_ms(k.delta()), count_text(k.base_count), count_text(k.next_count)});
  }
  if (rows.size() > kDiffTopKernels) {
    t.rows.push_back({"(" + std::to_string(rows.size() - kDiffTopKernels) + " more in --format json)"});
  }
  return t;
}

}  // namespace

std::string diff_verdict(const DiffResult& r) {
  if (r.regressed) return "REGRESSED";
  if (r.improved) return "improved";
  if (r.change == 0) return "no change";
  if (r.within_noise) return "no significant change (within noise)";
  return "no significant change (within threshold)";
}

std::vector<std::string> diff_summary_lines(const DiffResult& r) {
  std::vector<std::string> lines{
      "base: " + ms(r.base.median) + " ms per iteration (" + spread_text(r.base) + ")",
      "new:  " + ms(r.next.median) + " ms per iteration (" + spread_text(r.next) + ")",
      "change: " + format_signed_ms(r.change) + " ms (" + pct_of(r.change, r.base.median) +
          "); noise band " +
          (r.noise_known ? "+/-" + ms(r.noise_band) + " ms"
                         : "unknown (a trace has one steady-state iteration; only the threshold applies)") +
          "; threshold " + format_fixed(r.threshold_pct, 2) + "%",
      "rule: " + diff_noise_rule(),
      "critical path (replays): " + ms(r.critical_path.replay) + " -> " + ms(r.critical_path.predicted) +
          " ms per iteration, " + std::string(verdict_name(r.critical_path.replay_verdict)) + " -> " +
          std::string(verdict_name(r.critical_path.predicted_verdict)),
      "replayed iteration: " + ms(r.base_replayed) + " -> " + ms(r.new_replayed) +
          " ms; the tables below come from the replays (base analysed over " + r.base_scope + ")"};
  return lines;
}

std::vector<std::string> diff_trust_lines(const DiffResult& r) {
  std::vector<std::string> lines = trust_warning(r.base_trust, "the explanation of the change (BASE's replay)");
  std::vector<std::string> next = trust_warning(r.new_trust, "the explanation of the change (NEW's replay)");
  lines.insert(lines.end(), next.begin(), next.end());
  return lines;
}

std::vector<std::string> diff_check_lines(const DiffResult& r) {
  std::vector<std::string> lines;
  for (const DiffCheck& c : r.checks) lines.push_back((c.passed ? "PASS " : "FAIL ") + c.name + ": " + c.message);
  return lines;
}

std::vector<ReportTable> diff_tables(const DiffResult& r) {
  std::vector<ReportTable> tables{contributor_table(r)};
  std::vector<ChangeRow> phases = r.phases;
  phases.push_back(r.total);
  tables.push_back(change_table("Per phase (ms per iteration; GPU: GPU ops, CPU: API calls and CPU work)",
                                "phase", phases, true));
  tables.push_back(change_table("Per kernel class (GPU, ms per iteration)", "kernel class",
                                r.kernel_classes, false));
  if (!r.kernels.empty()) {
    tables.push_back(kernel_table("Kernels whose time changed most (ms per iteration)", r.kernels));
  }
  if (!r.added.empty()) tables.push_back(kernel_table("Kernels added (in new only)", r.added));
  if (!r.removed.empty()) tables.push_back(kernel_table("Kernels removed (in base only)", r.removed));
  tables.push_back(change_table("Per layer (top by GPU + CPU change, ms per iteration)", "layer",
                                r.layers, true));
  return tables;
}

}  // namespace dd
