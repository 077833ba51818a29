// Perfetto export (see perfetto_export.h): per timeline, the track metadata, then one slice
// per task that ran and one flow per live edge between tasks that ran, in id order.
#include "reports/perfetto_export.h"

#include "reports/trace_event_writer.h"

namespace dd {

namespace {

constexpr uint64_t kProgressStride = 1 << 16;  // tasks between progress reports

uint32_t thread_id(ResourceId resource) {
  return resource + 1;  // tid 0 is where process metadata lives
}

bool ran(const Timeline& timeline, TaskId task) {
  return timeline.start[task] != kNotRun;
}

// CPU threads first, then GPU streams, then links; graph order within each kind.
int64_t thread_order(const Graph& graph, ResourceId resource) {
  return static_cast<int64_t>(graph.resources[resource].kind) * int64_t{1'000'000} + resource;
}

// What a slice is called: the kernel or API name; CPU work (unnamed) by its op or layer.
std::string_view slice_name(const Graph& graph, TaskId task) {
  for (StringId id : {graph.name[task], graph.op[task], graph.layer[task]}) {
    std::string_view text = graph.str(id);
    if (!text.empty()) return text;
  }
  return "cpu work";
}

void write_track_metadata(TraceEventWriter& writer, uint32_t pid, const ExportedTimeline& track) {
  writer.process_name(pid, track.label);
  writer.process_sort_index(pid, pid);
  const Graph& graph = *track.graph;
  for (ResourceId r = 0; r < graph.resources.size(); ++r) {
    if (graph.resources[r].first == kNone) continue;
    writer.thread_name(pid, thread_id(r), graph.resources[r].name);
    writer.thread_sort_index(pid, thread_id(r), thread_order(graph, r));
  }
}

void write_slice(TraceEventWriter& writer, uint32_t pid, const ExportedTimeline& track,
                 TaskId task) {
  const Graph& graph = *track.graph;
  const Timeline& timeline = *track.timeline;
  writer.begin_slice(pid, thread_id(graph.resource[task]), timeline.start[task],
                     timeline.end[task] - timeline.start[task], slice_name(graph, task),
                     task_kind_name(graph.kind[task]));
  writer.arg("task", static_cast<int64_t>(task));
  writer.arg("phase", phase_name(graph.phase[task]));
  if (std::string_view layer = graph.str(graph.layer[task]); !layer.empty()) {
    writer.arg("layer", layer);
  }
  if (std::string_view op = graph.str(graph.op[task]); !op.empty()) writer.arg("op", op);
  if (graph.iteration[task] >= 0) writer.arg("iteration", int64_t{graph.iteration[task]});
  if (graph.kind[task] == TaskKind::kGpuOp) {
    writer.arg("kernel_class", kernel_class_name(graph.kernel_class[task]));
  }
  if (track.show_recorded_duration && graph.recorded_end[task] > graph.recorded_start[task]) {
    writer.arg("recorded_dur_ns", graph.recorded_end[task] - graph.recorded_start[task]);
  }
  writer.end_event();
}

// Flow ends sit mid-slice, where the slice that encloses them is unambiguous.
TimeNs midpoint(const Timeline& timeline, TaskId task) {
  return timeline.start[task] + (timeline.end[task] - timeline.start[task]) / 2;
}

uint64_t write_flows(TraceEventWriter& writer, uint32_t pid, const ExportedTimeline& track,
                     uint64_t& next_flow_id) {
  const Graph& graph = *track.graph;
  const Timeline& timeline = *track.timeline;
  uint64_t flows = 0;
  for (EdgeId e = 0; e < graph.edge_count(); ++e) {
    TaskId from = graph.edge_from[e];
    TaskId to = graph.edge_to[e];
    if (graph.edge_removed[e] || !ran(timeline, from) || !ran(timeline, to)) continue;
    writer.flow(pid, next_flow_id++, edge_kind_name(graph.edge_kind[e]),
                thread_id(graph.resource[from]), midpoint(timeline, from),
                thread_id(graph.resource[to]), midpoint(timeline, to));
    ++flows;
  }
  return flows;
}

}  // namespace

PerfettoExportStats write_perfetto_trace(std::span<const ExportedTimeline> timelines,
                                         TimeNs origin, std::ostream& out, Progress* progress) {
  uint64_t total_tasks = 0;
  for (const ExportedTimeline& track : timelines) total_tasks += track.graph->task_count();
  ProgressStage stage(progress, "exporting timelines", total_tasks, ProgressUnit::kTasks,
                      kProgressStride);
  PerfettoExportStats stats;
  TraceEventWriter writer(out, origin);
  uint64_t next_flow_id = 1;
  uint64_t tasks_done = 0;
  for (uint32_t i = 0; i < timelines.size(); ++i) {
    const ExportedTimeline& track = timelines[i];
    uint32_t pid = i + 1;
    ExportedTrackStats track_stats{track.label};
    write_track_metadata(writer, pid, track);
    for (TaskId task = 0; task < track.graph->task_count(); ++task) {
      stage.update(++tasks_done);
      if (track.graph->removed[task] || !ran(*track.timeline, task)) continue;
      write_slice(writer, pid, track, task);
      ++track_stats.slices;
    }
    track_stats.flows = write_flows(writer, pid, track, next_flow_id);
    stats.tracks.push_back(std::move(track_stats));
  }
  stats.written = writer.finish();
  stats.bytes = writer.bytes_written();
  return stats;
}

}  // namespace dd
