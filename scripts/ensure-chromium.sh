#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (never a downloaded browser). Installs it, with the
# CJK fonts that make Chinese render and NSS's certutil (e2e/setup.test.ts puts the venue CA in
# Chromium's certificate store with it), when one is missing and we may use apt-get.
set -euo pipefail
[ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ] && exit 0
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' &&
  command -v certutil >/dev/null; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium, fonts-noto-cjk and libnss3-tools for the browser tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk libnss3-tools >/dev/null
else
  echo "Browser tests need Debian's chromium and fonts-noto-cjk:" >&2
  echo "  sudo apt-get install -y chromium fonts-noto-cjk libnss3-tools   (or set CHROMIUM_PATH)" >&2
  exit 1
fi
