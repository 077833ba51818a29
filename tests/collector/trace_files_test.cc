// What a load reads: archives and Nsight reports are refused with what to do (the command to
// extract or export, naming the file), a directory stands for the trace files directly in it,
// and a directory of rank files loads as one job.
#include "collector/trace_files.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "collector/kineto_fixture.h"
#include "collector/trace_loader.h"

namespace {

namespace fs = std::filesystem;

std::string rank_trace(int rank) {
  return R"json({"distributedInfo": {"rank": )json" + std::to_string(rank) +
         R"json(}, "traceEvents": [
  {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1,
   "ts": 10, "dur": 5, "args": {"correlation": 1}},
  {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 20, "dur": 5,
   "args": {"device": 0, "stream": 7, "correlation": 1}}]})json";
}

// A tar header block: the member's name, and "ustar" where POSIX puts the magic.
std::string tar_block() {
  std::string block(512, '\0');
  block.replace(0, 10, "trace.json");
  block.replace(257, 5, "ustar");
  return block;
}

void check_refused(const std::string& path, const std::string& what, const std::string& how) {
  auto format = dd::detect_file_format(path);
  REQUIRE_FALSE(format);
  INFO(format.error().message);
  CHECK(format.error().kind == dd::ErrorKind::kBadInput);
  CHECK_THAT(format.error().message, Catch::StartsWith(path + ": "));
  CHECK_THAT(format.error().message, Catch::Contains(what));
  CHECK_THAT(format.error().message, Catch::Contains(how + " " + path));
}

}  // namespace

TEST_CASE("Trace files: archives are refused with the command that extracts them",
          "[collector][trace_files]") {
  dd::test::ScratchFile zip(".zip");
  dd::test::write_text(zip.path(), std::string("PK\x03\x04", 4) + "rest of a zip");
  check_refused(zip.path(), "a zip archive, not a trace", "unzip");

  dd::test::ScratchFile tar(".tar");
  dd::test::write_text(tar.path(), tar_block());
  check_refused(tar.path(), "a tar archive", "tar -xf");

  dd::test::ScratchFile tar_gz(".tar.gz");
  dd::test::write_gzip(tar_gz.path(), tar_block() + std::string(1024, '\0'));
  check_refused(tar_gz.path(), "a gzip-compressed tar archive", "tar -xzf");

  dd::test::ScratchFile xz(".json.xz");
  dd::test::write_text(xz.path(), std::string("\xFD" "7zXZ\0", 6) + "data");
  check_refused(xz.path(), "xz-compressed", "unxz -k");

  dd::test::ScratchFile report(".nsys-rep");
  dd::test::write_text(report.path(), "binary report");
  check_refused(report.path(), "an Nsight Systems report", "nsys export --type sqlite");
}

TEST_CASE("Trace files: a gzip JSON trace is not taken for an archive", "[collector][trace_files]") {
  dd::test::ScratchFile trace(".json.gz");
  dd::test::write_gzip(trace.path(), rank_trace(0));
  auto format = dd::detect_file_format(trace.path());
  REQUIRE(format);
  CHECK(*format == dd::FileFormat::kKinetoJson);
}

TEST_CASE("Trace files: a directory stands for the trace files directly in it",
          "[collector][trace_files]") {
  dd::test::ScratchFile dir(".d");
  fs::create_directories(fs::path(dir.path()) / "nested");
  auto in = [&](const std::string& name) { return (fs::path(dir.path()) / name).string(); };
  dd::test::write_text(in("rank1.json"), rank_trace(1));
  dd::test::write_gzip(in("rank0.json.gz"), rank_trace(0));
  dd::test::write_text(in("README.txt"), "notes");
  dd::test::write_text(in("nested/rank2.json"), rank_trace(2));
  auto files = dd::expand_trace_paths({dir.path(), in("README.txt")});
  REQUIRE(files);
  CHECK(*files == std::vector<std::string>{in("rank0.json.gz"), in("rank1.json"), in("README.txt")});

  auto job = dd::load_trace({dir.path()});
  REQUIRE(job);
  REQUIRE(job->processes.size() == 2);
  CHECK(job->processes.rank == std::vector<int32_t>{0, 1});
  CHECK(job->gpu_ops.size() == 2);

  dd::test::ScratchFile bare(".d");
  fs::create_directories(bare.path());
  auto none = dd::expand_trace_paths({bare.path()});
  REQUIRE_FALSE(none);
  CHECK_THAT(none.error().message, Catch::StartsWith(bare.path() + ": a directory with no trace"));
}
