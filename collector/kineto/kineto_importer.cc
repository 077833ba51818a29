// Kineto (PyTorch profiler) JSON importer: streams the file (gzip or plain) through a window
// (json_stream.h), walks the top-level object itself, parses the event array a batch of whole
// events at a time (simdjson on-demand; see kineto_events.h) and appends rows to the Trace
// tables as it meets them, so memory holds the window and the tables, never the whole text. What
// needs the whole file — which API call launched which GPU op, which CPU process owns the GPU
// streams, forward -> backward links, names, devices, rank — is collected in a kineto::FileState
// and resolved afterwards (kineto_resolve.cc).
#include "collector/kineto/kineto_importer.h"

#include <simdjson.h>

#include <algorithm>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include "collector/kineto/json_stream.h"
#include "collector/kineto/kineto_events.h"
#include "collector/kineto/kineto_file_state.h"
#include "collector/kineto/trace_file_stream.h"
#include "collector/trace/trace_time.h"

namespace dd {

namespace {

namespace od = simdjson::ondemand;
using kineto::Arg;
using kineto::Category;
using kineto::DeviceProperties;
using kineto::Flows;
using kineto::GpuLocation;
using kineto::PendingStream;
using kineto::RawEvent;
using kineto::StreamUser;
using simdjson::SUCCESS;

constexpr std::string_view kMetadataPrefix = "kineto.";

template <typename T>
T clamp_to(int64_t value) {
  return static_cast<T>(
      std::clamp<int64_t>(value, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

// An id-like arg (correlation, external id): 0 when absent or negative (Kineto writes -1).
uint64_t id_arg(const kineto::EventArgs& args, Arg arg) {
  return static_cast<uint64_t>(std::max<int64_t>(0, args.get(arg, 0)));
}

// A time token in microseconds as nanoseconds, if it is a number within the trace time range.
std::optional<TimeNs> to_ns(std::string_view token) {
  std::optional<TimeNs> time = token.empty() ? std::nullopt : kineto::microseconds_to_ns(token);
  return time && is_trace_time(*time) ? time : std::nullopt;
}

CopyKind copy_kind_from_name(std::string_view name) {
  constexpr std::pair<std::string_view, CopyKind> kCodes[] = {
      {"HtoD", CopyKind::kHostToDevice},   {"DtoH", CopyKind::kDeviceToHost},
      {"DtoD", CopyKind::kDeviceToDevice}, {"HtoH", CopyKind::kHostToHost},
      {"PtoP", CopyKind::kPeerToPeer},
  };
  for (const auto& [code, kind] : kCodes) {
    if (name.find(code) != std::string_view::npos) return kind;
  }
  return CopyKind::kUnknown;
}

SyncKind sync_kind_from_name(std::string_view name) {
  constexpr std::pair<std::string_view, SyncKind> kNames[] = {
      {"Stream Wait Event", SyncKind::kStreamWaitEvent},
      {"Event Sync", SyncKind::kEventSynchronize},
      {"Stream Sync", SyncKind::kStreamSynchronize},
      {"Context Sync", SyncKind::kContextSynchronize},
  };
  for (const auto& [text, kind] : kNames) {
    if (name == text) return kind;
  }
  return SyncKind::kUnknown;
}

struct Span {
  TimeNs start = 0;
  TimeNs end = 0;
};

// The first-character view of a JSON value's type, for messages about values not parsed.
std::string_view json_type_name(char first) {
  if (first == '{') return "an object";
  if (first == '[') return "an array";
  if (first == '"') return "a string";
  if (first == 't' || first == 'f') return "a boolean";
  if (first == 'n') return "null";
  return "a number";
}

class KinetoImport {
 public:
  KinetoImport(const std::string& path, TraceBuilder& builder, const TraceFileStream& file,
               JsonStream& stream)
      : path_(path),
        builder_(builder),
        trace_(builder.trace()),
        file_(file),
        stream_(stream),
        state_(trace_) {}

  Result<void> run();

 private:
  // The document.
  Result<void> read_document();
  void note_damage(bool text_cut, uint64_t events);
  std::unexpected<Error> no_events_error() const;
  Result<void> read_trace_object();
  Result<char> peek_inside();
  Result<std::string> read_key();
  Result<void> read_event_array();
  simdjson::error_code read_events(od::array events);
  Result<void> read_top_level_value(std::string_view key);
  void add_metadata(std::string_view prefix, std::string_view key, od::value& value);
  template <typename Fn>
  simdjson::error_code visit_embedded_json(od::value& value, Fn&& fn);
  simdjson::error_code read_device_properties(od::value& value);
  simdjson::error_code read_device(od::value& value);
  simdjson::error_code read_distributed_info(od::value& value);
  std::unexpected<Error> batch_error(simdjson::error_code error, od::document* batch,
                                     const JsonStream::Piece& piece);

  // Events.
  void add_event(const RawEvent& e);
  void add_complete(const RawEvent& e);
  bool add_span(const RawEvent& e, Category category, Span span);
  void add_instant(const RawEvent& e);
  void add_flow_end(const RawEvent& e);
  void add_name(const RawEvent& e);
  bool add_cpu_range(const RawEvent& e, RangeKind kind, Span span);
  bool add_gpu_range(const RawEvent& e, Span span);
  bool add_api_call(const RawEvent& e, ApiSource source, Span span);
  bool add_gpu_op(const RawEvent& e, GpuOpKind kind, Span span);
  bool add_sync(const RawEvent& e, Span span);
  bool add_cuda_event(const RawEvent& e, TimeNs time);
  bool add_memory(const RawEvent& e);
  std::optional<Span> span_of(const RawEvent& e);
  uint32_t cpu_thread(const RawEvent& e);
  std::optional<GpuLocation> gpu_location(const RawEvent& e) const;

  const std::string& path_;
  TraceBuilder& builder_;
  Trace& trace_;
  const TraceFileStream& file_;
  JsonStream& stream_;
  od::parser batch_parser_;
  kineto::FileState state_;
  bool text_ended_ = false;  // the text ended inside the top-level object
  // Last CPU (pid, tid) -> thread lookup: consecutive events mostly share a thread.
  int64_t cached_pid_ = 0;
  int64_t cached_tid_ = 0;
  uint32_t cached_thread_ = kNone;
};

// Parses a small piece of JSON text on its own (a top-level value, or the JSON inside a string)
// and calls fn on its value. The text is wrapped in "[...]" so that scalars parse too.
template <typename Fn>
simdjson::error_code visit_json_text(std::string_view text, Fn&& fn) {
  std::string wrapped;
  wrapped.reserve(text.size() + 2);
  wrapped.append("[").append(text).append("]");
  simdjson::padded_string copy(wrapped);
  od::parser parser;
  od::document document;
  od::array array;
  if (auto error = parser.iterate(copy).get(document)) return error;
  if (auto error = document.get_array().get(array)) return error;
  bool seen = false;
  return kineto::for_each_element(array, [&](od::value& value) {
    if (seen) return simdjson::TAPE_ERROR;  // "[1, 2]" was not one value
    seen = true;
    return fn(value);
  });
}

// ---- The document ---------------------------------------------------------------------------

// A file cut short (a profiler killed while writing, a partial copy, damaged gzip data) keeps
// what came before the cut, counted and noted; a file with no readable event is an error.
Result<void> KinetoImport::run() {
  size_t events_before = trace_.event_count();
  Result<void> read = read_document();
  bool text_cut = stream_.ended_inside() || text_ended_;
  if (!read && !text_cut) return read;
  kineto::resolve_file(builder_, state_);
  uint64_t events = trace_.event_count() - events_before;
  if (text_cut && events == 0) {
    return bad_input(path_ + ": the file ends at byte " + std::to_string(stream_.text_read()) +
                     " of its text, before any complete trace event (truncated" +
                     (file_.damage().empty() ? "" : ": " + file_.damage()) + ")");
  }
  if (events == 0) return no_events_error();
  if (text_cut || !file_.damage().empty()) note_damage(text_cut, events);
  return {};
}

void KinetoImport::note_damage(bool text_cut, uint64_t events) {
  std::string gzip = file_.damage().empty() ? "" : "; " + file_.damage();
  if (!text_cut) {  // e.g. a gzip stream without its trailer around a whole JSON text
    trace_.diagnostics.add("kineto_damaged_gzip", Severity::kWarning);
    trace_.diagnostics.note(Severity::kWarning,
                            path_ + ": the gzip data is damaged after the end of the JSON text (" +
                                file_.damage() + "); every event was read");
    return;
  }
  trace_.diagnostics.add("kineto_truncated_file", Severity::kDataLoss);
  if (stream_.dropped_partial_element()) {
    trace_.diagnostics.add("kineto_truncated_event", Severity::kDataLoss);
  }
  trace_.diagnostics.note(
      Severity::kDataLoss,
      path_ + ": the file is truncated (its text ends at byte " +
          std::to_string(stream_.text_read()) + gzip + "): loaded the " +
          std::to_string(events) + " events before the cut" +
          (stream_.dropped_partial_element() ? ", dropped the incomplete one at the cut" : "") +
          "; whatever followed is lost");
}

std::unexpected<Error> KinetoImport::no_events_error() const {
  std::string skipped;
  auto add = [&](uint64_t count, std::string_view what) {
    if (count == 0) return;
    skipped += (skipped.empty() ? " (" : ", ") + std::to_string(count) + " " + std::string(what);
  };
  add(state_.counts.malformed_event, "malformed: not an object, or no usable ph, ts or dur");
  add(state_.counts.unknown_category, "of unknown categories");
  add(state_.counts.unsupported_phase, "of unsupported phases");
  if (!skipped.empty()) skipped += ")";
  return bad_input(path_ + ": no readable trace event" + skipped +
                   "; a PyTorch profiler trace holds events such as {\"ph\": \"X\", \"cat\": "
                   "\"kernel\", \"name\": ..., \"ts\": ..., \"dur\": ...} in traceEvents");
}

Result<void> KinetoImport::read_document() {
  auto first = stream_.peek();
  if (!first) return std::unexpected(first.error());
  if (*first == '\0') return stream_.invalid("the file holds no JSON value", stream_.offset());
  if (*first == '[') {
    if (auto read = read_event_array(); !read) return read;
  } else if (*first == '{') {
    if (auto read = read_trace_object(); !read) return read;
  } else {
    return bad_input(path_ + ": not a Kineto trace (the top level is " +
                     std::string(json_type_name(*first)) + ", not an object with traceEvents)");
  }
  auto rest = stream_.peek();
  if (!rest) return std::unexpected(rest.error());
  if (*rest != '\0') {
    return bad_input(path_ + ": invalid JSON: unexpected content after the trace at byte " +
                     std::to_string(stream_.offset()));
  }
  return {};
}

// The next character inside the top-level object: the end of the text there is a cut.
Result<char> KinetoImport::peek_inside() {
  auto next = stream_.peek();
  if (next && *next == '\0') {
    text_ended_ = true;
    return stream_.invalid("the text ends inside the top-level object", stream_.offset());
  }
  return next;
}

// The top-level object, key by key: traceEvents is read in batches; the other values (metadata,
// deviceProperties, distributedInfo) are small and parsed whole.
Result<void> KinetoImport::read_trace_object() {
  stream_.consume();  // '{'
  bool has_events = false;
  for (bool first = true;; first = false) {
    auto next = peek_inside();
    if (!next) return std::unexpected(next.error());
    if (first && *next == '}') {
      stream_.consume();
      break;
    }
    auto key = read_key();
    if (!key) return std::unexpected(key.error());
    if (auto read = read_top_level_value(*key); !read) return read;
    has_events = has_events || *key == "traceEvents";
    auto after = peek_inside();
    if (!after) return std::unexpected(after.error());
    if (*after != ',' && *after != '}') {
      return stream_.invalid(
          "expected ',' or '}' after the value of \"" + one_line(*key, 80) + "\"",
          stream_.offset());
    }
    stream_.consume();
    if (*after == '}') break;
  }
  if (!has_events) return bad_input(path_ + ": not a Kineto trace (no traceEvents array)");
  return {};
}

// `"key":` of the top-level object, the key unescaped.
Result<std::string> KinetoImport::read_key() {
  auto quote = peek_inside();
  if (!quote) return std::unexpected(quote.error());
  if (*quote != '"')
    return stream_.invalid("expected a key in the top-level object", stream_.offset());
  auto text = stream_.value();
  if (!text) return std::unexpected(text.error());
  std::string key;
  auto unescape = [&](od::value& value) {
    std::string_view unescaped;
    auto error = value.get_string().get(unescaped);
    key = unescaped;
    return error;
  };
  if (visit_json_text(text->text, unescape) != SUCCESS) {
    return stream_.invalid("malformed key in the top-level object", text->offset);
  }
  auto colon = peek_inside();
  if (!colon) return std::unexpected(colon.error());
  if (*colon != ':') {
    return stream_.invalid("expected ':' after \"" + one_line(key, 80) + "\"", stream_.offset());
  }
  stream_.consume();
  return key;
}

Result<void> KinetoImport::read_top_level_value(std::string_view key) {
  if (key == "traceEvents") {
    auto first = peek_inside();
    if (!first) return std::unexpected(first.error());
    if (*first == '[') return read_event_array();
    return bad_input(path_ + ": not a Kineto trace (traceEvents is " +
                     std::string(json_type_name(*first)) + ", not an array)");
  }
  auto value = stream_.value();
  if (!value) return std::unexpected(value.error());
  simdjson::error_code error = visit_json_text(value->text, [&](od::value& parsed) {
    if (key == "deviceProperties") return read_device_properties(parsed);
    if (key == "distributedInfo") return read_distributed_info(parsed);
    add_metadata("", key, parsed);
    return SUCCESS;
  });
  if (error != SUCCESS) ++state_.counts.malformed_metadata;
  return {};
}

// The event array, a batch of whole events at a time, each batch parsed as its own document.
Result<void> KinetoImport::read_event_array() {
  for (;;) {
    auto batch = stream_.array_batch();
    if (!batch) return std::unexpected(batch.error());
    simdjson::padded_string_view text(batch->text.data(), batch->text.size(),
                                      batch->text.size() + simdjson::SIMDJSON_PADDING);
    od::document document;
    od::array events;
    if (auto error = batch_parser_.iterate(text).get(document)) {
      return batch_error(error, nullptr, *batch);  // no document to ask for a location
    }
    simdjson::error_code error = document.get_array().get(events);
    if (!error) error = read_events(events);
    if (error) return batch_error(error, &document, *batch);
    if (batch->last) return {};
  }
}

simdjson::error_code KinetoImport::read_events(od::array events) {
  RawEvent event;
  return kineto::for_each_element(events, [&](od::value& value) {
    od::object object;
    if (value.get_object().get(object) != SUCCESS) {
      ++state_.counts.malformed_event;
      return SUCCESS;
    }
    if (auto error = kineto::read_event(object, event)) return error;
    add_event(event);
    return SUCCESS;
  });
}

// Scalars become metadata "kineto.<prefix><key>"; containers (logs, configs) are skipped.
void KinetoImport::add_metadata(std::string_view prefix, std::string_view key, od::value& value) {
  od::json_type type;
  if (value.type().get(type) != SUCCESS) return;
  std::string_view text;
  bool flag = false;
  if (type == od::json_type::string) {
    if (value.get_string().get(text) != SUCCESS) return;
  } else if (type == od::json_type::number) {
    text = kineto::trim(value.raw_json_token());
  } else if (type == od::json_type::boolean) {
    if (value.get_bool().get(flag) != SUCCESS) return;
    text = flag ? "true" : "false";
  } else {
    return;
  }
  std::string name(kMetadataPrefix);
  name.append(prefix).append(key);
  trace_.metadata[std::move(name)] = std::string(text);
}

// Calls fn on `value`, or, when it is a string (some Kineto versions write deviceProperties
// and distributedInfo that way), on the JSON document the string holds.
template <typename Fn>
simdjson::error_code KinetoImport::visit_embedded_json(od::value& value, Fn&& fn) {
  od::json_type type;
  if (auto error = value.type().get(type)) return error;
  if (type != od::json_type::string) return fn(value);
  std::string_view text;
  if (auto error = value.get_string().get(text)) return error;
  return visit_json_text(text, fn);
}

simdjson::error_code KinetoImport::read_device_properties(od::value& value) {
  return visit_embedded_json(value, [this](od::value& root) {
    od::array list;
    if (auto error = root.get_array().get(list)) return error;
    return kineto::for_each_element(list,
                                    [this](od::value& device) { return read_device(device); });
  });
}

// One deviceProperties entry; columns the trace model has no place for may have any type.
simdjson::error_code KinetoImport::read_device(od::value& value) {
  od::object object;
  if (auto error = value.get_object().get(object)) return error;
  DeviceProperties device;
  bool has_id = false;
  auto error = kineto::for_each_field(object, [&](std::string_view key, od::value& field) {
    std::string_view name;
    int64_t number = 0;
    if (key == "name") {
      if (field.get_string().get(name) == SUCCESS) device.name = builder_.intern(name);
    } else if (field.get_int64().get(number) != SUCCESS) {
      return SUCCESS;
    } else if (key == "id") {
      device.id = clamp_to<int32_t>(number);
      has_id = true;
    } else if (key == "totalGlobalMem") {
      device.total_memory_bytes = static_cast<uint64_t>(std::max<int64_t>(number, 0));
    } else if (key == "numSms") {
      device.sm_count = clamp_to<int32_t>(number);
    } else if (key == "computeMajor") {
      device.compute_major = clamp_to<int8_t>(number);
    } else if (key == "computeMinor") {
      device.compute_minor = clamp_to<int8_t>(number);
    }
    return SUCCESS;
  });
  if (error) return error;
  if (!has_id) return simdjson::NO_SUCH_FIELD;
  state_.devices.push_back(device);
  return SUCCESS;
}

simdjson::error_code KinetoImport::read_distributed_info(od::value& value) {
  return visit_embedded_json(value, [this](od::value& root) {
    od::object object;
    if (auto error = root.get_object().get(object)) return error;
    return kineto::for_each_field(object, [this](std::string_view key, od::value& field) {
      if (key != "rank") {
        add_metadata("distributedInfo.", key, field);
        return SUCCESS;
      }
      int64_t rank = 0;
      if (auto error = field.get_int64().get(rank)) return error;
      state_.rank = clamp_to<int32_t>(rank);
      return SUCCESS;
    });
  });
}

// The error's place: where the batch's parse stopped, or the batch's start when the batch did
// not even begin to parse.
std::unexpected<Error> KinetoImport::batch_error(simdjson::error_code error, od::document* batch,
                                                 const JsonStream::Piece& piece) {
  std::string message = path_ + ": invalid JSON: " + simdjson::error_message(error);
  const char* location = nullptr;
  uint64_t offset = piece.offset;
  if (batch != nullptr && batch->current_location().get(location) == SUCCESS &&
      location >= piece.text.data()) {
    offset += static_cast<uint64_t>(location - piece.text.data());
  }
  return bad_input(message + " (near byte " + std::to_string(offset) + ")");
}

// ---- Events ---------------------------------------------------------------------------------

void KinetoImport::add_event(const RawEvent& e) {
  switch (e.ph) {
    case 'X':
      add_complete(e);
      break;
    case 'i':
    case 'I':
      add_instant(e);
      break;
    case 's':
    case 'f':
      add_flow_end(e);
      break;
    case 'M':
      add_name(e);
      break;
    case 0:
      ++state_.counts.malformed_event;
      break;
    default:
      ++state_.counts.unsupported_phase;
  }
}

void KinetoImport::add_complete(const RawEvent& e) {
  Category category = kineto::classify_category(e.cat);
  if (category == Category::kIgnored) return;
  if (category == Category::kNone) {
    ++state_.counts.malformed_event;
    return;
  }
  if (category == Category::kMtiaDevice || category == Category::kMtiaRuntime) {
    ++(category == Category::kMtiaDevice ? state_.counts.mtia_device_event
                                         : state_.counts.mtia_runtime_call);
    return;
  }
  if (!kineto::is_span_category(category)) {
    ++state_.counts.unknown_category;
    return;
  }
  std::optional<Span> span = span_of(e);
  if (!span || !add_span(e, category, *span)) {
    ++state_.counts.malformed_event;
    return;
  }
  state_.counts.malformed_arg += e.bad_args;
}

bool KinetoImport::add_span(const RawEvent& e, Category category, Span span) {
  switch (category) {
    case Category::kFrameworkOp:
      return add_cpu_range(e, RangeKind::kFrameworkOp, span);
    case Category::kPythonFunction:
      return add_cpu_range(e, RangeKind::kPythonFunction, span);
    case Category::kUserAnnotation:
      return add_cpu_range(e, RangeKind::kUserAnnotation, span);
    case Category::kGpuUserAnnotation:
      return add_gpu_range(e, span);
    case Category::kRuntime:
      return add_api_call(e, ApiSource::kRuntime, span);
    case Category::kDriver:
      return add_api_call(e, ApiSource::kDriver, span);
    case Category::kKernel:
      return add_gpu_op(e, GpuOpKind::kKernel, span);
    case Category::kMemcpy:
      return add_gpu_op(e, GpuOpKind::kMemcpy, span);
    case Category::kMemset:
      return add_gpu_op(e, GpuOpKind::kMemset, span);
    case Category::kSync:
      return add_sync(e, span);
    default:  // kCudaEvent, the last span category
      return add_cuda_event(e, span.start);
  }
}

// Instants: allocator `[memory]` events and CUDA event records; the rest (iteration-start
// markers, out-of-memory notes) carry no task.
void KinetoImport::add_instant(const RawEvent& e) {
  bool added = true;
  if (e.name == "[memory]") {
    added = add_memory(e);
  } else if (kineto::classify_category(e.cat) == Category::kCudaEvent) {
    std::optional<TimeNs> time = to_ns(e.ts);
    added = time && add_cuda_event(e, *time);
  } else {
    return;
  }
  if (!added) {
    ++state_.counts.malformed_event;
    return;
  }
  state_.counts.malformed_arg += e.bad_args;
}

void KinetoImport::add_flow_end(const RawEvent& e) {
  Category category = kineto::classify_category(e.cat);
  Flows* flows = category == Category::kLaunchFlow            ? &state_.launch_flows
                 : category == Category::kForwardBackwardFlow ? &state_.forward_backward_flows
                                                              : nullptr;
  if (flows == nullptr) {
    ++state_.counts.unknown_category;
    return;
  }
  std::optional<TimeNs> time = to_ns(e.ts);
  if (!time || !e.id || !e.pid.valid || !e.tid.valid) {
    ++state_.counts.malformed_event;
    return;
  }
  (e.ph == 's' ? flows->starts : flows->finishes)
      .push_back({*e.id, e.pid.value, e.tid.value, *time});
}

// `M` process_name / thread_name; the other metadata events (sort indexes, labels) are unused.
void KinetoImport::add_name(const RawEvent& e) {
  bool is_process = e.name == "process_name";
  if (!is_process && e.name != "thread_name") return;
  if (!e.pid.valid || (!is_process && !e.tid.valid)) return;  // e.g. the "Spans" pseudo-process
  state_.names.push_back(
      {e.pid.value, e.tid.value, builder_.intern(kineto::trim(e.args.name)), is_process});
}

std::optional<Span> KinetoImport::span_of(const RawEvent& e) {
  std::optional<TimeNs> start = to_ns(e.ts);
  std::optional<TimeNs> duration = to_ns(e.dur);
  if (!start || !duration) return std::nullopt;
  if (*duration < 0) {
    ++state_.counts.negative_duration;
    duration = 0;
  }
  if (!is_trace_time(*start + *duration)) return std::nullopt;  // both < 2^62: no overflow
  return Span{*start, *start + *duration};
}

uint32_t KinetoImport::cpu_thread(const RawEvent& e) {
  if (!e.pid.valid || !e.tid.valid) return kNone;
  if (cached_thread_ == kNone || e.pid.value != cached_pid_ || e.tid.value != cached_tid_) {
    cached_thread_ = builder_.thread(builder_.process(e.pid.value), e.tid.value);
    cached_pid_ = e.pid.value;
    cached_tid_ = e.tid.value;
  }
  return cached_thread_;
}

// Device from args `device`, else the pid; stream from args `stream`, else the tid.
std::optional<GpuLocation> KinetoImport::gpu_location(const RawEvent& e) const {
  const kineto::EventArgs& args = e.args;
  if (!(args.has(Arg::kDevice) || e.pid.valid) || !(args.has(Arg::kStream) || e.tid.valid)) {
    return std::nullopt;
  }
  int64_t device = args.get(Arg::kDevice, e.pid.value);
  int64_t stream = args.get(Arg::kStream, e.tid.value);
  return GpuLocation{e.pid.valid ? e.pid.value : device, e.tid.valid ? e.tid.value : stream,
                     clamp_to<int32_t>(device), stream};
}

bool KinetoImport::add_cpu_range(const RawEvent& e, RangeKind kind, Span span) {
  uint32_t thread = cpu_thread(e);
  if (thread == kNone) return false;
  RangeRow row;
  row.start = span.start;
  row.end = span.end;
  row.kind = kind;
  row.thread = thread;
  row.name = builder_.intern(e.name);
  row.external_id = id_arg(e.args, Arg::kExternalId);
  row.sequence_number = e.args.get(Arg::kSequenceNumber, -1);
  row.input_dims = builder_.intern(e.args.input_dims);
  row.input_types = builder_.intern(e.args.input_types);
  row.concrete_inputs = builder_.intern(e.args.concrete_inputs);
  trace_.ranges.append(row);
  return true;
}

bool KinetoImport::add_gpu_range(const RawEvent& e, Span span) {
  std::optional<GpuLocation> location = gpu_location(e);
  if (!location) return false;
  RangeRow row;
  row.start = span.start;
  row.end = span.end;
  row.kind = RangeKind::kGpuUserAnnotation;
  row.name = builder_.intern(e.name);
  row.external_id = id_arg(e.args, Arg::kExternalId);
  state_.pending.push_back({StreamUser::kRange, trace_.ranges.append(row), *location});
  return true;
}

bool KinetoImport::add_api_call(const RawEvent& e, ApiSource source, Span span) {
  uint32_t thread = cpu_thread(e);
  if (thread == kNone) return false;
  ApiCallRow row;
  row.start = span.start;
  row.end = span.end;
  row.thread = thread;
  row.correlation = id_arg(e.args, Arg::kCorrelation);
  row.name = builder_.intern(e.name);
  row.source = source;
  row.cbid = clamp_to<int32_t>(e.args.get(Arg::kCbid, -1));
  row.external_id = id_arg(e.args, Arg::kExternalId);
  trace_.api_calls.append(row);
  return true;
}

bool KinetoImport::add_gpu_op(const RawEvent& e, GpuOpKind kind, Span span) {
  std::optional<GpuLocation> location = gpu_location(e);
  if (!location) return false;
  const kineto::EventArgs& args = e.args;
  GpuOpRow row;
  row.start = span.start;
  row.end = span.end;
  row.kind = kind;
  row.correlation = id_arg(args, Arg::kCorrelation);
  row.name = builder_.intern(e.name);
  row.external_id = id_arg(args, Arg::kExternalId);
  row.bytes = id_arg(args, Arg::kBytes);
  row.copy_kind = kind == GpuOpKind::kMemcpy ? copy_kind_from_name(e.name) : CopyKind::kNotACopy;
  std::copy(std::begin(args.grid), std::end(args.grid), row.grid);
  std::copy(std::begin(args.block), std::end(args.block), row.block);
  row.registers_per_thread = clamp_to<uint16_t>(args.get(Arg::kRegistersPerThread, 0));
  row.shared_memory_bytes = clamp_to<uint32_t>(args.get(Arg::kSharedMemory, 0));
  state_.pending.push_back({StreamUser::kGpuOp, trace_.gpu_ops.append(row), *location});
  return true;
}

// Kineto `cuda_sync` (pid = device, tid = stream; -1 for context syncs). The issuing thread is
// the API call with the same correlation, found after the pass.
bool KinetoImport::add_sync(const RawEvent& e, Span span) {
  std::optional<GpuLocation> location = gpu_location(e);
  if (!location) return false;
  SyncRow row;
  row.start = span.start;
  row.end = span.end;
  row.kind = sync_kind_from_name(e.name);
  row.correlation = id_arg(e.args, Arg::kCorrelation);
  row.event_id = id_arg(e.args, Arg::kEventId);
  row.event_record_correlation = id_arg(e.args, Arg::kEventRecordCorrelation);
  state_.pending.push_back({StreamUser::kSync, trace_.syncs.append(row), *location});
  return true;
}

bool KinetoImport::add_cuda_event(const RawEvent& e, TimeNs time) {
  std::optional<GpuLocation> location = gpu_location(e);
  if (!location) return false;
  CudaEventRow row;
  row.time = time;
  row.correlation = id_arg(e.args, Arg::kCorrelation);
  row.event_id = id_arg(e.args, Arg::kEventId);
  state_.pending.push_back({StreamUser::kCudaEvent, trace_.cuda_events.append(row), *location});
  return true;
}

// `[memory]` instants: Bytes < 0 is a free; Device Type 0 is host memory, any other type the
// device `Device Id`.
bool KinetoImport::add_memory(const RawEvent& e) {
  std::optional<TimeNs> time = to_ns(e.ts);
  uint32_t thread = cpu_thread(e);
  if (!time || thread == kNone || !e.args.has(Arg::kBytes)) return false;
  const kineto::EventArgs& args = e.args;
  int64_t bytes = std::max(args.get(Arg::kBytes, 0), -std::numeric_limits<int64_t>::max());
  MemoryEventRow row;
  row.time = *time;
  row.process = trace_.threads.process[thread];
  row.thread = thread;
  row.device =
      args.get(Arg::kDeviceType, 0) == 0 ? -1 : clamp_to<int32_t>(args.get(Arg::kDeviceId, -1));
  row.address = static_cast<uint64_t>(args.get(Arg::kAddress, 0));
  row.bytes = bytes < 0 ? -bytes : bytes;
  row.op = bytes < 0 ? MemoryOp::kFree : MemoryOp::kAlloc;
  row.total_allocated = args.get(Arg::kTotalAllocated, -1);
  row.total_reserved = args.get(Arg::kTotalReserved, -1);
  trace_.memory_events.append(row);
  return true;
}

}  // namespace

Result<void> import_kineto_file(const std::string& path, TraceBuilder& builder, Progress* progress,
                                size_t window_bytes) {
  try {
    TraceFileStream file(path, progress);
    if (auto opened = file.open(); !opened) return opened;
    JsonStream stream(file, window_bytes);
    return KinetoImport(path, builder, file, stream).run();
  } catch (const std::bad_alloc&) {
    return io_error(path + ": out of memory while importing");
  } catch (const std::exception& error) {
    return bad_input(path + ": " + error.what());
  }
}

}  // namespace dd
