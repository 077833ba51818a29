// append_trace: two hand-made traces with their own string pools and row numbers become one
// job whose every reference (names, processes, threads, streams, ranges) points where the
// part's did.
#include "collector/trace/trace_merge.h"

#include <catch2/catch.hpp>

#include "trace_maker.h"

namespace {

// A rank: one launch, its kernel, a range around the launch, an allocation; names unique to
// the rank, interned in an order that differs between ranks.
dd::test::TraceMaker make_rank(const std::string& tag, int32_t rank) {
  dd::test::TraceMaker m;
  m.trace.processes.rank[m.process] = rank;
  if (rank % 2 == 1) m.builder.intern("padding that shifts this pool's ids");
  m.range(m.main_thread, ("op " + tag).c_str(), 0, 100, dd::RangeKind::kFrameworkOp);
  m.api(m.main_thread, ("launch " + tag).c_str(), 10, 20, 1);
  m.kernel(("kernel " + tag).c_str(), 30, 40, 1, m.stream);
  m.memory(m.main_thread, 50, 0x1000, 256);
  m.trace.range_links.append(0, 0, dd::RangeLinkKind::kForwardBackward);
  m.trace.metadata["job"] = tag;
  m.trace.diagnostics.add("something_" + tag, dd::Severity::kWarning);
  return m;
}

}  // namespace

TEST_CASE("append_trace: every reference of the part points where it did", "[collector][merge]") {
  dd::test::TraceMaker first = make_rank("a", 0);
  dd::test::TraceMaker second = make_rank("b", 1);
  dd::Trace& job = first.trace;
  dd::append_trace(job, second.trace);

  REQUIRE(job.processes.size() == 2);
  CHECK(job.processes.rank == std::vector<int32_t>{0, 1});
  REQUIRE(job.gpu_ops.size() == 2);
  REQUIRE(job.api_calls.size() == 2);
  REQUIRE(job.ranges.size() == 2);
  for (uint32_t i = 0; i < 2; ++i) {
    std::string tag = i == 0 ? "a" : "b";
    INFO("part " << tag);
    CHECK(job.str(job.gpu_ops.name[i]) == "kernel " + tag);
    CHECK(job.str(job.api_calls.name[i]) == "launch " + tag);
    CHECK(job.str(job.ranges.name[i]) == "op " + tag);
    CHECK(job.streams.process[job.gpu_ops.stream[i]] == i);
    CHECK(job.threads.process[job.api_calls.thread[i]] == i);
    CHECK(job.threads.process[job.ranges.thread[i]] == i);
    CHECK(job.memory_events.process[i] == i);
    CHECK(job.threads.process[job.memory_events.thread[i]] == i);
    CHECK(job.range_links.from[i] == i);
    CHECK(job.range_links.to[i] == i);
  }
  CHECK(job.metadata.at("job") == "a");  // the first file's value of a key
  CHECK(job.diagnostics.count("something_a") == 1);
  CHECK(job.diagnostics.count("something_b") == 1);
}
