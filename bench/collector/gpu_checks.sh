#!/usr/bin/env bash
# daydream record's checks on a machine with a GPU (run from the repository root there):
# the collector on streams_program.cu (every record kind, correlation, cross-stream order),
# then the overhead in parts (an NVTX range as recorded, the PyTorch shim's per-module cost),
# ResNet-50 training with synthetic data without and with the collector, and a short trace of
# steady iterations. Results go to $OUT. DD_BIN is the folder holding daydream,
# libddcollector.so and python/ (default build/cli).
set -uo pipefail
bin=$(realpath "${DD_BIN:-build/cli}")
out=${OUT:-/tmp/dd-gpu}
mkdir -p "$out"
[ -d "$bin/libs" ] && export LD_LIBRARY_PATH="$bin/libs:${LD_LIBRARY_PATH:-}"
cupti_dir=$(dirname "$(find / -name 'libcupti.so.13*' -not -path '/proc/*' 2>/dev/null | grep -v site-packages | head -1)")
export LD_LIBRARY_PATH="$cupti_dir:${LD_LIBRARY_PATH:-}"
dd() { "$bin/daydream" "$@"; }

echo "== environment"
nvidia-smi -L
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
find / -name 'libcupti.so*' -not -path '/proc/*' 2>/dev/null
ldd "$bin/daydream" "$bin/libddcollector.so" | grep -E 'not found|cupti|sqlite|simdjson'

echo "== streams_program.cu"
nvcc -O2 -o /tmp/streams_program bench/collector/streams_program.cu -ldl
dd record --force -o "$out/streams.sqlite" -- /tmp/streams_program
echo "exit code $?"
python3 bench/collector/check_streams_trace.py "$out/streams.sqlite"
dd info "$out/streams.sqlite"
dd replay "$out/streams.sqlite"

echo "== NVTX push+pop: without a tool, and as a recording pays for it (CUPTI marker records)"
nvcc -O2 -o /tmp/nvtx_cost bench/collector/nvtx_cost.cu -ldl
/tmp/nvtx_cost | tee "$out/nvtx_cost_plain.json"
dd record --force -o /tmp/nvtx_cost.sqlite -- /tmp/nvtx_cost | tee "$out/nvtx_cost_recorded.json"

echo "== the PyTorch shim in this machine's torch: its tests and its CPU cost per module call"
python3 -m unittest discover -s collector/python/tests
python3 bench/collector/shim_hook_cost.py | tee "$out/shim_hook_cost.json"
python3 bench/collector/shim_hook_cost.py --training | tee "$out/shim_hook_cost_training.json"

echo "== ResNet-50: overhead (alternating runs without and with the collector)"
# Besides the plain run and the default recording: the shim alone (its hooks active, NVTX going
# to no tool, no collector) and the collector without module ranges, to split the overhead.
for round in 1 2; do
  python3 bench/collector/resnet50_train.py --iterations 40 | tee -a "$out/resnet_plain.jsonl"
  PYTHONPATH="$bin/python" DD_ANNOTATE=modules \
    python3 bench/collector/resnet50_train.py --iterations 40 | tee -a "$out/resnet_shim_only.jsonl"
  dd record --force --annotate none -o "/tmp/resnet_none.sqlite" -- \
    python3 bench/collector/resnet50_train.py --iterations 40 | tee -a "$out/resnet_recorded_none.jsonl"
  dd record --force -o "/tmp/resnet_full.sqlite" -- \
    python3 bench/collector/resnet50_train.py --iterations 40 | tee -a "$out/resnet_recorded.jsonl"
done
python3 bench/collector/overhead_table.py "$out" | tee "$out/overhead.md"
ls -l /tmp/resnet_full.sqlite
dd info /tmp/resnet_full.sqlite | head -30

echo "== ResNet-50: a short trace of steady iterations"
dd record --force --iterations 12:4 -o "$out/resnet50_h100.sqlite" -- \
  python3 bench/collector/resnet50_train.py --iterations 10 --warmup 10 | tee "$out/resnet_short.json"
ls -l "$out/resnet50_h100.sqlite"
dd info "$out/resnet50_h100.sqlite"
dd replay "$out/resnet50_h100.sqlite"
# Its layers, backward included (the shim's module backward ranges): the "(unattributed)" row
# of the layer table is the GPU time in no layer (issue 17: under 10%).
dd breakdown "$out/resnet50_h100.sqlite" > "$out/resnet_short_breakdown.txt"
head -40 "$out/resnet_short_breakdown.txt"
