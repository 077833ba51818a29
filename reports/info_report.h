// `daydream info`: what is in a trace — format, devices, processes/threads/streams, counts of
// each event kind, iterations with their durations, time span and diagnostics.
#pragma once

#include <ostream>

#include "collector/trace/trace.h"

namespace dd {

void print_info_text(const Trace& trace, std::ostream& out);
void print_info_json(const Trace& trace, std::ostream& out);

}  // namespace dd
