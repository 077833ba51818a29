#!/usr/bin/env python3
"""Replay fidelity over a directory of real traces (bench/corpus/README.md).

Runs every trace of a directory through `daydream info`, `replay` and `breakdown` (their --json
forms) and writes, per trace: whether it loaded, the iterations found against the directory's
expected.json (ProfilerStep counts and durations taken independently with Python) and against
an independent count of optimizer-step markers, measured vs simulated time per iteration
(median and worst error), the measured system parameters, diagnostics and the time taken.

  run_corpus.py CORPUS_DIR [--daydream BIN] [--markdown OUT.md] [--json OUT.json]
                [--before BEFORE.json] [--check REFERENCE.json] [--known-misses FILE]

--before adds the numbers of an earlier run (its --json output) beside each trace.
--check compares with a reference run and exits 1 when a trace that loaded there no longer
loads, when iterations disagree with expected.json or the marker count, when a trace that
replayed there no longer replays, or when a trace's replay error passes 5%. A trace listed in
--known-misses (a JSON object: file name -> why its replay cannot be faithful) is held instead
to being flagged: its replay must carry the trust warning. A missing corpus directory prints
"skipped: no corpus" and exits 77 (CTest's skip code).
"""
import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import time

ERROR_BAR_PCT = 5.0      # the bar: no trace's replay error above it
GOAL_PCT = 2.0           # the goal: median error at or under it
STEP_TOLERANCE_MS = 0.001  # expected.json durations are rounded to the nanosecond


def trace_files(directory):
    names = sorted(os.listdir(directory))
    return [n for n in names if n.endswith((".json", ".json.gz", ".sqlite"))
            and n != "expected.json"]


def run_json(binary, args, timeout=600):
    """Runs daydream with --json; returns (seconds, exit code, parsed JSON or None, stderr)."""
    started = time.monotonic()
    try:
        proc = subprocess.run([binary, *args, "--json"], capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return timeout, -1, None, "timed out"
    seconds = time.monotonic() - started
    try:
        parsed = json.loads(proc.stdout) if proc.stdout.strip() else None
    except json.JSONDecodeError:
        parsed = None
    return seconds, proc.returncode, parsed, proc.stderr.strip()


def optimizer_step_starts(path):
    """CPU-side `Optimizer.step#...` ranges of a Kineto file, counted independently of daydream
    (the marker of training loops recorded without ProfilerStep#N)."""
    if path.endswith(".sqlite"):
        return None
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        try:
            doc = json.load(f)
        except json.JSONDecodeError:
            return None
    events = doc.get("traceEvents", []) if isinstance(doc, dict) else doc
    count = 0
    for e in events:
        if (isinstance(e, dict) and e.get("ph") == "X" and
                str(e.get("name", "")).startswith("Optimizer.step#") and
                e.get("cat") not in ("gpu_user_annotation",)):
            count += 1
    return count


def iteration_check(info, expected, optimizer_steps):
    """(ok, text) comparing the iterations daydream found with the independent counts."""
    found = info.get("iterations", []) if info else []
    sources = sorted({it.get("source", "?") for it in found})
    if expected and expected.get("steps", 0) > 0:
        want = expected["steps"]
        steps = [it for it in found if it.get("source") == "profiler_step"]
        # A last step the profiler cut off is left out by daydream and counted (iterations.h);
        # expected.json counts every ProfilerStep range, so the pair must add up.
        cut = (info.get("diagnostics") or {}).get("iteration_cut_by_profiler_stop", 0)
        if len(steps) + cut != want:
            return False, (f"{len(steps)} ProfilerStep iterations (+{cut} cut by the profiler "
                           f"stop), expected.json has {want}")
        for it, ms in zip(steps, expected["step_durations_ms"]):
            got = it["duration_ns"] / 1e6
            if abs(got - ms) > STEP_TOLERANCE_MS:
                return False, f"{it['name']} lasts {got:.6f} ms, expected.json {ms:.6f} ms"
        if cut:
            return True, f"{len(steps)} ProfilerStep + {cut} cut by the profiler stop (= expected.json)"
        return True, f"{want} ProfilerStep (= expected.json)"
    if optimizer_steps and optimizer_steps >= 2:
        want = optimizer_steps - 1
        if len(found) != want:
            return False, (f"{len(found)} iterations ({', '.join(sources) or 'none'}); "
                           f"{optimizer_steps} Optimizer.step markers give {want}")
        return True, f"{want} between {optimizer_steps} optimizer steps"
    if not found:
        return True, "none (no markers)"
    return True, f"{len(found)} ({', '.join(sources)})"


def replay_errors(replay):
    """Per-iteration signed errors in percent, and the analysed (steady-state) error."""
    errors = []
    for it in replay.get("iterations", []):
        measured = it.get("measured_ms", 0)
        if measured > 0:
            errors.append(100.0 * (it["simulated_ms"] - measured) / measured)
    return errors


def analyse(corpus, name, binary, expected):
    path = os.path.join(corpus, name)
    row = {"trace": name}
    t_info, rc, info, err = run_json(binary, ["info", path])
    row["loaded"] = rc == 0 and info is not None
    row["load_error"] = "" if row["loaded"] else (err.splitlines()[-1] if err else f"exit {rc}")
    row["seconds"] = {"info": round(t_info, 3)}
    if info:
        row["format"] = info.get("format")
        row["counts"] = {k: info["counts"].get(k) for k in ("kernels", "memcpy", "memset")}
        row["iterations_found"] = len(info.get("iterations", []))
        row["diagnostics"] = info.get("diagnostics", {})
    exp = expected.get(name)
    if exp and info:
        row["counts_match"] = all(info["counts"].get(k) == exp.get(k)
                                  for k in ("kernels", "memcpy", "memset"))
    ok, text = iteration_check(info, exp, optimizer_step_starts(path))
    row["iterations_ok"], row["iterations_text"] = ok, text

    t_replay, rc, replay, err = run_json(binary, ["replay", path])
    row["seconds"]["replay"] = round(t_replay, 3)
    row["replayed"] = rc == 0 and replay is not None
    if not row["replayed"]:
        row["replay_error"] = err.splitlines()[-1] if err else f"exit {rc}"
    else:
        errors = replay_errors(replay)
        row["iteration_errors_pct"] = [round(e, 3) for e in errors]
        row["median_abs_error_pct"] = round(statistics.median(abs(e) for e in errors), 3) if errors else None
        row["worst_abs_error_pct"] = round(max(abs(e) for e in errors), 3) if errors else None
        row["steady_error_pct"] = round(replay.get("error_pct", 0.0), 3)
        row["measured_ms"] = replay.get("measured_iteration_ms")
        row["simulated_ms"] = replay.get("simulated_iteration_ms")
        graph = replay.get("graph", {})
        row["parameters"] = graph.get("parameters", {})
        row["graph_diagnostics"] = graph.get("diagnostics", {})
        row["trust"] = replay.get("trust")
    t_bd, rc, _, err = run_json(binary, ["breakdown", path])
    row["seconds"]["breakdown"] = round(t_bd, 3)
    row["breakdown_ok"] = rc == 0
    return row


def gate_error(row):
    """The error a trace is judged by: the median over its iterations (one iteration: end to end)."""
    return row.get("median_abs_error_pct")


def check(rows, reference, known_misses):
    failures = []
    ref = {r["trace"]: r for r in reference}
    for row in rows:
        name, before = row["trace"], ref.get(row["trace"], {})
        if before.get("loaded") and not row["loaded"]:
            failures.append(f"{name}: loaded before, now fails: {row['load_error']}")
        if before.get("replayed") and not row["replayed"]:
            failures.append(f"{name}: replayed before, now fails: {row.get('replay_error')}")
        if not row["iterations_ok"]:
            failures.append(f"{name}: iterations: {row['iterations_text']}")
        error = gate_error(row)
        if name in known_misses and row.get("replayed"):
            if (row.get("trust") or {}).get("trusted", True) and error is not None and error > ERROR_BAR_PCT:
                failures.append(f"{name}: a known miss ({error:.2f}%) that the trust signal no longer flags")
            elif error is not None and error <= ERROR_BAR_PCT:
                print(f"note: {name} is listed as a known miss but now replays within "
                      f"{ERROR_BAR_PCT:.0f}% ({error:.2f}%): take it off the list")
        elif error is not None and error > ERROR_BAR_PCT:
            failures.append(f"{name}: replay error {error:.2f}% passes {ERROR_BAR_PCT:.0f}%")
    return failures


def fmt(value, digits=2, suffix=""):
    return "—" if value is None else f"{value:.{digits}f}{suffix}"


def short(name):
    for prefix, tag in (("AMD-AGI__TraceLens__tests__traces__", "TL/"),
                        ("facebookresearch__HolisticTraceAnalysis__tests__data__", "HTA/"),
                        ("facebookresearch__param__et_replay__tests__inputs__", "PARAM/"),
                        ("pytorch__kineto__tb_plugin__samples__", "KIN/"),
                        ("GindaChen__nsys-ai__tests__fixtures__", "NSA/")):
        if name.startswith(prefix):
            return tag + name[len(prefix):]
    return name


def markdown(rows, before, command, known_misses):
    prior = {r["trace"]: r for r in before}
    lines = ["# Replay fidelity on the corpus", "",
             "Generated by `" + command + "` (bench/corpus/README.md says what each column means).",
             ""]
    replayed = [r for r in rows if gate_error(r) is not None]
    within_goal = sum(1 for r in replayed if gate_error(r) <= GOAL_PCT)
    within_bar = sum(1 for r in replayed if gate_error(r) <= ERROR_BAR_PCT)
    lines += [f"{len(rows)} traces: {sum(r['loaded'] for r in rows)} load, "
              f"{len(replayed)} replay; median iteration error ≤ {GOAL_PCT:g}% on {within_goal}, "
              f"≤ {ERROR_BAR_PCT:g}% on {within_bar}; iterations agree on "
              f"{sum(r['iterations_ok'] for r in rows)}.", ""]
    header = "| trace | load | iterations | measured ms | simulated ms | median err | worst err |"
    rule = "|---|---|---|---|---|---|---|"
    if before:
        header += " before: median / worst |"
        rule += "---|"
    header += " launch lat. µs | GPU gap µs | queue depth | seconds (info/replay/breakdown) |"
    rule += "---|---|---|---|"
    lines += [header, rule]
    for r in rows:
        params = r.get("parameters", {})
        name = short(r["trace"]) + (" (known miss)" if r["trace"] in known_misses else "")
        cells = [name, "yes" if r["loaded"] else "**no**: " + r["load_error"],
                 ("" if r["iterations_ok"] else "**MISMATCH** ") + r["iterations_text"]]
        if r.get("replayed"):
            cells += [fmt(r.get("measured_ms"), 3), fmt(r.get("simulated_ms"), 3),
                      fmt(r.get("median_abs_error_pct"), 2, "%"),
                      fmt(r.get("worst_abs_error_pct"), 2, "%")]
        else:
            cells += ["—", "cannot replay: " + r.get("replay_error", "?"), "—", "—"]
        if before:
            b = prior.get(r["trace"], {})
            cells.append(f"{fmt(b.get('median_abs_error_pct'), 2, '%')} / "
                         f"{fmt(b.get('worst_abs_error_pct'), 2, '%')}" if b.get("replayed")
                         else "no replay")
        cells += [fmt(params.get("launch_latency_ns", None) and params["launch_latency_ns"] / 1e3, 2),
                  fmt(params.get("gpu_op_gap_ns", None) and params["gpu_op_gap_ns"] / 1e3, 2),
                  str(params.get("launch_queue_depth", "—")),
                  "/".join(f"{r['seconds'].get(k, 0):.2f}" for k in ("info", "replay", "breakdown"))]
        lines.append("| " + " | ".join(cells) + " |")
    if known_misses:
        lines += ["", "## Known misses", "",
                  "Traces whose replay cannot be faithful with what they record; the CTest holds "
                  "them to carrying the trust warning instead of the 5% bar.", ""]
        lines += [f"- `{short(name)}`: {why}" for name, why in sorted(known_misses.items())]
    lines += ["", "## Diagnostics per trace", ""]
    for r in rows:
        diag = {**r.get("diagnostics", {}), **r.get("graph_diagnostics", {})}
        trust = r.get("trust") or {}
        note = ""
        if trust:
            note = " — trusted" if trust.get("trusted") else " — NOT trusted: " + "; ".join(
                trust.get("causes") or ["replay error past the bar"])
        text = ", ".join(f"{k} {v}" for k, v in sorted(diag.items())) or "none"
        lines.append(f"- `{short(r['trace'])}`{note}: {text}")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus")
    parser.add_argument("--daydream", default="build/cli/daydream")
    parser.add_argument("--markdown")
    parser.add_argument("--json")
    parser.add_argument("--before")
    parser.add_argument("--check")
    parser.add_argument("--known-misses")
    args = parser.parse_args()
    if not os.path.isdir(args.corpus):
        print(f"skipped: no corpus at {args.corpus}")
        return 77
    expected_path = os.path.join(args.corpus, "expected.json")
    expected = json.load(open(expected_path)) if os.path.exists(expected_path) else {}
    known_misses = json.load(open(args.known_misses)) if args.known_misses else {}
    rows = []
    for name in trace_files(args.corpus):
        row = analyse(args.corpus, name, args.daydream, expected)
        rows.append(row)
        print(f"{short(name):80s} {'loaded' if row['loaded'] else 'LOAD FAILED':12s} "
              f"median {fmt(row.get('median_abs_error_pct'), 2, '%'):>8s} "
              f"worst {fmt(row.get('worst_abs_error_pct'), 2, '%'):>8s}  {row['iterations_text']}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    if args.markdown:
        before = json.load(open(args.before)) if args.before else []
        command = "python3 bench/corpus/run_corpus.py " + " ".join(sys.argv[1:])
        with open(args.markdown, "w") as f:
            f.write(markdown(rows, before, command, known_misses))
    if args.check:
        failures = check(rows, json.load(open(args.check)), known_misses)
        for failure in failures:
            print("FAIL " + failure)
        print(f"{len(failures)} failure(s) over {len(rows)} traces")
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
