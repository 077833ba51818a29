"""The collector's overhead from gpu_checks.sh's ResNet-50 runs: for each configuration, the
median of its runs' median iteration times, and its cost against the plain runs.
Usage: python3 overhead_table.py DIR   (DIR holds resnet_plain.jsonl and the others)"""
import json
import os
import statistics
import sys

CONFIGURATIONS = [
    ("resnet_plain.jsonl", "no collector"),
    ("resnet_shim_only.jsonl", "the shim alone (--annotate modules, no collector)"),
    ("resnet_recorded_none.jsonl", "daydream record --annotate none"),
    ("resnet_recorded.jsonl", "daydream record (--annotate modules, the default)"),
]


def run_medians(path):
    with open(path) as lines:
        return [json.loads(line)["median_ms"] for line in lines if line.startswith("{")]


def main():
    folder = sys.argv[1]
    rows = []
    for name, label in CONFIGURATIONS:
        path = os.path.join(folder, name)
        if os.path.exists(path):
            medians = run_medians(path)
            rows.append((label, medians, statistics.median(medians)))
    if not rows or rows[0][0] != CONFIGURATIONS[0][1]:
        sys.exit("overhead_table.py: no resnet_plain.jsonl in %s" % folder)
    plain = rows[0][2]
    print("| configuration | run medians (ms) | median (ms) | overhead |")
    print("|---|---|---|---|")
    for label, medians, median in rows:
        runs = " / ".join("%.2f" % m for m in medians)
        print("| %s | %s | %.2f | %+.1f%% |" % (label, runs, median, 100 * (median / plain - 1)))


if __name__ == "__main__":
    main()
