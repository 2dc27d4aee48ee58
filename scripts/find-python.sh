#!/usr/bin/env bash
# Prints the path of a working Python interpreter of one of the given versions, tried in order:
# pythonX.Y on PATH, else pyenv's.   scripts/find-python.sh 3.13 3.12
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 VERSION [VERSION ...]" >&2; exit 2; }
for version in "$@"; do
  candidates=()
  command -v "python$version" >/dev/null 2>&1 && candidates+=("$(command -v "python$version")")
  if command -v pyenv >/dev/null 2>&1; then
    for dir in "$(pyenv root)"/versions/"$version".*; do
      [ -x "$dir/bin/python$version" ] && candidates+=("$dir/bin/python$version")
    done
  fi
  for dir in "$HOME"/.pyenv/versions/"$version".* /usr/local/bin /usr/bin; do
    [ -x "$dir/bin/python$version" ] && candidates+=("$dir/bin/python$version")
    [ -x "$dir/python$version" ] && candidates+=("$dir/python$version")
  done
  for py in "${candidates[@]}"; do
    # pyenv shims exist even when the version is not selected; only accept one that runs.
    if "$py" -c "import sys, venv; assert '%d.%d' % sys.version_info[:2] == '$version'" \
        >/dev/null 2>&1; then
      echo "$py"
      exit 0
    fi
  done
done
echo "Python $* not found: install one (e.g. 'pyenv install $1') and retry." >&2
exit 1
