// --gpu NAME (see gpu_option.h).
#include "cli/gpu_option.h"

#include <set>
#include <utility>

namespace dd::cli {

void add_gpu_option(CLI::App& command, std::string& gpu) {
  command.add_option("--gpu", gpu,
                     "Name of the GPU the trace ran on, for a trace that records none (e.g. "
                     "h100, A100-SXM4-40GB): lets the amp and gpu what-ifs use its datasheet");
}

Result<void> name_trace_gpu(Trace& trace, const std::string& name) {
  if (name.empty()) return {};
  for (StringId recorded : trace.devices.name) {
    std::string_view text = trace.str(recorded);
    if (!text.empty() && text != name) {
      return usage_error("--gpu " + name + ": the trace records its GPU as '" + std::string(text) +
                         "'; --gpu names the GPU of a trace that records none");
    }
  }
  std::set<std::pair<uint32_t, int32_t>> used;  // (process, device) of the streams that ran ops
  for (uint32_t stream : trace.gpu_ops.stream) {
    if (stream != kNone) used.emplace(trace.streams.process[stream], trace.streams.device[stream]);
  }
  if (used.empty()) used.emplace(kNone, 0);
  StringId id = trace.strings.intern(name);
  for (auto [process, device] : used) {
    uint32_t row = trace.devices.find(process, device);
    if (row == kNone) row = trace.devices.append({process, device});
    trace.devices.name[row] = id;
  }
  trace.diagnostics.note(Severity::kInfo, "GPU named '" + name +
                                              "' by --gpu: the trace records no GPU name");
  return {};
}

}  // namespace dd::cli
