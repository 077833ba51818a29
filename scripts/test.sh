#!/usr/bin/env bash
# The README's test command: set up, build, and run the whole test suite with CTest; then
# build the suite again with AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/
# and run it there too (any sanitizer report fails the run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDAYDREAM_SANITIZE=ON \
      -DDAYDREAM_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j "$(nproc)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
