// activity_session: the CUPTI side of the collector in one process — CUPTI's activity buffers
// handed to one writer thread that decodes them with the record converter and writes each
// buffer as one transaction of the trace. Buffers come from a bounded pool (CUPTI drops and
// counts records when none is free rather than growing without limit). Lives for the whole
// process once started; stop() drains everything and closes the trace.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace dd::cupti {

struct SessionSettings {
  std::string output_path;
  std::map<std::string, std::string> metadata;  // extra DD_META rows (settings, environment)
  int32_t rank = -1;
};

// Starts collecting: registers the buffer callbacks, enables the activity kinds, starts the
// writer thread. Returns false (after printing why on stderr) when nothing will be collected.
bool start_session(const SessionSettings& settings);
// Flushes CUPTI, drains the writer, writes the final counters and closes the trace. Safe to
// call once; does nothing in a forked child or when no session was started.
void stop_session();

}  // namespace dd::cupti
