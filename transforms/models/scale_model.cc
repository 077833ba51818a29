// `scale:select=SELECTOR,factor=X` — the generic what-if: "what if these tasks were X times
// faster?" (Daydream's own first question, §3 of the paper: an upper bound on what speeding
// up one kind of work can buy, before anyone writes the faster kernel). Every task the
// selector matches gets duration / X; nothing else changes, so the simulator alone decides how
// much of the saving reaches the iteration (none, if the scaled work is off the critical path).
// Assumes the scaled work keeps its dependencies and resources; it models no new overheads.
#include <cstdio>
#include <memory>
#include <string>

#include "transforms/model_factories.h"
#include "transforms/primitives.h"
#include "transforms/rewrite_helpers.h"
#include "transforms/whatif_model.h"

namespace dd {

namespace {

std::string milliseconds(TimeNs ns) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3f ms", static_cast<double>(ns) / 1e6);
  return buffer;
}

class ScaleModel final : public WhatIfModel {
 public:
  std::string_view name() const override { return "scale"; }
  std::string_view help() const override {
    return "Make the selected tasks X times faster (duration / X) and nothing else: what "
           "speeding up one kind of work could buy at most (Daydream, ATC 2020).";
  }
  std::vector<ModelParameter> parameters() const override {
    return {{"select", "",
             "which tasks: key:value terms joined by '+' (keys: kind, phase, class, iteration, "
             "resource, name, op, layer), e.g. class:gemm+phase:forward"},
            {"factor", "", "how many times faster the selected tasks become (> 0)"}};
  }

  Result<ModelOutcome> apply(Graph& graph, const ModelArguments& arguments) const override {
    const std::string& select = arguments.text("select");
    auto selector = parse_selector(select);
    if (!selector) return std::unexpected(selector.error());
    auto factor = arguments.number("factor");
    if (!factor) return std::unexpected(factor.error());
    if (*factor <= 0) {
      return usage_error("parameter factor=" + arguments.text("factor") + ": must be > 0");
    }
    std::vector<TaskId> tasks = select_tasks(graph, *selector);
    if (tasks.empty()) return ModelOutcome{false, "no task matches select=" + select};
    TimeNs before = total_duration(graph, tasks);
    // The simulator adds task times in int64 nanoseconds: slower than about three years of
    // task time is no run anyone has, and would overflow it.
    constexpr double kMostNs = 1e17;
    if (static_cast<double>(before) / *factor > kMostNs) {
      return usage_error("parameter factor=" + arguments.text("factor") +
                         ": makes the selected tasks take longer than 1e17 ns (about 3 years)");
    }
    scale_durations(graph, tasks, 1.0 / *factor);
    return ModelOutcome{
        true, std::to_string(tasks.size()) + " tasks matching " + select + " made " +
                  arguments.text("factor") + "x faster (" + milliseconds(before) + " -> " +
                  milliseconds(total_duration(graph, tasks)) + " of task time in the trace)"};
  }
};

}  // namespace

std::unique_ptr<WhatIfModel> make_scale_model() {
  return std::make_unique<ScaleModel>();
}

}  // namespace dd
