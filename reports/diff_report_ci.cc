// Machine-readable renderings of a DiffResult (`daydream diff --format json|junit`): one JSON
// object for scripts, and JUnit XML with one test case per check for CI systems.
#include <string_view>

#include "reports/diff_report.h"
#include "reports/json_writer.h"

namespace dd {

namespace {

double ms_value(TimeNs ns) { return static_cast<double>(ns) / 1e6; }

void write_spread(JsonWriter& json, std::string_view key, const IterationSpread& s) {
  json.key(key)
      .begin_object()
      .field("median_ms", ms_value(s.median))
      .field("shortest_ms", ms_value(s.shortest))
      .field("longest_ms", ms_value(s.longest))
      .field("steady_state_iterations", static_cast<uint64_t>(s.samples))
      .end_object();
}

void write_changes(JsonWriter& json, std::string_view key, const std::vector<ChangeRow>& rows) {
  json.key(key).begin_array();
  for (const ChangeRow& row : rows) {
    json.begin_object()
        .field("name", row.name)
        .field("gpu_base_ms", ms_value(row.gpu_replay))
        .field("gpu_new_ms", ms_value(row.gpu_predicted))
        .field("gpu_change_ms", ms_value(row.gpu_change()))
        .field("cpu_base_ms", ms_value(row.cpu_replay))
        .field("cpu_new_ms", ms_value(row.cpu_predicted))
        .field("cpu_change_ms", ms_value(row.cpu_change()))
        .end_object();
  }
  json.end_array();
}

void write_kernels(JsonWriter& json, std::string_view key, const std::vector<KernelChange>& rows) {
  json.key(key).begin_array();
  for (const KernelChange& k : rows) {
    json.begin_object()
        .field("name", k.name)
        .field("kernel_class", k.kernel_class)
        .field("base_ms", ms_value(k.base))
        .field("new_ms", ms_value(k.next))
        .field("delta_ms", ms_value(k.delta()))
        .field("base_launches", k.base_count)
        .field("new_launches", k.next_count)
        .end_object();
  }
  json.end_array();
}

void write_contributors(JsonWriter& json, const DiffResult& r) {
  json.key("contributors").begin_array();
  for (const DiffContributor& c : r.contributors) {
    json.begin_object()
        .field("name", c.name)
        .field("kind", c.kind)
        .field("base_ms", ms_value(c.base))
        .field("new_ms", ms_value(c.next))
        .field("delta_ms", ms_value(c.delta()))
        .end_object();
  }
  json.end_array();
}

void write_critical_path(JsonWriter& json, const CriticalPathChange& path) {
  json.key("critical_path")
      .begin_object()
      .field("base_ms", ms_value(path.replay))
      .field("new_ms", ms_value(path.predicted))
      .field("base_verdict", verdict_name(path.replay_verdict))
      .field("new_verdict", verdict_name(path.predicted_verdict))
      .field("moved", path.replay_verdict != path.predicted_verdict)
      .end_object();
}

void write_checks(JsonWriter& json, const std::vector<DiffCheck>& checks) {
  json.key("checks").begin_array();
  for (const DiffCheck& c : checks) {
    json.begin_object().field("name", c.name).field("passed", c.passed).field("message", c.message).end_object();
  }
  json.end_array();
}

std::string xml_escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters other than tab and newline are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace

void print_diff_json(const DiffResult& result, std::ostream& out) {
  const DiffResult& r = result;
  JsonWriter json(out);
  json.begin_object()
      .field("base", r.base_name)
      .field("new", r.new_name)
      .field("base_iteration_ms", ms_value(r.base.median))
      .field("new_iteration_ms", ms_value(r.next.median))
      .field("change_ms", ms_value(r.change))
      .field("change_pct", r.change_pct)
      .field("threshold_pct", r.threshold_pct)
      .field("noise_band_ms", ms_value(r.noise_band))
      .field("noise_known", r.noise_known)
      .field("within_noise", r.within_noise)
      .field("regressed", r.regressed)
      .field("improved", r.improved)
      .field("rule", diff_noise_rule());
  write_spread(json, "base_iterations", r.base);
  write_spread(json, "new_iterations", r.next);
  json.field("base_replayed_ms", ms_value(r.base_replayed))
      .field("new_replayed_ms", ms_value(r.new_replayed))
      .field("base_scope", r.base_scope)
      .field("new_scope", r.new_scope);
  write_trust_json(r.base_trust, json, "base_trust");
  write_trust_json(r.new_trust, json, "new_trust");
  write_contributors(json, r);
  write_critical_path(json, r.critical_path);
  std::vector<ChangeRow> total{r.total};
  write_changes(json, "total", total);
  write_changes(json, "phases", r.phases);
  write_changes(json, "layers", r.layers);
  write_changes(json, "kernel_classes", r.kernel_classes);
  write_kernels(json, "kernels", r.kernels);
  write_kernels(json, "kernels_added", r.added);
  write_kernels(json, "kernels_removed", r.removed);
  write_checks(json, r.checks);
  json.end_object();
}

void print_diff_junit(const DiffResult& result, std::ostream& out) {
  size_t failures = 0;
  for (const DiffCheck& c : result.checks) failures += c.passed ? 0 : 1;
  std::string suite = xml_escaped("daydream diff " + result.base_name + " -> " + result.new_name);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"daydream diff\" tests=\"" << result.checks.size() << "\" failures=\""
      << failures << "\">\n"
      << "  <testsuite name=\"" << suite << "\" tests=\"" << result.checks.size()
      << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"0\">\n";
  for (const DiffCheck& c : result.checks) {
    out << "    <testcase classname=\"daydream.diff\" name=\"" << xml_escaped(c.name) << "\">\n";
    if (!c.passed) {
      out << "      <failure message=\"" << xml_escaped(c.message) << "\">"
          << xml_escaped(c.message) << "</failure>\n";
    }
    out << "      <system-out>" << xml_escaped(c.message) << "</system-out>\n"
        << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace dd
