// Reading Kineto event objects field by field with simdjson on-demand, and the exact time
// conversion.
#include "collector/kineto/kineto_events.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <utility>

namespace dd::kineto {

namespace od = simdjson::ondemand;
using simdjson::SUCCESS;

namespace {

constexpr size_t kMaxNameLength = 40;  // longer than every category and arg name below

struct CategoryName {
  std::string_view name;  // lower case
  Category category;
};

// Current names first (most events), then the 2021 and 2022 spellings.
constexpr CategoryName kCategories[] = {
    {"cpu_op", Category::kFrameworkOp},
    {"cuda_runtime", Category::kRuntime},
    {"kernel", Category::kKernel},
    {"ac2g", Category::kLaunchFlow},
    {"python_function", Category::kPythonFunction},
    {"user_annotation", Category::kUserAnnotation},
    {"gpu_user_annotation", Category::kGpuUserAnnotation},
    {"gpu_memcpy", Category::kMemcpy},
    {"gpu_memset", Category::kMemset},
    {"fwdbwd", Category::kForwardBackwardFlow},
    {"cuda_driver", Category::kDriver},
    {"cuda_sync", Category::kSync},
    {"cuda_event", Category::kCudaEvent},
    {"trace", Category::kIgnored},
    {"overhead", Category::kIgnored},
    {"operator", Category::kFrameworkOp},
    {"runtime", Category::kRuntime},
    {"memcpy", Category::kMemcpy},
    {"memset", Category::kMemset},
    {"user annotation", Category::kUserAnnotation},
    {"async", Category::kLaunchFlow},
    {"async_cpu_to_gpu", Category::kLaunchFlow},
    {"mtia_ccp_events", Category::kMtiaDevice},
    {"mtia_runtime", Category::kMtiaRuntime},
};

enum class ArgShape : uint8_t { kInteger, kUnsigned, kName, kGrid, kBlock, kInputDims,
                                kInputTypes, kConcreteInputs };

struct ArgKey {
  std::string_view name;  // lower case
  ArgShape shape;
  Arg arg;
};

constexpr ArgKey kArgKeys[] = {
    {"external id", ArgShape::kInteger, Arg::kExternalId},
    {"correlation", ArgShape::kInteger, Arg::kCorrelation},
    {"sequence number", ArgShape::kInteger, Arg::kSequenceNumber},
    {"cbid", ArgShape::kInteger, Arg::kCbid},
    {"device", ArgShape::kInteger, Arg::kDevice},
    {"stream", ArgShape::kInteger, Arg::kStream},
    {"grid", ArgShape::kGrid, Arg::kCount},
    {"block", ArgShape::kBlock, Arg::kCount},
    {"registers per thread", ArgShape::kInteger, Arg::kRegistersPerThread},
    {"shared memory", ArgShape::kInteger, Arg::kSharedMemory},
    {"bytes", ArgShape::kInteger, Arg::kBytes},
    {"addr", ArgShape::kUnsigned, Arg::kAddress},
    {"total allocated", ArgShape::kInteger, Arg::kTotalAllocated},
    {"total reserved", ArgShape::kInteger, Arg::kTotalReserved},
    {"device type", ArgShape::kInteger, Arg::kDeviceType},
    {"device id", ArgShape::kInteger, Arg::kDeviceId},
    {"wait_on_cuda_event_record_corr_id", ArgShape::kInteger, Arg::kEventRecordCorrelation},
    {"wait_on_cuda_event_id", ArgShape::kInteger, Arg::kEventId},
    {"event_id", ArgShape::kInteger, Arg::kEventId},
    {"name", ArgShape::kName, Arg::kCount},
    {"input dims", ArgShape::kInputDims, Arg::kCount},
    {"input type", ArgShape::kInputTypes, Arg::kCount},
    {"concrete inputs", ArgShape::kConcreteInputs, Arg::kCount},
};

enum class EventKey : uint8_t { kPh, kCat, kName, kPid, kTid, kTs, kDur, kId, kArgs, kOther };

char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// The entry of `table` whose lower-case name equals `text` ignoring ASCII case, or nullptr.
template <typename Entry, size_t N>
const Entry* find_ignoring_case(const Entry (&table)[N], std::string_view text) {
  char lower[kMaxNameLength];
  if (text.size() > kMaxNameLength) return nullptr;
  std::transform(text.begin(), text.end(), lower, to_lower);
  std::string_view key(lower, text.size());
  for (const Entry& entry : table) {
    if (entry.name == key) return &entry;
  }
  return nullptr;
}

EventKey classify_event_key(std::string_view key) {
  if (key == "ph") return EventKey::kPh;
  if (key == "ts") return EventKey::kTs;
  if (key == "dur") return EventKey::kDur;
  if (key == "pid") return EventKey::kPid;
  if (key == "tid") return EventKey::kTid;
  if (key == "cat") return EventKey::kCat;
  if (key == "name") return EventKey::kName;
  if (key == "args") return EventKey::kArgs;
  if (key == "id") return EventKey::kId;
  return EventKey::kOther;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// A pid/tid: a number, or the integer a string ends with; invalid otherwise ("Spans").
TrackId read_track_id(od::value& value) {
  od::json_type type;
  if (value.type().get(type) != SUCCESS) return {};
  int64_t number = 0;
  if (type == od::json_type::number) {
    return value.get_int64().get(number) == SUCCESS ? TrackId{number, true} : TrackId{};
  }
  std::string_view text;
  if (type != od::json_type::string || value.get_string().get(text) != SUCCESS) return {};
  std::optional<int64_t> parsed = trailing_integer(text);
  return parsed ? TrackId{*parsed, true} : TrackId{};
}

// The raw token of a number (or of a string that may hold one); empty for other types.
std::string_view read_number_token(od::value& value) {
  od::json_type type;
  if (value.type().get(type) != SUCCESS) return {};
  if (type != od::json_type::number && type != od::json_type::string) return {};
  return value.raw_json_token();
}

// A flow id: a number, or a string holding a decimal number.
std::optional<uint64_t> read_flow_id(od::value& value) {
  od::json_type type;
  if (value.type().get(type) != SUCCESS) return std::nullopt;
  uint64_t id = 0;
  if (type == od::json_type::number) {
    if (value.get_uint64().get(id) != SUCCESS) return std::nullopt;
    return id;
  }
  std::string_view text;
  if (type != od::json_type::string || value.get_string().get(text) != SUCCESS) {
    return std::nullopt;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return id;
}

// Reads a [x, y, z] launch dimension. `ok` turns false on a wrong shape; the error code is
// only for broken JSON.
simdjson::error_code read_dim3(od::value& value, uint32_t (&out)[3], bool& ok) {
  od::array array;
  if (value.get_array().get(array) != SUCCESS) {
    ok = false;
    return SUCCESS;
  }
  size_t index = 0;
  return for_each_element(array, [&](od::value& item) {
    uint64_t number = 0;
    if (index < 3 && item.get_uint64().get(number) == SUCCESS) {
      out[index] = static_cast<uint32_t>(std::min<uint64_t>(number, UINT32_MAX));
    } else {
      ok = false;
    }
    ++index;
    return SUCCESS;
  });
}

// Where an input-description arg's raw JSON goes, or nullptr for other shapes.
std::string_view* raw_json_target(ArgShape shape, EventArgs& args) {
  switch (shape) {
    case ArgShape::kInputDims: return &args.input_dims;
    case ArgShape::kInputTypes: return &args.input_types;
    case ArgShape::kConcreteInputs: return &args.concrete_inputs;
    default: return nullptr;
  }
}

bool read_arg_value(od::value& value, const ArgKey& key, EventArgs& args) {
  if (key.shape == ArgShape::kName) return value.get_string().get(args.name) == SUCCESS;
  if (std::string_view* target = raw_json_target(key.shape, args)) {
    od::array array;
    return value.get_array().get(array) == SUCCESS && array.raw_json().get(*target) == SUCCESS;
  }
  if (key.shape == ArgShape::kUnsigned) {
    uint64_t number = 0;
    if (value.get_uint64().get(number) != SUCCESS) return false;
    args.set(key.arg, static_cast<int64_t>(number));
    return true;
  }
  int64_t number = 0;
  if (value.get_int64().get(number) != SUCCESS) return false;
  args.set(key.arg, number);
  return true;
}

simdjson::error_code read_args(od::value& value, RawEvent& event) {
  od::object object;
  if (value.get_object().get(object) != SUCCESS) {
    ++event.bad_args;
    return SUCCESS;
  }
  return for_each_field(object, [&event](std::string_view key, od::value& arg) {
    const ArgKey* arg_key = find_ignoring_case(kArgKeys, key);
    if (arg_key == nullptr) return SUCCESS;
    bool ok = true;
    if (arg_key->shape == ArgShape::kGrid || arg_key->shape == ArgShape::kBlock) {
      uint32_t(&dims)[3] = arg_key->shape == ArgShape::kGrid ? event.args.grid : event.args.block;
      if (auto error = read_dim3(arg, dims, ok)) return error;
    } else {
      ok = read_arg_value(arg, *arg_key, event.args);
    }
    if (!ok) ++event.bad_args;
    return SUCCESS;
  });
}

// Reads one top-level field of an event; wrong types leave the field missing.
simdjson::error_code read_event_field(EventKey key, od::value& value, RawEvent& event) {
  std::string_view text;
  switch (key) {
    case EventKey::kPh:
      if (value.get_string().get(text) == SUCCESS) event.ph = text.size() == 1 ? text[0] : '?';
      break;
    case EventKey::kCat:
      if (value.get_string().get(event.cat) != SUCCESS) event.cat = {};
      break;
    case EventKey::kName:
      if (value.get_string().get(event.name) != SUCCESS) event.name = {};
      break;
    case EventKey::kPid:
      event.pid = read_track_id(value);
      break;
    case EventKey::kTid:
      event.tid = read_track_id(value);
      break;
    case EventKey::kTs:
      event.ts = read_number_token(value);
      break;
    case EventKey::kDur:
      event.dur = read_number_token(value);
      break;
    case EventKey::kId:
      event.id = read_flow_id(value);
      break;
    case EventKey::kArgs:
      return read_args(value, event);
    case EventKey::kOther:
      break;
  }
  return SUCCESS;
}

}  // namespace

Category classify_category(std::string_view cat) {
  if (cat.empty()) return Category::kNone;
  const CategoryName* entry = find_ignoring_case(kCategories, cat);
  return entry != nullptr ? entry->category : Category::kUnknown;
}

simdjson::error_code read_event(od::object& object, RawEvent& event) {
  event = RawEvent{};
  return for_each_field(object, [&event](std::string_view key, od::value& value) {
    return read_event_field(classify_event_key(key), value, event);
  });
}

std::string_view raw_key(const od::field& field) {
  const char* begin = field.key().raw();
  const char* end = begin;
  while (*end != '"') end += *end == '\\' ? 2 : 1;  // the closing quote is guaranteed
  return {begin, static_cast<size_t>(end - begin)};
}

std::optional<int64_t> microseconds_to_ns(std::string_view token) {
  token = trim(token);
  if (token.size() >= 2 && token.front() == '"' && token.back() == '"') {
    token = token.substr(1, token.size() - 2);
  }
  size_t i = 0;
  const size_t n = token.size();
  bool negative = i < n && token[i] == '-';
  if (negative) ++i;
  size_t int_begin = i;
  while (i < n && is_digit(token[i])) ++i;
  std::string_view int_digits = token.substr(int_begin, i - int_begin);
  if (int_digits.empty()) return std::nullopt;
  std::string_view frac_digits;
  if (i < n && token[i] == '.') {
    size_t frac_begin = ++i;
    while (i < n && is_digit(token[i])) ++i;
    frac_digits = token.substr(frac_begin, i - frac_begin);
    if (frac_digits.empty()) return std::nullopt;
  }
  int64_t exponent = 0;
  if (i < n && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    bool exponent_negative = i < n && token[i] == '-';
    if (i < n && (token[i] == '-' || token[i] == '+')) ++i;
    size_t exp_begin = i;
    for (; i < n && is_digit(token[i]); ++i) {
      exponent = std::min<int64_t>(exponent * 10 + (token[i] - '0'), 100000);
    }
    if (i == exp_begin) return std::nullopt;
    if (exponent_negative) exponent = -exponent;
  }
  if (i != n) return std::nullopt;

  // The nanosecond point sits after `point` digits of int_digits + frac_digits (3 more than
  // the microsecond point, shifted by the exponent); digits past the end are zeros.
  const int64_t point = static_cast<int64_t>(int_digits.size()) + 3 + exponent;
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  uint64_t magnitude = 0;
  int64_t remaining = point;
  auto take = [&](std::string_view digits) {
    auto count =
        static_cast<size_t>(std::clamp<int64_t>(remaining, 0, static_cast<int64_t>(digits.size())));
    for (size_t k = 0; k < count; ++k) {
      auto d = static_cast<uint64_t>(digits[k] - '0');
      if (magnitude > (kMax - d) / 10) return false;
      magnitude = magnitude * 10 + d;
    }
    remaining -= static_cast<int64_t>(count);
    return true;
  };
  if (!take(int_digits) || !take(frac_digits)) return std::nullopt;
  for (; remaining > 0 && magnitude != 0; --remaining) {
    if (magnitude > kMax / 10) return std::nullopt;
    magnitude *= 10;
  }
  // Round on the first digit after the point.
  auto next = static_cast<size_t>(std::max<int64_t>(point, 0));
  char rounding = point < 0                  ? '0'
                  : next < int_digits.size() ? int_digits[next]
                  : next - int_digits.size() < frac_digits.size()
                      ? frac_digits[next - int_digits.size()]
                      : '0';
  if (rounding >= '5') {
    if (magnitude == kMax) return std::nullopt;
    ++magnitude;
  }
  auto value = static_cast<int64_t>(magnitude);
  return negative ? -value : value;
}

std::optional<int64_t> trailing_integer(std::string_view text) {
  text = trim(text);
  size_t begin = text.size();
  while (begin > 0 && is_digit(text[begin - 1])) --begin;
  if (begin == text.size()) return std::nullopt;
  if (begin > 0 && text[begin - 1] == '-') --begin;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data() + begin, text.data() + text.size(), value);
  if (ec != std::errc()) return std::nullopt;
  return value;
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

}  // namespace dd::kineto
