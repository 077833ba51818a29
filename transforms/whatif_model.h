// WhatIfModel: one optimization model, a named and parameterized graph rewrite built only from
// the primitives (primitives.h). Applied from the command line as `--apply NAME[:k=v,...]`;
// several apply in order. Each model lives in its own file, with a header comment saying what
// it models, the paper or system it comes from, and its assumptions.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collector/trace/result.h"
#include "graph/graph.h"

namespace dd {

struct ModelParameter {
  std::string name;
  std::string default_value;  // empty: required
  std::string help;
};

// The k=v arguments of one --apply, completed with the model's defaults.
class ModelArguments {
 public:
  ModelArguments() = default;
  explicit ModelArguments(std::map<std::string, std::string> values) : values_(std::move(values)) {}
  const std::string& text(const std::string& name) const { return values_.at(name); }
  // The value as a number; an error naming the parameter if it is not one.
  Result<double> number(const std::string& name) const;
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

struct ModelOutcome {
  bool applicable = true;  // false: nothing to change in this trace; `summary` says why
  std::string summary;     // one line: what the model changed
  // false: the rewritten run could not run at all (e.g. it does not fit in the target GPU's
  // memory), so no time is predicted for it; `summary` says why.
  bool timed = true;
  // What the model leaves out that matters for this rewrite and that measurements show to be
  // large; "" when nothing. A prediction with a caution is shown with it and trusted less.
  std::string caution = {};
};

class WhatIfModel {
 public:
  virtual ~WhatIfModel() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view help() const = 0;  // one or two sentences: what, from where, assuming
  virtual std::vector<ModelParameter> parameters() const = 0;
  virtual Result<ModelOutcome> apply(Graph& graph, const ModelArguments& arguments) const = 0;
};

// Every model, in the order `whatif --list` shows them.
const std::vector<std::unique_ptr<WhatIfModel>>& whatif_models();

struct AppliedModel {
  const WhatIfModel* model = nullptr;
  ModelArguments arguments;
};

// Parses "NAME[:k=v,...]". Unknown model or parameter, a missing required parameter, or a
// malformed term: a usage error that lists the valid names.
Result<AppliedModel> parse_apply(std::string_view text);

}  // namespace dd
