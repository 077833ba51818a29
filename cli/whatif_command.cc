// `daydream whatif TRACE --apply NAME[:k=v,...] [--apply ...] [--json]`: predicts what an
// optimization would buy. The models apply in order to a copy of the run's graph; the copy is
// simulated and compared with the replay of the unmodified graph (whatif_report.h).
// `daydream whatif --list` shows every model with its parameters, and the GPU table the cost
// models price work with (peaks, bandwidth, memory, each with its datasheet), without a trace;
// --html also
// writes the prediction as a page with timelines and charts (reports/html/whatif_page.h).
#include <cstdio>
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
#include "transforms/cost/device_model.h"
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

// "19.5" TFLOPS / "2039" GB/s style: the datasheet's own precision, 0 as "-".
std::string figure(double value, double unit) {
  if (value <= 0) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%g", value / unit);
  return text;
}

// The device table the cost models use, one line per GPU.
void print_devices_text(std::ostream& out) {
  out << "\nGPUs (gpu:target=NAME; the peaks amp and gpu price work with): dense TFLOPS fp64 / "
         "fp32 / TF32 / fp16 / bf16 / fp8 tensor, memory GB/s and GiB, SMs or CUs, source\n";
  for (const DeviceSpec& d : known_devices()) {
    print_wrapped(out,
                  d.name + ": " + figure(d.fp64, 1e12) + " / " + figure(d.fp32, 1e12) + " / " +
                      figure(d.tf32_tensor, 1e12) + " / " + figure(d.fp16_tensor, 1e12) + " / " +
                      figure(d.bf16_tensor, 1e12) + " / " + figure(d.fp8_tensor, 1e12) + "; " +
                      figure(d.memory_bandwidth, 1e9) + " GB/s, " +
                      figure(d.memory_bytes, 1024.0 * 1024 * 1024) + " GiB; " +
                      std::to_string(d.sm_count) + " SMs; " + d.source,
                  2);
  }
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
  print_devices_text(out);
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
  json.end_array();
  json.key("devices").begin_array();
  for (const DeviceSpec& d : known_devices()) {
    json.begin_object()
        .field("name", d.name)
        .field("vendor", d.vendor == Vendor::kAmd ? "AMD" : "NVIDIA")
        .field("fp64_flops", d.fp64)
        .field("fp32_flops", d.fp32)
        .field("tf32_tensor_flops", d.tf32_tensor)
        .field("fp16_tensor_flops", d.fp16_tensor)
        .field("bf16_tensor_flops", d.bf16_tensor)
        .field("fp8_tensor_flops", d.fp8_tensor)
        .field("memory_bandwidth_bytes_per_s", d.memory_bandwidth)
        .field("memory_bytes", d.memory_bytes)
        .field("sm_count", d.sm_count)
        .field("source", d.source)
        .end_object();
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
