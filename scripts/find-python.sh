#!/usr/bin/env bash
# Prints the path of a working Python 3.10 interpreter: python3.10 on PATH, else pyenv's.
set -euo pipefail
candidates=()
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
if command -v pyenv >/dev/null 2>&1; then
  for dir in "$(pyenv root)"/versions/3.10.*; do
    [ -x "$dir/bin/python3.10" ] && candidates+=("$dir/bin/python3.10")
  done
fi
for dir in "$HOME"/.pyenv/versions/3.10.* /usr/local/bin /usr/bin; do
  [ -x "$dir/bin/python3.10" ] && candidates+=("$dir/bin/python3.10")
  [ -x "$dir/python3.10" ] && candidates+=("$dir/python3.10")
done
for py in "${candidates[@]}"; do
  # pyenv shims exist even when the version is not selected; only accept one that runs.
  if "$py" -c 'import sys, venv; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
    echo "$py"
    exit 0
  fi
done
echo "Python 3.10 not found: install it (e.g. 'pyenv install 3.10') and retry." >&2
exit 1
