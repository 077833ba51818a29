// `daydream export TRACE --perfetto OUT.json [--apply NAME[:k=v,...] ...] [--replay] [--json]`:
// the run's timelines as Chrome/Perfetto trace-event JSON for ui.perfetto.dev
// (reports/perfetto_export.h). The "measured" track is what the trace recorded: every task of
// the graph at its recorded start and end, so it shows the real run, not our model of it.
// With --apply, a "predicted: <models>" track is the simulation of the transformed graph on
// the same time base; --replay adds the simulation of the unmodified graph, which separates
// what the models change from the replay's own error.
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/applied_models.h"
#include "cli/commands.h"
#include "cli/loaded_run.h"
#include "cli/progress_bar.h"
#include "cli/safe_output.h"
#include "reports/json_writer.h"
#include "reports/perfetto_export.h"
#include "reports/replay_report.h"
#include "reports/text_table.h"
#include "simulator/simulator.h"

namespace dd::cli {

namespace {

struct ExportOptions {
  RunOptions run;
  std::string perfetto;
  std::vector<std::string> applies;
  bool replay = false;
  bool json = false;
};

std::string predicted_label(const std::vector<std::string>& applies) {
  std::string label = "predicted:";
  for (size_t i = 0; i < applies.size(); ++i) label += (i == 0 ? " " : " + ") + applies[i];
  return label;
}

void print_summary_text(const ExportOptions& options, const PerfettoExportStats& stats,
                        const std::vector<AppliedModelSummary>& applied,
                        const std::optional<ReplayTrust>& trust, std::ostream& out) {
  out << "wrote " << options.perfetto << " (" << stats.bytes / 1000 << " kB); open it in "
      << "ui.perfetto.dev\n";
  if (trust) print_trust_text(*trust, "the simulated timelines in the file", out);
  for (const ExportedTrackStats& track : stats.tracks) {
    out << "  " << track.label << ": " << track.slices << " tasks, " << track.flows
        << " dependency arrows\n";
  }
  for (const AppliedModelSummary& model : applied) {
    out << "  " << model.name << (model.applicable ? ": " : " (not applicable): ")
        << model.summary << "\n";
  }
}

void print_summary_json(const ExportOptions& options, const PerfettoExportStats& stats,
                        const std::vector<AppliedModelSummary>& applied,
                        const std::optional<ReplayTrust>& trust, std::ostream& out) {
  JsonWriter json(out);
  json.begin_object().field("output", options.perfetto).field("bytes", stats.bytes);
  if (trust) write_trust_json(*trust, json);
  json.key("tracks").begin_array();
  for (const ExportedTrackStats& track : stats.tracks) {
    json.begin_object()
        .field("name", track.label)
        .field("tasks", track.slices)
        .field("flows", track.flows)
        .end_object();
  }
  json.end_array().key("applied").begin_array();
  for (const AppliedModelSummary& model : applied) {
    json.begin_object()
        .field("name", model.name)
        .field("applicable", model.applicable)
        .field("summary", model.summary)
        .end_object();
  }
  json.end_array().end_object();
}

int run_export(const ExportOptions& options) {
  auto models = parse_applies(options.applies);
  if (!models) return report_error(models.error());
  auto loaded = load_run(options.run);
  if (!loaded) return report_error(loaded.error());
  const Graph& graph = *loaded->graph;
  TimeNs origin = graph_origin(graph);

  Timeline measured = measured_timeline(graph);
  std::vector<ExportedTimeline> timelines{{"measured", &graph, &measured, false}};
  // Simulated timelines are only as good as the replay they build on: checked whenever one is
  // written, and named in the file when it misses.
  std::optional<Timeline> replayed;
  std::optional<ReplayTrust> trust;
  std::string untrusted;
  if (options.replay || !models->empty()) {
    replayed = simulate(graph, origin);
    trust = compare_replay(graph, measured, *replayed).trust;
    if (!trust->trusted) {
      untrusted = "; NOT TRUSTWORTHY: the replay misses the measured time by " +
                  format_fixed(trust->error_pct, 1) + "%";
    }
  }
  if (options.replay) {
    timelines.push_back({"replayed (simulated, unchanged" + untrusted + ")", &graph, &*replayed, true});
  }
  std::optional<Graph> transformed;
  std::optional<Timeline> predicted;
  std::vector<AppliedModelSummary> applied;
  if (!models->empty()) {
    transformed.emplace(graph);
    auto outcome = apply_models(*transformed, *models);
    if (!outcome) return report_error(outcome.error());
    applied = std::move(*outcome);
    if (!applied.empty() && !applied.back().timed) {  // no predicted timeline to export
      return report_error({ErrorKind::kBadInput, applied.back().name + ": " +
                                                     applied.back().summary});
    }
    predicted = simulate(*transformed, origin);
    timelines.push_back({predicted_label(options.applies) + untrusted, &*transformed, &*predicted, true});
  }

  PerfettoExportStats stats;
  ProgressBar progress(STDERR_FILENO);
  auto written = write_output_file(
      options.perfetto, options.run.traces, [&](const std::string& path) -> Result<void> {
        std::ofstream file(path, std::ios::binary);
        if (!file) return io_error(options.perfetto + ": cannot be opened for writing");
        stats = write_perfetto_trace(timelines, origin, file, &progress);
        if (!stats.written) return io_error(options.perfetto + ": write failed");
        return {};
      });
  if (!written) return report_error(written.error());
  if (options.json) {
    print_summary_json(options, stats, applied, trust, std::cout);
  } else {
    print_summary_text(options, stats, applied, trust, std::cout);
  }
  return kExitOk;
}

}  // namespace

void add_export_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "export", "Write the measured (and with --apply, the predicted) timeline for ui.perfetto.dev");
  add_run_options(*cmd, options->run);
  cmd->add_option("--perfetto", options->perfetto,
                  "Output file: Chrome/Perfetto trace-event JSON")
      ->required();
  cmd->add_option("--apply", options->applies,
                  "A model to apply, NAME[:key=value,...] (see daydream whatif --list); repeat to "
                  "apply several in order; adds a 'predicted' track")
      ->allow_extra_args(false);
  cmd->add_flag("--replay", options->replay,
                "Add the simulation of the unmodified graph as a 'replayed' track");
  cmd->add_flag("--json", options->json, "Print a JSON summary instead of text");
  cmd->callback([options, &run] { run = [options] { return run_export(*options); }; });
}

}  // namespace dd::cli
