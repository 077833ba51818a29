// Kineto trace events as the importer sees them: one event object of the JSON stream read into
// a flat RawEvent (ph, cat, name, pid, tid, ts, dur, flow id and the args the importer uses) in
// one forward pass over a simdjson on-demand object, without allocating; the category names of
// every Kineto generation; and the exact microsecond -> nanosecond conversion of time tokens.
// Kept apart from kineto_importer.cc so that the JSON reading is separate from turning events
// into Trace rows.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace dd::kineto {

// What an event's `cat` says it is; the spellings of all Kineto generations map here.
// kFrameworkOp..kCudaEvent, in this order, are the categories of complete ("X") events.
enum class Category : uint8_t {
  kNone,  // the event has no `cat`
  kFrameworkOp,
  kPythonFunction,
  kUserAnnotation,
  kGpuUserAnnotation,
  kRuntime,
  kDriver,
  kKernel,
  kMemcpy,
  kMemset,
  kSync,
  kCudaEvent,
  kLaunchFlow,
  kForwardBackwardFlow,
  kMtiaDevice,   // Meta MTIA device activity (MTIAActivityProfiler): counted, not modeled
  kMtiaRuntime,  // Meta MTIA runtime calls: counted, not modeled
  kIgnored,  // known categories without task data: profiler spans, CUPTI overhead
  kUnknown,
};
Category classify_category(std::string_view cat);  // case-insensitive
inline bool is_span_category(Category category) {
  return category >= Category::kFrameworkOp && category <= Category::kCudaEvent;
}

// The integer `args` the importer reads (keys matched case-insensitively, e.g. "External id"
// and the 2021 "external id"; "Bytes" of [memory] events and "bytes" of copies share kBytes).
enum class Arg : uint8_t {
  kExternalId,
  kSequenceNumber,
  kCorrelation,
  kCbid,
  kDevice,
  kStream,
  kRegistersPerThread,
  kSharedMemory,
  kBytes,
  kEventRecordCorrelation,
  kEventId,
  kAddress,  // stored as the bits of a uint64
  kTotalAllocated,
  kTotalReserved,
  kDeviceType,
  kDeviceId,
  kCount,
};

struct EventArgs {
  int64_t values[static_cast<size_t>(Arg::kCount)] = {};
  uint32_t present = 0;  // one bit per Arg
  uint32_t grid[3] = {0, 0, 0};
  uint32_t block[3] = {0, 0, 0};
  std::string_view name;  // `M` events: the process or thread name
  // A framework op's recorded inputs ("Input Dims", "Input type", "Concrete Inputs"), as the
  // raw JSON arrays; empty when absent.
  std::string_view input_dims, input_types, concrete_inputs;

  bool has(Arg arg) const { return (present >> static_cast<unsigned>(arg)) & 1u; }
  int64_t get(Arg arg, int64_t fallback) const {
    return has(arg) ? values[static_cast<size_t>(arg)] : fallback;
  }
  void set(Arg arg, int64_t value) {
    values[static_cast<size_t>(arg)] = value;
    present |= 1u << static_cast<unsigned>(arg);
  }
};

// A pid or tid: a number, or a string that ends in one ("stream 7", "456"). Names such as
// "Spans" are not valid ids.
struct TrackId {
  int64_t value = 0;
  bool valid = false;
};

struct RawEvent {
  char ph = 0;  // 0 when missing or wrong-typed; '?' when not a single character
  std::string_view cat;
  std::string_view name;
  TrackId pid;
  TrackId tid;
  std::string_view ts;  // raw number tokens, converted exactly on use
  std::string_view dur;
  std::optional<uint64_t> id;  // flow id
  EventArgs args;
  uint32_t bad_args = 0;  // known args with the wrong type (ignored, event kept)
};

// A field's key as written in the file, without unescaping: the keys the importer looks for
// have no escapes, so an escaped key simply matches none of them.
std::string_view raw_key(const simdjson::ondemand::field& field);

// Calls fn(key, value) for each field of `object` (keys as raw_key gives them) until fn or the
// JSON returns an error, which it returns.
template <typename Fn>
simdjson::error_code for_each_field(simdjson::ondemand::object& object, Fn&& fn) {
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    if (auto error = std::move(field_result).get(field)) return error;
    if (auto error = fn(raw_key(field), field.value())) return error;
  }
  return simdjson::SUCCESS;
}

// Calls fn(value) for each element of `array` until fn or the JSON returns an error.
template <typename Fn>
simdjson::error_code for_each_element(simdjson::ondemand::array& array, Fn&& fn) {
  for (auto element : array) {
    simdjson::ondemand::value value;
    if (auto error = element.get(value)) return error;
    if (auto error = fn(value)) return error;
  }
  return simdjson::SUCCESS;
}

// Reads one event object into `event`, which it resets first. Strings point into the parser's
// buffers and stay valid while the document lives. Returns an error only when the JSON itself
// is broken; wrong-typed fields read as missing.
simdjson::error_code read_event(simdjson::ondemand::object& object, RawEvent& event);

// Exact conversion of a JSON number token in microseconds ("1712195495505543.2", "-3", "2.5e3",
// also a quoted number) to integer nanoseconds, rounding half away from zero below 1 ns.
// Doubles would lose the fraction of today's epoch timestamps. nullopt: not a number, or out
// of the int64 range.
std::optional<int64_t> microseconds_to_ns(std::string_view token);

// The integer a pid/tid string ends with ("stream 7" -> 7), or nullopt.
std::optional<int64_t> trailing_integer(std::string_view text);

// `text` without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view text);

}  // namespace dd::kineto
