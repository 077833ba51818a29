// record_outputs: the names of the traces one `daydream record` run writes, shared by the
// collector that creates them (collector/cupti/injection.cc) and the launcher that lists them
// afterwards (cli/record_launcher.cc). A single CUDA process writes the requested path; a
// distributed job's workers write `<stem>.rank<R>.sqlite`; further CUDA processes
// `<stem>.pid<P>.sqlite`, where <stem> is the requested path without ".sqlite".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dd {

inline constexpr std::string_view kDefaultRecordOutput = "daydream-record.sqlite";

inline std::string record_output_stem(std::string_view requested) {
  if (requested.ends_with(".sqlite")) requested.remove_suffix(7);
  return std::string(requested);
}

inline std::string rank_record_output(std::string_view requested, int32_t rank) {
  return record_output_stem(requested) + ".rank" + std::to_string(rank) + ".sqlite";
}

inline std::string pid_record_output(std::string_view requested, int64_t pid) {
  return record_output_stem(requested) + ".pid" + std::to_string(pid) + ".sqlite";
}

// Whether `name` (a file name, no directory) is one of the per-process traces of `stem`.
inline bool is_per_process_record_output(std::string_view stem, std::string_view name) {
  if (!name.starts_with(stem) || !name.ends_with(".sqlite")) return false;
  std::string_view rest = name.substr(stem.size());
  return rest.starts_with(".rank") || rest.starts_with(".pid");
}

}  // namespace dd
