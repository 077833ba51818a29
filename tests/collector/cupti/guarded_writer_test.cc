// The collector on a disk that fills up mid-recording (GuardedWriter). A forked child limits
// its file size (RLIMIT_FSIZE: SQLite's writes then fail as they do on a full disk) and writes
// batch after batch of converted records. It must stop at the first failure, count the batches
// and rows it could not write, say so, and leave a trace that the reader loads with exactly the
// batches committed before the failure.
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

#include <cupti_runtime_cbid.h>

#include "collector/cupti/guarded_writer.h"
#include "collector/cupti/record_converter.h"
#include "collector/trace_loader.h"
#include "tests/collector/cupti/cupti_records.h"
#include "tests/collector/cupti/trace_files.h"

namespace {

using namespace dd::cupti;
using namespace dd::cupti::testing;

constexpr uint32_t kThread = 11;
constexpr uint32_t kLaunch = CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000;
constexpr int kBatches = 40;
constexpr int kCallsPerBatch = 2000;     // about 80 KB of WAL each
constexpr rlim_t kRoomBytes = 300 << 10;  // room for a few batches past the empty trace

ConverterSettings launch_only_settings() {
  return {kT0, kPid, [](bool, uint32_t) { return std::string("cudaLaunchKernel_v7000"); },
          [](uint32_t) { return std::string("python"); }};
}

off_t file_size(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 ? info.st_size : 0;
}

// The child's side: exits 0 when the writes failed and were counted, non-zero otherwise.
[[noreturn]] void record_until_the_disk_is_full(const std::string& path, int message_fd) {
  std::FILE* messages = fdopen(message_fd, "w");
  signal(SIGXFSZ, SIG_IGN);  // an oversized write then fails with EFBIG instead of killing
  auto writer = CollectorWriter::create(path, {kPid, "python", -1});
  if (!messages || !writer) _exit(2);
  rlim_t limit = static_cast<rlim_t>(std::max(file_size(path), file_size(path + "-wal"))) +
                 kRoomBytes;
  rlimit file_limit{limit, limit};
  if (setrlimit(RLIMIT_FSIZE, &file_limit) != 0) _exit(3);
  GuardedWriter guarded(std::move(*writer), messages);
  RecordConverter converter(launch_only_settings());
  uint32_t correlation = 0;
  for (int b = 0; b < kBatches; ++b) {
    RowBatch batch;
    for (int i = 0; i < kCallsPerBatch; ++i) {
      uint64_t start = 1000 + uint64_t{correlation} * 100;
      converter.convert(activity(api(CUPTI_ACTIVITY_KIND_RUNTIME, kLaunch, start, start + 20,
                                     kThread, ++correlation)),
                        batch);
    }
    guarded.write(batch);
  }
  guarded.close();
  std::fprintf(messages, "lost=%llu rows=%llu\n",
               static_cast<unsigned long long>(guarded.lost_batches()),
               static_cast<unsigned long long>(guarded.lost_rows()));
  std::fclose(messages);
  _exit(guarded.failed() ? 0 : 4);
}

}  // namespace

TEST_CASE("A full disk stops the collector's writes, counts the loss and leaves a readable trace",
          "[cupti]") {
  std::string path = temp_trace_path("dd-cupti-full-disk");
  remove_database(path);
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(fds[0]);
    record_until_the_disk_is_full(path, fds[1]);
  }
  close(fds[1]);
  std::string messages;
  char chunk[512];
  for (ssize_t got; (got = read(fds[0], chunk, sizeof chunk)) > 0;) messages.append(chunk, got);
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  INFO(messages);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  CHECK(messages.find("the trace keeps what was written before") != std::string::npos);
  CHECK(messages.find("were not written") != std::string::npos);

  unsigned long long lost = 0, lost_rows = 0;
  size_t counts = messages.find("lost=");
  REQUIRE(counts != std::string::npos);
  REQUIRE(std::sscanf(messages.c_str() + counts, "lost=%llu rows=%llu", &lost, &lost_rows) == 2);
  REQUIRE(lost >= 1);
  REQUIRE(lost < kBatches);  // some batches made it before the disk filled
  CHECK(lost_rows == lost * kCallsPerBatch);  // after the first batch: API rows only

  auto trace = dd::load_trace({path});
  REQUIRE(trace);
  CHECK(trace->api_calls.size() == (kBatches - lost) * kCallsPerBatch);
  remove_database(path);
}
