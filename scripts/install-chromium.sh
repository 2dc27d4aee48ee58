#!/usr/bin/env bash
# The browser tests drive the system Chromium: Playwright's own browser download is not
# available on every build machine, while the distribution package is.
set -euo pipefail
# A CJK font too, or every Chinese character in the screenshots renders as a box.
if [ -x /usr/bin/chromium ] && fc-list :lang=zh 2>/dev/null | grep -q .; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
else
  sudo=(sudo)
fi
echo "==> installing the system Chromium and a Chinese font for the browser tests"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-wqy-zenhei
