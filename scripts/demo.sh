#!/usr/bin/env bash
# The README's main command: set up, build, and ask daydream which optimization to try first on
# a bundled real trace (ResNet-50 training on a V100, PyTorch profiler JSON): every what-if that
# applies, ranked by predicted iteration time, with a sweep over three newer GPUs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
trace=traces/resnet50_v100_rank0.pt.trace.json.gz
echo "== daydream advise $trace --gpus A100,H100,MI300X"
build/cli/daydream advise "$trace" --gpus A100,H100,MI300X
