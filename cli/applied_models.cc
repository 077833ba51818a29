// Parsing and applying --apply models (see applied_models.h).
#include "cli/applied_models.h"

#include <utility>

namespace dd::cli {

namespace {

// The arguments of one --apply in the order its model declares its parameters.
std::vector<std::pair<std::string, std::string>> ordered_arguments(const AppliedModel& m) {
  std::vector<std::pair<std::string, std::string>> arguments;
  for (const ModelParameter& parameter : m.model->parameters()) {
    arguments.emplace_back(parameter.name, m.arguments.text(parameter.name));
  }
  return arguments;
}

// The error of model `name`, its message starting with the name (some models name themselves).
Error named_after(const std::string& name, Error error) {
  if (!error.message.starts_with(name + ": ")) error.message = name + ": " + error.message;
  return error;
}

}  // namespace

Result<std::vector<AppliedModel>> parse_applies(const std::vector<std::string>& texts) {
  std::vector<AppliedModel> models;
  for (const std::string& text : texts) {
    auto model = parse_apply(text);
    if (!model) return std::unexpected(model.error());
    models.push_back(std::move(*model));
  }
  return models;
}

Result<std::vector<AppliedModelSummary>> apply_models(Graph& graph,
                                                      const std::vector<AppliedModel>& models) {
  std::vector<AppliedModelSummary> applied;
  for (const AppliedModel& m : models) {
    std::string name(m.model->name());
    auto outcome = m.model->apply(graph, m.arguments);
    if (!outcome) return std::unexpected(named_after(name, outcome.error()));
    applied.push_back(
        {name, ordered_arguments(m), outcome->applicable, outcome->summary, outcome->timed,
         outcome->caution});
    if (!outcome->timed) break;  // the rest would rewrite a run that cannot run
  }
  return applied;
}

}  // namespace dd::cli
