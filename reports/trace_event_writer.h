// TraceEventWriter: streams the Chrome trace-event JSON format (the "JSON trace" that
// ui.perfetto.dev and chrome://tracing open) to an ostream. Events are formatted into one
// reusable buffer and written in large blocks as they come — no document is built in memory —
// so exporting a million tasks costs one pass and a few hundred bytes of formatting per event.
// Times are int64 nanoseconds, written as microseconds with three decimals (the format's
// unit), exactly, relative to an origin the caller chooses.
//
// Format reference: the "Trace Event Format" document (Chrome/Catapult): complete events
// (ph "X"), flow events (ph "s"/"f", bound to the enclosing slice with bp "e"), and metadata
// events (ph "M": process_name, thread_name, process_sort_index, thread_sort_index).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "collector/trace/trace.h"

namespace dd {

class TraceEventWriter {
 public:
  // Writes the document's opening; `origin` is the time written as 0.
  TraceEventWriter(std::ostream& out, TimeNs origin);
  ~TraceEventWriter();  // finishes the document if finish() was not called
  TraceEventWriter(const TraceEventWriter&) = delete;
  TraceEventWriter& operator=(const TraceEventWriter&) = delete;

  void process_name(uint32_t pid, std::string_view name);
  void process_sort_index(uint32_t pid, int64_t index);
  void thread_name(uint32_t pid, uint32_t tid, std::string_view name);
  void thread_sort_index(uint32_t pid, uint32_t tid, int64_t index);

  // A complete event (a slice). Arguments follow with arg(); end_event() closes it.
  void begin_slice(uint32_t pid, uint32_t tid, TimeNs start, TimeNs duration,
                   std::string_view name, std::string_view category);
  void arg(std::string_view key, std::string_view value);
  void arg(std::string_view key, int64_t value);
  void end_event();

  // One flow arrow from the slice enclosing (from_tid, from_time) to the slice enclosing
  // (to_tid, to_time), both in process `pid`. `id` must be unique within the document.
  void flow(uint32_t pid, uint64_t id, std::string_view name, uint32_t from_tid, TimeNs from_time,
            uint32_t to_tid, TimeNs to_time);

  // Closes the document and flushes; false if the stream failed at any point.
  bool finish();

  uint64_t bytes_written() const { return flushed_ + buffer_.size(); }

 private:
  void begin_event(char phase, uint32_t pid, uint32_t tid);
  void metadata(std::string_view what, uint32_t pid, uint32_t tid, std::string_view key);
  void put(std::string_view text) { buffer_.append(text); }
  void put_number(int64_t value);
  void put_microseconds(TimeNs ns);  // a time span in ns as microseconds, three decimals
  void put_string(std::string_view text);
  void flush_if_full();

  std::ostream& out_;
  TimeNs origin_;
  std::string buffer_;
  uint64_t flushed_ = 0;
  bool first_event_ = true;
  bool has_args_ = false;
  bool finished_ = false;
};

}  // namespace dd
