// Parsing of --apply arguments and typed access to them (see whatif_model.h).
#include "transforms/whatif_model.h"

#include <charconv>
#include <cmath>

namespace dd {

namespace {

std::string model_names() {
  std::string names;
  for (const auto& model : whatif_models()) names += (names.empty() ? "" : ", ") + std::string(model->name());
  return names;
}

std::string parameter_names(const WhatIfModel& model) {
  std::string names;
  for (const ModelParameter& p : model.parameters()) names += (names.empty() ? "" : ", ") + p.name;
  return names.empty() ? "none" : names;
}

const WhatIfModel* find_model(std::string_view name) {
  for (const auto& model : whatif_models()) {
    if (model->name() == name) return model.get();
  }
  return nullptr;
}

}  // namespace

Result<double> ModelArguments::number(const std::string& name) const {
  const std::string& text = values_.at(name);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return usage_error("parameter " + name + "=" + text + ": expected a number");
  }
  return value;
}

Result<AppliedModel> parse_apply(std::string_view text) {
  size_t colon = text.find(':');
  std::string_view name = text.substr(0, colon);
  const WhatIfModel* model = find_model(name);
  if (model == nullptr) {
    return usage_error("unknown model '" + std::string(name) + "' (models: " + model_names() + ")");
  }
  std::map<std::string, std::string> values;
  std::string_view rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  auto parameters = model->parameters();
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view term = rest.substr(0, comma);
    size_t equals = term.find('=');
    std::string key(term.substr(0, equals));
    bool known = false;
    for (const ModelParameter& p : parameters) known = known || p.name == key;
    if (equals == std::string_view::npos || !known) {
      return usage_error(std::string(name) + ": '" + std::string(term) +
                         "' is not one of its parameters as key=value (parameters: " +
                         parameter_names(*model) + ")");
    }
    values[key] = std::string(term.substr(equals + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  for (const ModelParameter& p : parameters) {
    if (values.contains(p.name)) continue;
    if (p.default_value.empty()) {
      return usage_error(std::string(name) + ": parameter '" + p.name + "' is required (" + p.help + ")");
    }
    values[p.name] = p.default_value;
  }
  return AppliedModel{model, ModelArguments(std::move(values))};
}

}  // namespace dd
