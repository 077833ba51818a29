// bench_export: speed of the Perfetto export (reports/perfetto_export.h) on one trace, on one
// core: the measured timeline alone (to /dev/null, which times the formatting alone, and to a
// file), and measured + predicted (`--apply amp`) as `daydream export` writes them. Reports tasks/s, MB/s and the peak RSS, which
// shows the writer streams (it stays near the size of the loaded trace and graph). Numbers,
// not pass/fail: see bench/README.md.
//
// usage: bench_export TRACE [--repeat N]
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "bench/bench_timing.h"
#include "collector/trace_loader.h"
#include "graph/graph_builder.h"
#include "reports/perfetto_export.h"
#include "simulator/simulator.h"
#include "transforms/whatif_model.h"

namespace {

using dd::bench::best_of;
using dd::bench::peak_rss_bytes;

// Exports `tracks` to `path` `repeat` times; prints the best time and rates.
void measure(const char* what, const std::vector<dd::ExportedTimeline>& tracks, dd::TimeNs origin,
             const std::string& path, int repeat) {
  dd::PerfettoExportStats stats;
  double seconds = best_of(repeat, [&] {
    std::ofstream file(path, std::ios::binary);
    stats = dd::write_perfetto_trace(tracks, origin, file);
  });
  uint64_t tasks = 0;
  uint64_t flows = 0;
  for (const dd::ExportedTrackStats& track : stats.tracks) {
    tasks += track.slices;
    flows += track.flows;
  }
  std::printf("%s: %.3f s for %llu tasks + %llu flows, %.2f M tasks/s, %.0f MB at %.0f MB/s%s\n",
              what, seconds, static_cast<unsigned long long>(tasks),
              static_cast<unsigned long long>(flows), static_cast<double>(tasks) / seconds / 1e6,
              static_cast<double>(stats.bytes) / 1e6, static_cast<double>(stats.bytes) / 1e6 / seconds,
              stats.written ? "" : " (WRITE FAILED)");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s TRACE [--repeat N]\n", argv[0]);
    return 1;
  }
  std::string path = argv[1];
  int repeat = argc >= 4 && std::string(argv[2]) == "--repeat" ? std::stoi(argv[3]) : 3;
  auto trace = dd::load_trace({path});
  if (!trace) {
    std::fprintf(stderr, "%s\n", trace.error().message.c_str());
    return 2;
  }
  auto graph = dd::build_graph(*trace);
  if (!graph) {
    std::fprintf(stderr, "%s\n", graph.error().message.c_str());
    return 2;
  }
  dd::TimeNs origin = dd::graph_origin(*graph);
  dd::Timeline measured = dd::measured_timeline(*graph);
  dd::Graph transformed(*graph);
  auto amp = dd::parse_apply("amp");
  if (!amp || !amp->model->apply(transformed, amp->arguments)) return 2;
  dd::Timeline predicted = dd::simulate(transformed, origin);
  std::printf("trace: %s, %zu tasks, %zu edges; peak RSS before export %.1f MB\n", path.c_str(),
              graph->task_count(), graph->edge_count(),
              static_cast<double>(peak_rss_bytes()) / 1e6);

  std::string out = (std::filesystem::temp_directory_path() / "dd_bench_export.json").string();
  std::vector<dd::ExportedTimeline> measured_only{{"measured", &*graph, &measured, false}};
  std::vector<dd::ExportedTimeline> both{{"measured", &*graph, &measured, false},
                                         {"predicted: amp", &transformed, &predicted, true}};
  // /dev/null: the formatting alone, without the disk.
  measure("measured, to /dev/null", measured_only, origin, "/dev/null", repeat);
  measure("measured, to a file", measured_only, origin, out, repeat);
  measure("measured + predicted, to a file", both, origin, out, repeat);
  std::filesystem::remove(out);
  std::printf("peak RSS: %.1f MB\n", static_cast<double>(peak_rss_bytes()) / 1e6);
  return 0;
}
