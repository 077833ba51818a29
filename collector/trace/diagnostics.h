// Diagnostics: named counters with a severity, for everything an importer or builder had to
// drop, repair or guess. Malformed records are counted here instead of failing the load. Notes
// say in words what a count cannot (which file ended early and where, which tables an export
// lacks); the command line shows them, and those of severity data_loss or worse as warnings.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dd {

enum class Severity : uint8_t { kInfo, kWarning, kDataLoss, kError };

std::string_view severity_name(Severity severity);
Severity severity_from_name(std::string_view name);  // unknown names read as kWarning

struct DiagnosticCounter {
  Severity severity = Severity::kInfo;
  uint64_t count = 0;
};

struct DiagnosticNote {
  Severity severity = Severity::kInfo;
  std::string text;  // one line, naming the file when there is one
};

class Diagnostics {
 public:
  void add(std::string_view name, Severity severity, uint64_t count = 1);
  // Replaces a counter that a pass derives afresh from the data each time it runs (so that
  // re-running the pass on a reloaded trace does not count twice); 0 removes it.
  void set(std::string_view name, Severity severity, uint64_t count);
  uint64_t count(std::string_view name) const;
  bool empty() const { return counters_.empty(); }
  // Ordered by name, so that output is deterministic.
  const std::map<std::string, DiagnosticCounter, std::less<>>& counters() const {
    return counters_;
  }
  void merge(const Diagnostics& other);
  void note(Severity severity, std::string text);
  // In the order they were added.
  const std::vector<DiagnosticNote>& notes() const { return notes_; }

 private:
  std::map<std::string, DiagnosticCounter, std::less<>> counters_;
  std::vector<DiagnosticNote> notes_;
};

}  // namespace dd
