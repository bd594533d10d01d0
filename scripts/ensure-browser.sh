#!/usr/bin/env bash
# What the browser tests need, from Debian and npm only: Debian's chromium (never a browser
# downloaded by Playwright), CJK fonts (Korean, Chinese and Japanese render as text, not
# boxes, in screenshots) and axe-core for the accessibility check.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing ${missing[*]} (Debian packages for the browser tests)"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing: ${missing[*]}: install them with apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

axe=.cache/axe/node_modules/axe-core/axe.min.js
if [ ! -f "$axe" ]; then
  echo "==> installing axe-core from npm (accessibility check)"
  mkdir -p .cache/axe
  npm install --silent --prefix .cache/axe axe-core@4.14.1 >/dev/null
fi
