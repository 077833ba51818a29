// Diagnostics counters: adding, merging, and severity names for display and storage.
#include "collector/trace/diagnostics.h"

#include <algorithm>
#include <array>
#include <utility>

namespace dd {

namespace {
constexpr std::array<std::string_view, 4> kSeverityNames = {"info", "warning", "data_loss",
                                                            "error"};
}

std::string_view severity_name(Severity severity) {
  return kSeverityNames[static_cast<size_t>(severity)];
}

Severity severity_from_name(std::string_view name) {
  for (size_t i = 0; i < kSeverityNames.size(); ++i) {
    if (kSeverityNames[i] == name) return static_cast<Severity>(i);
  }
  return Severity::kWarning;
}

void Diagnostics::add(std::string_view name, Severity severity, uint64_t count) {
  auto it = counters_.find(name);
  if (it == counters_.end()) {
    counters_.emplace(std::string(name), DiagnosticCounter{severity, count});
    return;
  }
  it->second.severity = std::max(it->second.severity, severity);
  it->second.count += count;
}

void Diagnostics::set(std::string_view name, Severity severity, uint64_t count) {
  auto it = counters_.find(name);
  if (it != counters_.end()) counters_.erase(it);
  if (count > 0) add(name, severity, count);
}

uint64_t Diagnostics::count(std::string_view name) const {
  auto it = counters_.find(name);
  return it == counters_.end() ? 0 : it->second.count;
}

void Diagnostics::merge(const Diagnostics& other) {
  for (const auto& [name, counter] : other.counters_) add(name, counter.severity, counter.count);
  notes_.insert(notes_.end(), other.notes_.begin(), other.notes_.end());
}

void Diagnostics::note(Severity severity, std::string text) {
  notes_.push_back({severity, std::move(text)});
}

}  // namespace dd
