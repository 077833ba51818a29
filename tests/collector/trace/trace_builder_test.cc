// TraceBuilder and the post-import pass: dense ids and range nesting.
#include <catch2/catch.hpp>

#include "collector/trace/trace_builder.h"

namespace {

uint32_t add_range(dd::TraceBuilder& b, uint32_t thread, dd::TimeNs start, dd::TimeNs end,
                   const char* name, dd::RangeKind kind = dd::RangeKind::kUserAnnotation) {
  dd::RangeRow row;
  row.start = start;
  row.end = end;
  row.kind = kind;
  row.thread = thread;
  row.name = b.intern(name);
  return b.trace().ranges.append(row);
}

}  // namespace

TEST_CASE("TraceBuilder maps raw ids to dense indexes once", "[collector][builder]") {
  dd::Trace trace;
  dd::TraceBuilder b(trace);
  uint32_t p = b.process(1234);
  CHECK(b.process(1234) == p);
  CHECK(b.process(99) == p + 1);
  uint32_t t = b.thread(p, 7);
  CHECK(b.thread(p, 7) == t);
  CHECK(b.thread(p + 1, 7) != t);
  uint32_t s = b.stream(p, 0, 7);
  CHECK(b.stream(p, 0, 7) == s);
  CHECK(b.stream(p, 1, 7) != s);
  CHECK(trace.processes.size() == 2);
  CHECK(trace.threads.size() == 2);
  CHECK(trace.streams.size() == 2);
}

TEST_CASE("Range nesting is derived from time containment per thread", "[collector][builder]") {
  dd::Trace trace;
  dd::TraceBuilder b(trace);
  uint32_t t0 = b.thread(b.process(1), 1);
  uint32_t t1 = b.thread(b.process(1), 2);
  uint32_t inner = add_range(b, t0, 20, 30, "inner");
  uint32_t outer = add_range(b, t0, 10, 100, "outer");
  uint32_t sibling = add_range(b, t0, 40, 50, "sibling");
  uint32_t other_thread = add_range(b, t1, 15, 25, "other");
  uint32_t crossing = add_range(b, t0, 45, 60, "crossing");
  dd::compute_range_nesting(trace);
  CHECK(trace.ranges.parent[outer] == dd::kNone);
  CHECK(trace.ranges.parent[inner] == outer);
  CHECK(trace.ranges.depth[inner] == 1);
  CHECK(trace.ranges.parent[sibling] == outer);
  CHECK(trace.ranges.parent[other_thread] == dd::kNone);
  CHECK(trace.ranges.parent[crossing] == sibling);
  CHECK(trace.diagnostics.count("ranges_not_nested") == 1);
  dd::compute_range_nesting(trace);  // derived afresh, e.g. after a reload: not counted twice
  CHECK(trace.diagnostics.count("ranges_not_nested") == 1);
}

