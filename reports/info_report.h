// `daydream info`: what is in a trace — format, devices, processes/threads/streams, counts of
// each event kind, iterations with their durations, time span and diagnostics. A job of several
// ranks (job_ranks.h) shows each rank's GPUs once, and its iterations with their rank, from the
// job's first iteration start. Processes without CUDA activity (an Nsight export lists every
// process on the machine) are counted, not listed, unless asked for.
#pragma once

#include <ostream>

#include "collector/trace/trace.h"

namespace dd {

struct InfoOptions {
  bool all_processes = false;  // list processes without CUDA activity too
};

void print_info_text(const Trace& trace, std::ostream& out, const InfoOptions& options = {});
void print_info_json(const Trace& trace, std::ostream& out, const InfoOptions& options = {});

}  // namespace dd
