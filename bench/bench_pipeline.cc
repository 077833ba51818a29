// bench_pipeline: speed and memory of each pipeline stage on one trace, on one core.
// Reports Kineto/SQLite import throughput, bytes per event in the Trace model, graph build
// rate, simulation rate and bytes per task. Numbers, not pass/fail: see bench/README.md.
//
// usage: bench_pipeline TRACE [--repeat N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "bench/bench_timing.h"
#include "collector/sqlite/sqlite_reader.h"
#include "collector/sqlite/sqlite_writer.h"
#include "collector/trace/trace_builder.h"
#include "collector/trace_loader.h"
#include "graph/graph_builder.h"
#include "simulator/simulator.h"

namespace {

using dd::bench::best_of;
using dd::bench::Clock;
using dd::bench::peak_rss_bytes;
using dd::bench::seconds_since;

size_t table_rows(const dd::Trace& t) {
  return t.event_count() + t.processes.size() + t.threads.size() + t.streams.size() +
         t.devices.size() + t.range_links.size() + t.iterations.size();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s TRACE [--repeat N]\n", argv[0]);
    return 1;
  }
  std::string path = argv[1];
  int repeat = argc >= 4 && std::string(argv[2]) == "--repeat" ? std::stoi(argv[3]) : 3;

  auto load_start = Clock::now();
  auto loaded = dd::load_trace({path});
  double load_seconds = seconds_since(load_start);
  if (!loaded) {
    std::fprintf(stderr, "%s\n", loaded.error().message.c_str());
    return 2;
  }
  dd::Trace& trace = *loaded;
  size_t rss_after_load = peak_rss_bytes();
  double file_mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  std::printf("trace: %s (%.1f MB on disk)\n", path.c_str(), file_mb);
  std::printf("events in the Trace model: %zu\n", trace.event_count());
  std::printf("import (%s): %.3f s, %.1f MB/s of file, %.2f M events/s\n",
              std::string(dd::trace_format_name(trace.format)).c_str(), load_seconds,
              file_mb / load_seconds, static_cast<double>(trace.event_count()) / load_seconds / 1e6);
  std::printf("Trace model: %.1f bytes/event (tables + strings); peak RSS after load %.1f MB\n",
              static_cast<double>(trace.memory_bytes()) / static_cast<double>(trace.event_count()),
              static_cast<double>(rss_after_load) / 1e6);

  std::string sqlite_path = (std::filesystem::temp_directory_path() / "dd_bench.sqlite").string();
  auto write_start = Clock::now();
  if (auto w = dd::write_sqlite_trace(trace, sqlite_path); !w) {
    std::fprintf(stderr, "%s\n", w.error().message.c_str());
    return 2;
  }
  double write_seconds = seconds_since(write_start);
  size_t rows = table_rows(trace);
  double read_seconds = best_of(repeat, [&] {
    auto back = dd::read_sqlite_trace(sqlite_path);
    if (!back) std::fprintf(stderr, "%s\n", back.error().message.c_str());
  });
  std::printf("SQLite: write %.3f s (%.2f M rows/s), read %.3f s (%.2f M rows/s), %zu rows\n",
              write_seconds, static_cast<double>(rows) / write_seconds / 1e6, read_seconds,
              static_cast<double>(rows) / read_seconds / 1e6, rows);
  std::filesystem::remove(sqlite_path);

  std::optional<dd::Graph> graph;
  double build_seconds = best_of(repeat, [&] {
    auto built = dd::build_graph(trace);
    if (built) graph.emplace(std::move(*built));
  });
  if (!graph) return 2;
  std::printf("graph build: %.3f s, %.2f M events/s -> %zu tasks, %zu edges\n", build_seconds,
              static_cast<double>(trace.event_count()) / build_seconds / 1e6, graph->task_count(),
              graph->edge_count());
  // The CSR view (built on demand): row starts and targets both ways, plus edge ids.
  double csr_bytes = 2.0 * 4.0 * static_cast<double>(graph->task_count() + 1) +
                     16.0 * static_cast<double>(graph->edge_count());
  std::printf("graph memory: %.1f bytes/task (%.1f columns + %.1f CSR view)\n",
              (static_cast<double>(graph->memory_bytes()) + csr_bytes) /
                  static_cast<double>(graph->task_count()),
              static_cast<double>(graph->memory_bytes()) / static_cast<double>(graph->task_count()),
              csr_bytes / static_cast<double>(graph->task_count()));
  dd::TimeNs origin = dd::graph_origin(*graph);
  double sim_seconds = best_of(repeat, [&] { dd::simulate(*graph, origin); });
  std::printf("simulation: %.3f s, %.2f M tasks/s\n", sim_seconds,
              static_cast<double>(graph->task_count()) / sim_seconds / 1e6);
  std::printf("peak RSS: %.1f MB\n", static_cast<double>(peak_rss_bytes()) / 1e6);
  return 0;
}
