#!/usr/bin/env bash
# Creates .venv from requirements.lock. The venv is built once per lock hash in a cache
# directory and linked, so a fresh clone with an unchanged lock installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
py=$(scripts/find-python.sh)
hash=$( (sha256sum requirements.lock; "$py" -VV) | sha256sum | cut -c1-16)
cache_root=${BANSHI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/banshi-assistant}
target="$cache_root/venv-$hash"
mkdir -p "$cache_root"

# One installer at a time per lock; a venv's scripts name its absolute path, so it is built
# in place and only marked complete once pip has finished and the set checks out.
exec 9>"$target.lock"
flock 9
if [ ! -f "$target/.complete" ]; then
  echo "==> installing dependencies into $target (first time for this lock; a few minutes)"
  rm -rf "$target"
  "$py" -m venv "$target"
  "$target/bin/python" -m pip install -q --disable-pip-version-check --upgrade "pip==24.3.1"
  "$target/bin/python" -m pip install -q --disable-pip-version-check --no-deps --prefer-binary -r requirements.lock
  "$target/bin/python" -m pip check
  touch "$target/.complete"
fi
ln -sfn "$target" .venv
echo "==> .venv -> $target"
