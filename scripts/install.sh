#!/usr/bin/env bash
# Creates the two environments from their hashed lock files and links them:
#   .venv       application environment (Python 3.13 or 3.12)  requirements-app.lock
#   .venv-rasa  Rasa environment (Python 3.10)                  requirements-rasa.lock
# Each is built once per lock and interpreter in a cache directory, so a fresh clone with
# unchanged locks installs nothing. uv does the installing; scripts/uv.sh brings it.
set -euo pipefail
cd "$(dirname "$0")/.."
cache_root=${BANSHI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/banshi-assistant}
mkdir -p "$cache_root"
uv=$(scripts/uv.sh)
export UV_CACHE_DIR="$cache_root/uv-cache"

# install_env LINK LOCK VERSION... : build (or reuse) the venv for LOCK and link it as LINK.
install_env() {
  local link=$1 lock=$2
  shift 2
  local py hash target
  py=$(scripts/find-python.sh "$@")
  hash=$( (sha256sum "$lock"; "$py" -VV) | sha256sum | cut -c1-16)
  target="$cache_root/venv-$hash"
  # One installer at a time per lock; a venv's scripts name its absolute path, so it is built
  # in place and only marked complete once every package is in and the set checks out.
  exec 9>"$target.lock"
  flock 9
  if [ ! -f "$target/.complete" ]; then
    echo "==> installing $lock into $target (first time for this lock)"
    local began=$SECONDS
    rm -rf "$target"
    "$uv" venv --quiet --python "$py" "$target"
    "$uv" pip sync --quiet --python "$target/bin/python" --require-hashes "$lock"
    "$uv" pip check --quiet --python "$target/bin/python"
    touch "$target/.complete"
    echo "==> $lock installed in $((SECONDS - began)) s"
  fi
  exec 9>&-
  ln -sfn "$target" "$link"
  echo "==> $link -> $target"
}

install_env .venv-rasa requirements-rasa.lock 3.10
install_env .venv requirements-app.lock 3.13 3.12
