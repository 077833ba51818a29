#!/usr/bin/env bash
# The README's main command: set up, build, and replay a bundled real trace (ResNet-50 on a
# V100, PyTorch profiler JSON) — measured vs simulated iteration time — break it down, then
# predict what automatic mixed precision (fp16) would buy it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
trace=traces/resnet50_v100_rank0.pt.trace.json.gz
echo "== daydream replay $trace"
build/cli/daydream replay "$trace"
echo
echo "== daydream breakdown $trace"
build/cli/daydream breakdown "$trace"
echo
echo "== daydream whatif $trace --apply amp:dtype=fp16"
build/cli/daydream whatif "$trace" --apply amp:dtype=fp16
