// TraceEventWriter implementation: formatting into one buffer, flushed in blocks.
#include "reports/trace_event_writer.h"

#include <charconv>

#include "reports/json_writer.h"

namespace dd {

namespace {

constexpr size_t kFlushBytes = size_t{1} << 20;

}  // namespace

TraceEventWriter::TraceEventWriter(std::ostream& out, TimeNs origin) : out_(out), origin_(origin) {
  buffer_.reserve(kFlushBytes + 64 * 1024);
  put("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
}

TraceEventWriter::~TraceEventWriter() {
  if (!finished_) finish();
}

void TraceEventWriter::put_number(int64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), value);
  buffer_.append(digits, end);
}

void TraceEventWriter::put_microseconds(TimeNs relative) {
  if (relative < 0) {
    buffer_.push_back('-');
    relative = -relative;
  }
  put_number(relative / 1000);
  int64_t fraction = relative % 1000;
  char decimals[4] = {'.', static_cast<char>('0' + fraction / 100),
                      static_cast<char>('0' + fraction / 10 % 10),
                      static_cast<char>('0' + fraction % 10)};
  buffer_.append(decimals, sizeof(decimals));
}

void TraceEventWriter::put_string(std::string_view text) {
  append_json_string(buffer_, text);
}

void TraceEventWriter::flush_if_full() {
  if (buffer_.size() < kFlushBytes) return;
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  flushed_ += buffer_.size();
  buffer_.clear();
}

void TraceEventWriter::begin_event(char phase, uint32_t pid, uint32_t tid) {
  put(first_event_ ? "{\"ph\":\"" : ",\n{\"ph\":\"");
  first_event_ = false;
  buffer_.push_back(phase);
  put("\",\"pid\":");
  put_number(pid);
  put(",\"tid\":");
  put_number(tid);
  has_args_ = false;
}

void TraceEventWriter::end_event() {
  put(has_args_ ? "}}" : "}");
  has_args_ = false;
  flush_if_full();
}

void TraceEventWriter::metadata(std::string_view what, uint32_t pid, uint32_t tid,
                                std::string_view key) {
  begin_event('M', pid, tid);
  put(",\"name\":");
  put_string(what);
  put(",\"args\":{");
  put_string(key);
  buffer_.push_back(':');
}

void TraceEventWriter::process_name(uint32_t pid, std::string_view name) {
  metadata("process_name", pid, 0, "name");
  put_string(name);
  put("}}");
}

void TraceEventWriter::process_sort_index(uint32_t pid, int64_t index) {
  metadata("process_sort_index", pid, 0, "sort_index");
  put_number(index);
  put("}}");
}

void TraceEventWriter::thread_name(uint32_t pid, uint32_t tid, std::string_view name) {
  metadata("thread_name", pid, tid, "name");
  put_string(name);
  put("}}");
}

void TraceEventWriter::thread_sort_index(uint32_t pid, uint32_t tid, int64_t index) {
  metadata("thread_sort_index", pid, tid, "sort_index");
  put_number(index);
  put("}}");
}

void TraceEventWriter::begin_slice(uint32_t pid, uint32_t tid, TimeNs start, TimeNs duration,
                                   std::string_view name, std::string_view category) {
  begin_event('X', pid, tid);
  put(",\"ts\":");
  put_microseconds(start - origin_);
  put(",\"dur\":");
  put_microseconds(duration);
  put(",\"name\":");
  put_string(name);
  put(",\"cat\":");
  put_string(category);
}

void TraceEventWriter::arg(std::string_view key, std::string_view value) {
  put(has_args_ ? "," : ",\"args\":{");
  has_args_ = true;
  put_string(key);
  buffer_.push_back(':');
  put_string(value);
}

void TraceEventWriter::arg(std::string_view key, int64_t value) {
  put(has_args_ ? "," : ",\"args\":{");
  has_args_ = true;
  put_string(key);
  buffer_.push_back(':');
  put_number(value);
}

void TraceEventWriter::flow(uint32_t pid, uint64_t id, std::string_view name, uint32_t from_tid,
                            TimeNs from_time, uint32_t to_tid, TimeNs to_time) {
  // Both ends bind to the slice enclosing their time stamp; "s" always does, "f" with bp "e".
  for (bool start : {true, false}) {
    begin_event(start ? 's' : 'f', pid, start ? from_tid : to_tid);
    put(",\"ts\":");
    put_microseconds((start ? from_time : to_time) - origin_);
    put(",\"id\":");
    put_number(static_cast<int64_t>(id));
    put(",\"name\":");
    put_string(name);
    put(start ? ",\"cat\":\"flow\"}" : ",\"cat\":\"flow\",\"bp\":\"e\"}");
  }
  flush_if_full();
}

bool TraceEventWriter::finish() {
  if (finished_) return static_cast<bool>(out_);
  finished_ = true;
  put("\n]}\n");
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  flushed_ += buffer_.size();
  buffer_.clear();
  out_.flush();
  return static_cast<bool>(out_);
}

}  // namespace dd
