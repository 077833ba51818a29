#!/usr/bin/env bash
# Installs what daydream needs from Debian's packages (only what is missing), then configures
# and builds it in build/. Used by the README's commands and by CI; safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

# clang-16 and its runtimes (libFuzzer, sanitizers) build the fuzz targets and the sanitizer
# test build (scripts/test.sh); Debian 12's default clang 14 cannot compile std::expected.
packages=(g++ cmake ninja-build libboost-graph-dev libsqlite3-dev libcli11-dev catch2
          libsimdjson-dev zlib1g-dev clang-16 libclang-rt-16-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build_type=${DAYDREAM_BUILD_TYPE:-RelWithDebInfo}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
cmake --build build -j "$(nproc)"
