// The command-line contract, end to end through the built `daydream` binary: exit codes, the
// one-line error naming the file, and the keys every --json output promises.
#include <simdjson.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "daydream_runner.h"
#include "test_paths.h"

namespace {

using dd::test::CommandResult;
using dd::test::parse;
using dd::test::run_daydream;
using dd::test::run_shell;

const std::string kResnet = dd::test::trace_path("resnet50_v100_rank0.pt.trace.json.gz");

}  // namespace

TEST_CASE("Bad input exits 2 with one line naming the file", "[cli]") {
  auto dir = std::filesystem::temp_directory_path() / "dd_cli_test";
  std::filesystem::create_directories(dir);
  std::string empty = (dir / "empty.json").string();
  std::ofstream(empty).close();
  std::string text = (dir / "notes.txt").string();
  std::ofstream(text) << "not a trace\n";
  for (const std::string& path : {empty, text, (dir / "missing.json").string(), dir.string()}) {
    for (const char* command : {"info", "replay", "breakdown"}) {
      CommandResult r = run_daydream(std::string(command) + " " + path);
      INFO(command << " " << path << " -> " << r.output);
      CHECK(r.exit_code == 2);
      CHECK(r.output.find(path) != std::string::npos);
      CHECK(r.output.find("daydream: error: ") == 0);
      CHECK(r.output.find('\n') == r.output.size() - 1);
    }
  }
}

TEST_CASE("No readable event, an archive: exit 2 with what to do", "[cli]") {
  auto dir = std::filesystem::temp_directory_path() / "dd_cli_test_no_events";
  std::filesystem::create_directories(dir);
  std::string numbers = (dir / "numbers.json").string();
  std::ofstream(numbers) << "[1, 2, 3]";
  CommandResult r = run_daydream("info " + numbers);
  CHECK(r.exit_code == 2);
  CHECK(r.output == "daydream: error: " + numbers +
                        ": no readable trace event (3 malformed: not an object, or no usable ph, "
                        "ts or dur); a PyTorch profiler trace holds events such as {\"ph\": "
                        "\"X\", \"cat\": \"kernel\", \"name\": ..., \"ts\": ..., \"dur\": "
                        "...} in traceEvents\n");
  std::string zip = (dir / "traces.zip").string();
  std::ofstream(zip) << "PK\x03\x04 a zip";
  r = run_daydream("replay " + zip);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("extract it first (unzip " + zip + ")") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("A truncated trace loads up to the cut and every command warns", "[cli]") {
  auto dir = std::filesystem::temp_directory_path() / "dd_cli_test_truncated";
  std::filesystem::create_directories(dir);
  std::string cut = (dir / "cut.json").string();
  std::ofstream(cut) << R"json({"traceEvents": [
  {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1,
   "ts": 10, "dur": 5, "args": {"correlation": 1}},
  {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 20, "dur": 5,
   "args": {"device": 0, "stream": 7, "correlation": 1}},
  {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "t)json";
  CommandResult r = run_daydream("replay " + cut);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("daydream: warning: " + cut +
                      ": the file is truncated (its text ends at byte 353): loaded the 2 events "
                      "before the cut, dropped the incomplete one at the cut; whatever followed "
                      "is lost\n") != std::string::npos);
  r = run_daydream("info " + cut);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("kineto_truncated_file: 1 (data_loss)") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("A directory of rank files is one job to every command", "[cli][ranks]") {
  auto dir = std::filesystem::temp_directory_path() / "dd_cli_test_job";
  std::filesystem::create_directories(dir);
  for (int rank : {0, 1}) {
    std::ofstream(dir / ("rank" + std::to_string(rank) + ".json"))
        << R"json({"distributedInfo": {"rank": )json" << rank << R"json(}, "traceEvents": [
  {"ph": "X", "cat": "user_annotation", "name": "ProfilerStep#1", "pid": 1, "tid": 1, "ts": 0, "dur": 100},
  {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1,
   "ts": 10, "dur": 5, "args": {"correlation": 1}},
  {"ph": "X", "cat": "kernel", "name": "ncclKernel_AllReduce", "pid": 0, "tid": 7, "ts": 20,
   "dur": 5, "args": {"device": )json" << rank << R"json(, "stream": 7, "correlation": 1}}]})json";
  }
  CommandResult info = run_daydream("info " + dir.string());
  CHECK(info.exit_code == 0);
  CHECK(info.output.find("job: 2 ranks: rank 0, rank 1") != std::string::npos);
  CommandResult breakdown = run_daydream("breakdown " + dir.string());
  CHECK(breakdown.exit_code == 0);
  CHECK(breakdown.output.find("Job of 2 ranks") != std::string::npos);
  CHECK(breakdown.output.find("Collectives across ranks (measured, over the whole trace): 1 "
                              "matched") != std::string::npos);
  CommandResult wrong_rank = run_daydream("breakdown --rank 7 " + dir.string());
  CHECK(wrong_rank.exit_code == 1);
  CHECK(wrong_rank.output.find("no such rank in the job (ranks: rank 0, rank 1)") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("Usage errors exit 1", "[cli]") {
  CHECK(run_daydream("").exit_code == 1);
  CHECK(run_daydream("replay").exit_code == 1);
  CHECK(run_daydream("info --no-such-flag " + kResnet).exit_code == 1);
  CHECK(run_daydream("replay --iteration-marker no_such_range " + kResnet).exit_code == 1);
}

TEST_CASE("info --json has the promised keys and the independently counted events", "[cli]") {
  CommandResult r = run_daydream("info --json " + kResnet);
  REQUIRE(r.exit_code == 0);
  simdjson::dom::parser parser;
  auto doc = parse(parser, r.output);
  CHECK(std::string_view(doc["format"]) == "kineto-json");
  CHECK(std::string_view(doc["devices"].at(0)["name"]) == "Tesla V100-SXM2-32GB");
  CHECK(uint64_t(doc["counts"]["kernels"]) == 4350);
  CHECK(uint64_t(doc["counts"]["memcpy"]) == 1600);
  CHECK(uint64_t(doc["counts"]["memset"]) == 145);
  CHECK(uint64_t(doc["counts"]["runtime"]) == 15329);
  CHECK(uint64_t(doc["counts"]["ranges"]) == 23910 + 70 + 15);
  CHECK(uint64_t(doc["counts"]["memory_events"]) == 0);
  simdjson::dom::array iterations = doc["iterations"];
  REQUIRE(iterations.size() == 5);
  CHECK(std::string_view(iterations.at(0)["name"]) == "ProfilerStep#101");
  CHECK(int64_t(iterations.at(0)["duration_ns"]) == 35'115'869);
  CHECK(doc["diagnostics"].is_object());
}

TEST_CASE("replay --json and breakdown --json have the promised keys", "[cli]") {
  simdjson::dom::parser parser;
  CommandResult replay = run_daydream("replay --json " + kResnet);
  REQUIRE(replay.exit_code == 0);
  auto doc = parse(parser, replay.output);
  double measured = doc["measured_iteration_ms"];
  double simulated = doc["simulated_iteration_ms"];
  double error = doc["error_pct"];
  CHECK(measured == Approx(95.699037));
  CHECK(error == Approx(100.0 * (simulated - measured) / measured));
  simdjson::dom::array iterations = doc["iterations"];
  CHECK(iterations.size() == 5);
  CHECK(double(iterations.at(4)["measured_ms"]) == Approx(95.699037));
  CHECK(iterations.at(4)["simulated_ms"].is_double());

  CommandResult breakdown = run_daydream("breakdown --json " + kResnet);
  REQUIRE(breakdown.exit_code == 0);
  simdjson::dom::parser parser2;
  auto b = parse(parser2, breakdown.output);
  CHECK(std::string_view(b["verdict"]) == "GPU-bound");
  CHECK(std::string_view(b["timeline"]) == "measured");
  CHECK(std::string_view(b["layers_grouped_by"]) == "module");
  for (const char* key : {"phases", "layers", "operators", "kernel_classes", "gpu_streams", "top_kernels"}) {
    CHECK(b[key].is_array());
  }
  CHECK(double(b["replay_check"]["measured_iteration_ms"]) == Approx(95.699037));
  for (const char* key : {"idle_waiting_for_host_ms", "idle_waiting_for_other_stream_ms", "idle_other_ms"}) {
    CHECK(b["gpu_idle"][key].is_double());
  }
  CHECK(b["launch_queue"]["series"].is_array());
}

TEST_CASE("breakdown --group-by groups layer rows by module type or op, and rejects others", "[cli]") {
  simdjson::dom::parser parser;
  std::string vgg = dd::test::trace_path("vgg13_h100_iter41.pt.trace.json.gz");
  CommandResult by_type = run_daydream("breakdown --json --group-by type " + vgg);
  REQUIRE(by_type.exit_code == 0);
  auto doc = parse(parser, by_type.output);
  CHECK(std::string_view(doc["layers_grouped_by"]) == "type");
  // VGG-13's ten Conv2d_N modules are one row.
  bool conv = false;
  for (auto row : simdjson::dom::array(doc["layers"])) conv = conv || std::string_view(row["name"]) == "Conv2d";
  CHECK(conv);
  CHECK(run_daydream("breakdown --group-by layer " + vgg).exit_code == 1);
  CommandResult by_op = run_daydream("breakdown --group-by op " + vgg);
  REQUIRE(by_op.exit_code == 0);
  CHECK(by_op.output.find("grouped by op") != std::string::npos);
  CHECK(by_op.output.find("aten::conv2d") != std::string::npos);
}

TEST_CASE("import writes a daydream trace that replays to the same numbers", "[cli]") {
  auto out = std::filesystem::temp_directory_path() / "dd_cli_import.sqlite";
  std::filesystem::remove(out);
  std::string vgg = dd::test::trace_path("vgg13_h100_iter41.pt.trace.json.gz");
  REQUIRE(run_daydream("import " + vgg + " -o " + out.string()).exit_code == 0);
  CommandResult from_json = run_daydream("replay --json " + vgg);
  CommandResult from_sqlite = run_daydream("replay --json " + out.string());
  REQUIRE(from_sqlite.exit_code == 0);
  CHECK(from_json.output == from_sqlite.output);
  CHECK(run_daydream("import " + vgg + " -o " + vgg).exit_code == 1);  // never over an input
  std::filesystem::remove(out);
}

TEST_CASE("The same input gives byte-identical output", "[cli]") {
  CommandResult first = run_daydream("breakdown --json " + kResnet);
  CommandResult second = run_daydream("breakdown --json " + kResnet);
  CHECK(first.output == second.output);
  std::string vgg = dd::test::trace_path("vgg13_h100_iter41.pt.trace.json.gz");
  for (std::string command :
       {"info --json " + vgg, "info " + vgg, "replay --json " + vgg, "replay " + vgg,
        "breakdown " + vgg,
        "whatif --json " + vgg + " --apply scale:select=class:gemm,factor=0.5 --apply amp",
        "whatif " + vgg + " --apply cuda-graphs"}) {
    INFO(command);
    CommandResult a = run_daydream(command);
    CommandResult b = run_daydream(command);
    CHECK(a.exit_code == 0);
    CHECK(a.output == b.output);
  }
}

TEST_CASE("import writes byte-identical SQLite files, whatever their names", "[cli]") {
  // Nothing time-, path- or process-dependent goes into the file.
  auto dir = std::filesystem::temp_directory_path() / "dd_cli_import_twice";
  std::filesystem::create_directories(dir);
  std::string vgg = dd::test::trace_path("vgg13_h100_iter41.pt.trace.json.gz");
  std::string first = (dir / "first.sqlite").string(), second = (dir / "second.sqlite").string();
  REQUIRE(run_daydream("import " + vgg + " -o " + first).exit_code == 0);
  REQUIRE(run_daydream("import " + vgg + " -o " + second).exit_code == 0);
  auto bytes = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  CHECK(bytes(first).size() > 0);
  CHECK(bytes(first) == bytes(second));
  std::filesystem::remove_all(dir);
}

TEST_CASE("import that fails mid-write leaves no file behind", "[cli][output]") {
  // The file-size limit makes the write fail part way (SIGXFSZ ignored, so the write returns
  // an error instead of killing the process).
  auto dir = std::filesystem::temp_directory_path() / "dd_cli_import_limit";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string out = (dir / "out.sqlite").string();
  CommandResult r = run_shell("sh -c \"trap '' XFSZ; ulimit -f 64; " +
                              std::string(DD_DAYDREAM_BIN) + " import " + kResnet + " -o " + out +
                              "\" 2>&1");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("daydream: error: " + out + ": ") == 0);
  CHECK(std::filesystem::is_empty(dir));
  std::filesystem::remove_all(dir);
}

TEST_CASE("whatif --json on the real trace: promised keys, a speedup from faster convolutions",
          "[cli][whatif]") {
  CommandResult r =
      run_daydream("whatif --json --apply scale:select=class:convolution,factor=2 " + kResnet);
  REQUIRE(r.exit_code == 0);
  simdjson::dom::parser parser;
  auto doc = parse(parser, r.output);
  double replay = doc["replay_iteration_ms"];
  double predicted = doc["predicted_iteration_ms"];
  CHECK(double(doc["measured_iteration_ms"]) == Approx(95.699037));
  CHECK(double(doc["speedup"]) == Approx(replay / predicted));
  // GPU-bound and convolution-heavy: faster, but never more than the factor.
  CHECK(double(doc["speedup"]) > 1.1);
  CHECK(double(doc["speedup"]) < 2.0);
  simdjson::dom::array applied = doc["applied"];
  REQUIRE(applied.size() == 1);
  CHECK(std::string_view(applied.at(0)["name"]) == "scale");
  CHECK(std::string_view(applied.at(0)["parameters"]["select"]) == "class:convolution");
  CHECK(std::string_view(applied.at(0)["parameters"]["factor"]) == "2");
  CHECK(bool(applied.at(0)["applicable"]));
  for (const char* key : {"phases", "layers", "kernel_classes"}) CHECK(doc[key].is_array());
  simdjson::dom::element top_class = doc["kernel_classes"].at(0);
  CHECK(std::string_view(top_class["name"]) == "convolution");
  CHECK(double(top_class["gpu_predicted_ms"]) ==
        Approx(double(top_class["gpu_replay_ms"]) / 2).epsilon(0.01));
}

TEST_CASE("whatif says when a model cannot apply and predicts the replay", "[cli][whatif]") {
  CommandResult r = run_daydream("whatif --apply scale:select=class:attention,factor=2 " + kResnet);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("NOT APPLICABLE") != std::string::npos);
  CHECK(r.output.find("no task matches select=class:attention") != std::string::npos);
  CHECK(r.output.find("Speedup: 1.000x") != std::string::npos);
}

TEST_CASE("whatif does not time a run that does not fit, and stops applying there",
          "[cli][whatif]") {
  std::string vgg = dd::test::trace_path("vgg13_h100_iter41.pt.trace.json.gz");
  CommandResult r = run_daydream("whatif " + vgg + " --apply gpu:target=T4 --apply amp");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("DOES NOT FIT in memory") != std::string::npos);
  CHECK(r.output.find("Not timed") != std::string::npos);
  CHECK(r.output.find("Iteration time") == std::string::npos);
  CHECK(r.output.find("Speedup") == std::string::npos);
  CHECK(r.output.find("amp (") == std::string::npos);  // nothing applied after it
  CommandResult json = run_daydream("whatif --json " + vgg + " --apply gpu:target=T4");
  simdjson::dom::parser parser;
  simdjson::dom::element doc = dd::test::parse(parser, json.output);
  CHECK_FALSE(bool(doc["timed"]));
  CHECK(run_daydream("export " + vgg + " --perfetto /dev/null --apply gpu:target=T4").exit_code ==
        2);
}

TEST_CASE("whatif --list shows every model with its parameters, without a trace", "[cli][whatif]") {
  CommandResult text = run_daydream("whatif --list");
  REQUIRE(text.exit_code == 0);
  CHECK(text.output.find("\nscale\n") != std::string::npos);
  CHECK(text.output.find("factor (required): ") != std::string::npos);
  CommandResult json = run_daydream("whatif --list --json");
  REQUIRE(json.exit_code == 0);
  simdjson::dom::parser parser;
  auto doc = parse(parser, json.output);
  simdjson::dom::array models = doc["models"];
  bool listed = false;
  for (simdjson::dom::element model : models) {
    if (std::string_view(model["name"]) != "scale") continue;
    listed = true;
    CHECK(std::string_view(model["parameters"].at(0)["name"]) == "select");
    CHECK(model["parameters"].at(1)["default"].is_null());
  }
  CHECK(listed);
  // The GPU table the cost models use, each row with its datasheet.
  CHECK(text.output.find("AMD Instinct MI300X: 81.7 / 163.4 / 653.7 / 1307.4 / 1307.4 / 2614.9; "
                         "5300 GB/s") != std::string::npos);
  simdjson::dom::array devices = doc["devices"];
  REQUIRE(devices.size() > 0);
  for (simdjson::dom::element device : devices) {
    CHECK(std::string_view(device["source"]).find("datasheet") != std::string_view::npos);
    CHECK(double(device["memory_bandwidth_bytes_per_s"]) > 0);
  }
}

TEST_CASE("whatif usage errors exit 1 with the valid choices, before loading the trace",
          "[cli][whatif]") {
  CommandResult unknown = run_daydream("whatif --apply no-such-model /no/such/trace.json");
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.output.find("unknown model 'no-such-model'") != std::string::npos);
  CHECK(unknown.output.find("scale") != std::string::npos);
  CommandResult parameter =
      run_daydream("whatif --apply scale:select=class:gemm,speed=2 /no/such/trace.json");
  CHECK(parameter.exit_code == 1);
  CHECK(parameter.output.find("'speed=2'") != std::string::npos);
  CHECK(parameter.output.find("select, factor") != std::string::npos);
  CHECK(run_daydream("whatif " + kResnet).exit_code == 1);  // no --apply
  CommandResult zero = run_daydream("whatif --apply scale:select=class:gemm,factor=0 " + kResnet);
  CHECK(zero.exit_code == 1);
  CHECK(zero.output.find("factor=0: must be > 0") != std::string::npos);
  CHECK(run_daydream("whatif --apply scale:select=class:gemm,factor=2 /no/such/trace.json")
            .exit_code == 2);
}
