// Iteration detection from marker ranges, and the candidates `info` suggests (iterations.h).
#include "collector/trace/iterations.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <tuple>
#include <unordered_set>

namespace dd {

namespace {

enum class Shape : uint8_t { kWholeIteration, kOncePerIteration };

// The iteration number after `prefix` in `name` ("ProfilerStep#12" → 12), -1 when the name is
// the prefix alone, -2 when the name does not match.
int64_t number_after(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix)) return -2;
  std::string_view rest = name.substr(prefix.size());
  if (rest.empty()) return -1;
  if (rest.front() == '#' || rest.front() == ' ' || rest.front() == ':') rest.remove_prefix(1);
  int64_t value = -1;
  auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
  if (ec != std::errc() || ptr != rest.data() + rest.size()) return -2;
  return value;
}

struct Marker {
  TimeNs start = 0, end = 0;
  uint32_t process = kNone, thread = kNone;
  StringId name = kEmptyString;
  int64_t number = -1;
};

// CPU-side ranges whose name is `prefix` (optionally followed by a number), or, with
// `any_suffix`, any name starting with `prefix`.
std::vector<Marker> find_markers(const Trace& trace, std::string_view prefix, bool nvtx_only,
                                 bool any_suffix) {
  const RangeTable& ranges = trace.ranges;
  std::vector<Marker> found;
  for (uint32_t i = 0; i < ranges.size(); ++i) {
    if (ranges.thread[i] == kNone) continue;  // GPU-side copies of annotations
    if (nvtx_only && ranges.kind[i] != RangeKind::kNvtx) continue;
    std::string_view name = trace.str(ranges.name[i]);
    int64_t number = number_after(name, prefix);
    if (number == -2 && !(any_suffix && name.starts_with(prefix))) continue;
    found.push_back({ranges.start[i], ranges.end[i], trace.threads.process[ranges.thread[i]],
                     ranges.thread[i], ranges.name[i], std::max<int64_t>(number, -1)});
  }
  std::sort(found.begin(), found.end(), [](const Marker& a, const Marker& b) {
    return std::tie(a.process, a.start, a.number) < std::tie(b.process, b.start, b.number);
  });
  return found;
}

// Once-per-iteration markers must form one sequence per process: keep, in each process, the
// markers of the thread that holds most of them.
void keep_busiest_thread_per_process(std::vector<Marker>& markers) {
  std::map<std::pair<uint32_t, uint32_t>, size_t> per_thread;
  for (const Marker& m : markers) ++per_thread[{m.process, m.thread}];
  std::map<uint32_t, std::pair<size_t, uint32_t>> busiest;  // process → (count, thread)
  for (const auto& [key, count] : per_thread) {
    auto& best = busiest[key.first];
    if (count > best.first) best = {count, key.second};
  }
  std::erase_if(markers, [&](const Marker& m) { return busiest[m.process].second != m.thread; });
}

// Whole-iteration ranges cover most of the time from the first to the last; a marker inside
// each iteration (an optimizer step, a forward pass) covers a fraction of it.
Shape shape_of(const std::vector<Marker>& markers) {
  if (markers.size() < 2) return Shape::kWholeIteration;
  TimeNs first = markers.front().start, last = first, covered = 0;
  for (const Marker& m : markers) {
    first = std::min(first, m.start);
    last = std::max(last, m.end);
    covered += m.end - m.start;
  }
  return 2 * covered >= last - first ? Shape::kWholeIteration : Shape::kOncePerIteration;
}

// Start times of the calls that launched GPU work (kernels, copies, memsets), per process,
// sorted.
std::map<uint32_t, std::vector<TimeNs>> launch_times_by_process(const Trace& trace) {
  std::unordered_set<uint64_t> launched;
  for (uint32_t op = 0; op < trace.gpu_ops.size(); ++op) {
    uint32_t stream = trace.gpu_ops.stream[op];
    if (stream < trace.streams.size()) {
      launched.insert(correlation_key(trace.streams.process[stream], trace.gpu_ops.correlation[op]));
    }
  }
  std::map<uint32_t, std::vector<TimeNs>> times;
  const ApiCallTable& calls = trace.api_calls;
  for (uint32_t i = 0; i < calls.size(); ++i) {
    if (calls.correlation[i] == 0 || calls.thread[i] >= trace.threads.size()) continue;
    uint32_t process = trace.threads.process[calls.thread[i]];
    if (launched.contains(correlation_key(process, calls.correlation[i]))) {
      times[process].push_back(calls.start[i]);
    }
  }
  for (auto& [process, list] : times) std::sort(list.begin(), list.end());
  return times;
}

// Whole-iteration markers are closed by the program moving on, except the last one of a
// process, which the profiler closes when it stops (PyTorch's profiler ends the open
// ProfilerStep then, whether or not the step's work ran). A last marker that launched no GPU
// work while an earlier one of its process did is such a cut-off step, not an iteration: it is
// left out, counted and named.
std::vector<Marker> without_steps_cut_by_profiler_stop(Trace& trace, std::vector<Marker> markers) {
  if (trace.gpu_ops.size() == 0) return markers;
  auto launches = launch_times_by_process(trace);
  auto launched_in = [&](const Marker& m) {
    const std::vector<TimeNs>& times = launches[m.process];
    auto first = std::lower_bound(times.begin(), times.end(), m.start);
    return first != times.end() && *first < m.end;
  };
  std::map<uint32_t, size_t> last_of_process;  // markers are sorted by process, then start
  for (size_t i = 0; i < markers.size(); ++i) last_of_process[markers[i].process] = i;
  std::vector<size_t> cut;
  for (const auto& [process, last] : last_of_process) {
    if (last == 0 || markers[last - 1].process != process || launched_in(markers[last])) continue;
    bool earlier_launched = false;
    for (size_t i = last; i-- > 0 && markers[i].process == process && !earlier_launched;) {
      earlier_launched = launched_in(markers[i]);
    }
    if (earlier_launched) cut.push_back(last);
  }
  for (size_t i : cut) {
    const Marker& m = markers[i];
    char lasted[32];
    std::snprintf(lasted, sizeof lasted, "%.3f ms", static_cast<double>(m.end - m.start) / 1e6);
    trace.diagnostics.note(
        Severity::kWarning,
        std::string(trace.str(m.name)) + " (pid " + std::to_string(trace.processes.pid[m.process]) +
            ", " + lasted + ") is left out of the iterations: it launched no GPU work while the "
            "steps before it did, so the profiler stopped inside it");
  }
  trace.diagnostics.set("iteration_cut_by_profiler_stop", Severity::kWarning, cut.size());
  for (auto it = cut.rbegin(); it != cut.rend(); ++it) markers.erase(markers.begin() + *it);
  return markers;
}

void store(Trace& trace, std::vector<Marker> markers, IterationSource source, Shape shape) {
  trace.iterations.clear();
  if (shape == Shape::kWholeIteration) {
    for (const Marker& m : without_steps_cut_by_profiler_stop(trace, std::move(markers))) {
      trace.iterations.append({m.start, m.end, m.process, m.name, m.number, source, m.thread});
    }
    return;
  }
  int64_t ordinal = 0;
  for (size_t i = 0; i + 1 < markers.size(); ++i) {
    const Marker& m = markers[i];
    if (markers[i + 1].process != m.process) {
      ordinal = 0;
      continue;
    }
    ++ordinal;
    std::string name = std::string(trace.str(m.name)) + " [" + std::to_string(ordinal) + "]";
    trace.iterations.append({m.start, markers[i + 1].start, m.process, trace.strings.intern(name),
                             ordinal, source, m.thread});
  }
}

// The marker family of a range name: the name without a trailing iteration number
// ("ProfilerStep#12" → "ProfilerStep"), which is what --iteration-marker takes.
std::string_view family_of(std::string_view name) {
  size_t end = name.size();
  while (end > 0 && name[end - 1] >= '0' && name[end - 1] <= '9') --end;
  if (end == name.size() || end == 0) return name;
  if (name[end - 1] == '#' || name[end - 1] == ' ' || name[end - 1] == ':') --end;
  return end == 0 ? name : name.substr(0, end);
}

bool is_known_family(std::string_view family) {
  return family == "ProfilerStep" || family == "dd:iteration" ||
         family.starts_with("Optimizer.step");
}

}  // namespace

void detect_iterations(Trace& trace, std::string_view marker) {
  if (!marker.empty()) {
    std::vector<Marker> found = find_markers(trace, marker, false, false);
    keep_busiest_thread_per_process(found);
    if (found.empty()) {
      trace.iterations.clear();
      trace.diagnostics.add("iteration_marker_not_found", Severity::kWarning);
      return;
    }
    store(trace, found, IterationSource::kUserMarker, shape_of(found));
    return;
  }
  if (auto found = find_markers(trace, "ProfilerStep", false, false); !found.empty()) {
    return store(trace, found, IterationSource::kProfilerStep, Shape::kWholeIteration);
  }
  if (auto found = find_markers(trace, "dd:iteration", true, false); !found.empty()) {
    return store(trace, found, IterationSource::kNvtx, Shape::kWholeIteration);
  }
  if (trace.iterations.size() > 0) return;  // loaded from the file (DD_ITERATIONS)
  std::vector<Marker> steps = find_markers(trace, "Optimizer.step#", false, true);
  keep_busiest_thread_per_process(steps);
  if (steps.size() >= 2) store(trace, steps, IterationSource::kOptimizerStep, Shape::kOncePerIteration);
}

std::vector<MarkerCandidate> iteration_marker_candidates(const Trace& trace, size_t limit) {
  const RangeTable& ranges = trace.ranges;
  // (family, track) → count; a track is a CPU thread or, past every thread index, a GPU stream.
  std::map<std::pair<std::string_view, uint64_t>, uint32_t> per_track;
  for (uint32_t i = 0; i < ranges.size(); ++i) {
    std::string_view name = trace.str(ranges.name[i]);
    bool annotation = ranges.kind[i] == RangeKind::kUserAnnotation ||
                      ranges.kind[i] == RangeKind::kGpuUserAnnotation ||
                      ranges.kind[i] == RangeKind::kNvtx;
    if (!annotation && !name.starts_with("Optimizer.") && !name.starts_with("ProfilerStep")) continue;
    uint64_t track = ranges.thread[i] != kNone ? ranges.thread[i]
                                               : (uint64_t{1} << 32) + ranges.stream[i];
    ++per_track[{family_of(name), track}];
  }
  std::map<std::pair<std::string_view, bool>, uint32_t> best;  // (family, GPU-side) → count
  for (const auto& [key, count] : per_track) {
    uint32_t& b = best[{key.first, key.second >= (uint64_t{1} << 32)}];
    b = std::max(b, count);
  }
  std::vector<MarkerCandidate> candidates;
  for (const auto& [key, count] : best) {
    if (count >= 2) candidates.push_back({std::string(key.first), count, key.second});
  }
  std::sort(candidates.begin(), candidates.end(), [](const MarkerCandidate& a, const MarkerCandidate& b) {
    return std::tuple(!is_known_family(a.name), a.gpu_side, -int64_t{a.count}, a.name) <
           std::tuple(!is_known_family(b.name), b.gpu_side, -int64_t{b.count}, b.name);
  });
  if (candidates.size() > limit) candidates.resize(limit);
  return candidates;
}

}  // namespace dd
