#!/usr/bin/env bash
# Prints the path of the pinned uv, installing it with pip into a small cached venv when absent.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.8
cache_root=${BANSHI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/banshi-assistant}
tool="$cache_root/uv-$UV_VERSION"
mkdir -p "$cache_root"
exec 9>"$tool.lock"
flock 9
if [ ! -f "$tool/.complete" ]; then
  py=$(scripts/find-python.sh 3.13 3.12 3.10)
  rm -rf "$tool"
  "$py" -m venv "$tool" >&2
  "$tool/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" >&2
  touch "$tool/.complete"
fi
echo "$tool/bin/uv"
