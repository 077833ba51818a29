// `daydream breakdown TRACE [--group-by module|type|op] [--json] [--html OUT.html] [--rank R]`:
// where the measured iteration's time goes — per phase, layer and kernel class, per framework
// op, GPU idle time and what the GPU waited for, communication overlap, the launch queue, the
// critical path and a CPU/GPU-bound verdict — with the replay of the same graph beside it as
// the model's check; --html also writes it as a page with a timeline and charts. A job of
// several ranks is broken down per rank (reports/job_breakdown.h).
#include <iostream>
#include <map>
#include <memory>

#include "cli/commands.h"
#include "cli/html_output.h"
#include "cli/loaded_run.h"
#include "reports/breakdown_report.h"
#include "reports/html/breakdown_page.h"
#include "reports/job_breakdown.h"
#include "reports/rank_view.h"
#include "simulator/simulator.h"
#include "transforms/cost/device_model.h"

namespace dd::cli {

namespace {

struct BreakdownCommandOptions {
  RunOptions run;
  bool json = false;
  std::string html;
  LayerGrouping group_by = LayerGrouping::kModule;
  std::string rank;
};

// The datasheet peaks of the trace's GPU for the operator roofline; none when the trace names
// no GPU the device table knows (the roofline is then left out).
DevicePeaks peaks_of(const Graph& graph) {
  auto device = device_of_graph(graph);
  if (!device) return {};
  return {device->name, device->fp64, device->fp32, device->tf32_tensor, device->fp16_tensor,
          device->bf16_tensor, device->memory_bandwidth};
}

// A job of several ranks: every rank side by side, the collectives across them, and one rank
// (the slowest, or --rank) in full; the HTML page shows that rank.
int run_job_breakdown(const BreakdownCommandOptions& options, const Graph& graph,
                      const Timeline& measured, const Timeline& replayed,
                      const dd::BreakdownOptions& breakdown_options) {
  auto job = compute_job_breakdown(graph, measured, replayed, breakdown_options, options.rank);
  if (!job) return report_error(job.error());
  RankView view = rank_view(graph, job->analysed);
  std::string source = html_source_line(options.run.traces) + " (" +
                       job->ranks[job->analysed].label + " of a job of " +
                       std::to_string(job->ranks.size()) + " ranks)";
  auto written = write_html_report(options.html, options.run.traces, [&](std::ostream& out) {
    html::write_breakdown_html(job->ranks[job->analysed].breakdown, view.graph,
                               view.only_rank(measured), source, out);
  });
  if (!written) return report_error(written.error());
  if (options.json) {
    print_job_breakdown_json(*job, std::cout);
  } else {
    print_job_breakdown_text(*job, std::cout);
  }
  return kExitOk;
}

int run_breakdown(const BreakdownCommandOptions& options) {
  auto loaded = load_run(options.run);
  if (!loaded) return report_error(loaded.error());
  const Graph& graph = *loaded->graph;
  Timeline measured = measured_timeline(graph);
  Timeline replayed = simulate(graph, graph_origin(graph));
  dd::BreakdownOptions breakdown_options;
  breakdown_options.group_by = options.group_by;
  breakdown_options.peaks = peaks_of(graph);
  if (!graph.ranks.empty()) {
    return run_job_breakdown(options, graph, measured, replayed, breakdown_options);
  }
  if (!options.rank.empty()) {
    return report_error({ErrorKind::kUsage, "--rank " + options.rank +
                                                ": the trace is one process, not a job of "
                                                "several ranks"});
  }
  Breakdown breakdown = measured_breakdown(graph, measured, replayed, breakdown_options);
  auto written = write_html_report(options.html, options.run.traces, [&](std::ostream& out) {
    html::write_breakdown_html(breakdown, graph, measured, html_source_line(options.run.traces),
                               out);
  });
  if (!written) return report_error(written.error());
  if (options.json) {
    print_breakdown_json(breakdown, std::cout);
  } else {
    print_breakdown_text(breakdown, std::cout);
  }
  return kExitOk;
}

}  // namespace

void add_breakdown_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<BreakdownCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "breakdown",
      "Break the measured iteration down by phase, layer, op and kernel class; GPU idle time "
      "and what it waited for; critical path and whether the run is CPU- or GPU-bound; the "
      "replay beside it as the model's check");
  add_run_options(*cmd, options->run);
  cmd->add_flag("--json", options->json, "Print one JSON object instead of text");
  const std::map<std::string, LayerGrouping> groupings{{"module", LayerGrouping::kModule},
                                                       {"type", LayerGrouping::kType},
                                                       {"op", LayerGrouping::kOp}};
  cmd->add_option("--group-by", options->group_by,
                  "Layer rows: each module (or op call where the trace has no modules), each "
                  "module type (class, or op), or each framework op")
      ->transform(CLI::CheckedTransformer(groupings, CLI::ignore_case));
  add_html_option(*cmd, options->html);
  cmd->add_option("--rank", options->rank,
                  "For a job of several ranks: the rank to break down in full (3, \"rank 3\" or "
                  "\"pid 1234\"; default: the slowest)");
  cmd->callback([options, &run] { run = [options] { return run_breakdown(*options); }; });
}

}  // namespace dd::cli
