// `daydream whatif TRACE --apply NAME[:k=v,...] [--apply ...] [--json]`: predicts what an
// optimization would buy. The models apply in order to a copy of the run's graph; the copy is
// simulated and compared with the replay of the unmodified graph (whatif_report.h).
// `daydream whatif --list` shows every model with its parameters, without a trace; --html also
// writes the prediction as a page with timelines and charts (reports/html/whatif_page.h).
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/applied_models.h"
#include "cli/commands.h"
#include "cli/html_output.h"
#include "cli/loaded_run.h"
#include "reports/html/whatif_page.h"
#include "reports/json_writer.h"
#include "reports/whatif_report.h"
#include "simulator/simulator.h"
#include "transforms/whatif_model.h"

namespace dd::cli {

namespace {

struct WhatIfOptions {
  RunOptions run;
  std::vector<std::string> applies;
  bool json = false;
  bool list = false;
  std::string html;
};

std::string parameter_default(const ModelParameter& parameter) {
  return parameter.default_value.empty() ? "required" : "default " + parameter.default_value;
}

// `text` in lines of at most kListWidth characters (longer words stay whole), each indented.
void print_wrapped(std::ostream& out, std::string_view text, size_t indent) {
  constexpr size_t kListWidth = 100;
  std::string line;
  auto flush = [&] {
    out << std::string(indent, ' ') << line << "\n";
    line.clear();
  };
  while (!text.empty()) {
    size_t space = text.find(' ');
    std::string_view word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    if (!line.empty() && indent + line.size() + 1 + word.size() > kListWidth) flush();
    if (!line.empty()) line += ' ';
    line += word;
  }
  flush();
}

void print_models_text(std::ostream& out) {
  out << "What-if models: apply with --apply NAME[:key=value,...]; several apply in order.\n";
  for (const auto& model : whatif_models()) {
    out << "\n" << model->name() << "\n";
    print_wrapped(out, model->help(), 2);
    for (const ModelParameter& parameter : model->parameters()) {
      print_wrapped(
          out, parameter.name + " (" + parameter_default(parameter) + "): " + parameter.help, 4);
    }
  }
}

void print_models_json(std::ostream& out) {
  JsonWriter json(out);
  json.begin_object().key("models").begin_array();
  for (const auto& model : whatif_models()) {
    json.begin_object().field("name", model->name()).field("help", model->help());
    json.key("parameters").begin_array();
    for (const ModelParameter& parameter : model->parameters()) {
      json.begin_object().field("name", parameter.name);
      json.key("default");
      if (parameter.default_value.empty()) {
        json.null();
      } else {
        json.value(parameter.default_value);
      }
      json.field("help", parameter.help).end_object();
    }
    json.end_array().end_object();
  }
  json.end_array().end_object();
}

int predict(const WhatIfOptions& options) {
  if (options.run.traces.empty() || options.applies.empty()) {
    return report_error({ErrorKind::kUsage,
                         "whatif needs a trace and at least one --apply NAME[:k=v,...] (see "
                         "daydream whatif --list)"});
  }
  auto models = parse_applies(options.applies);
  if (!models) return report_error(models.error());
  auto loaded = load_run(options.run);
  if (!loaded) return report_error(loaded.error());
  const Graph& graph = *loaded->graph;
  Graph transformed(graph);
  auto applied = apply_models(transformed, *models);
  if (!applied) return report_error(applied.error());
  if (!applied->empty() && !applied->back().timed) {
    if (options.json) {
      print_whatif_not_timed_json(*applied, std::cout);
    } else {
      print_whatif_not_timed_text(*applied, std::cout);
    }
    return kExitOk;
  }
  TimeNs origin = graph_origin(graph);  // one time base for replay and prediction
  Timeline measured = measured_timeline(graph);
  Timeline replayed = simulate(graph, origin);
  Timeline predicted = simulate(transformed, origin);
  WhatIfResult result =
      compare_whatif(graph, measured, replayed, transformed, predicted, std::move(*applied));
  auto written = write_html_report(options.html, options.run.traces, [&](std::ostream& out) {
    html::write_whatif_html(result, {graph, measured, replayed, transformed, predicted},
                            html_source_line(options.run.traces), out);
  });
  if (!written) return report_error(written.error());
  if (options.json) {
    print_whatif_json(result, std::cout);
  } else {
    print_whatif_text(result, std::cout);
  }
  return kExitOk;
}

int run_whatif(const WhatIfOptions& options) {
  if (!options.list) return predict(options);
  if (options.json) {
    print_models_json(std::cout);
  } else {
    print_models_text(std::cout);
  }
  return kExitOk;
}

}  // namespace

void add_whatif_command(CLI::App& app, CommandRunner& run) {
  auto options = std::make_shared<WhatIfOptions>();
  CLI::App* cmd = app.add_subcommand(
      "whatif", "Predict the iteration time with optimizations applied, and where it changes");
  add_run_options(*cmd, options->run);
  cmd->get_option("trace")->required(false);  // --list needs none; predict() checks
  cmd->add_option("--apply", options->applies,
                  "A model to apply, NAME[:key=value,...]; repeat to apply several in order")
      ->allow_extra_args(false);
  cmd->add_flag("--list", options->list, "List every model with its parameters and help");
  cmd->add_flag("--json", options->json, "Print one JSON object instead of text");
  add_html_option(*cmd, options->html);
  cmd->callback([options, &run] { run = [options] { return run_whatif(*options); }; });
}

}  // namespace dd::cli
