#!/usr/bin/env bash
# The Debian packages the tests use, installed when one is missing and we may use apt-get:
# - chromium, with the CJK fonts that make Chinese render and NSS's certutil (e2e/setup.test.ts
#   puts the venue CA in Chromium's certificate store with it): the browser tests drive
#   Debian's Chromium, never a downloaded browser;
# - postgresql: the second engine; tests start throwaway clusters with scripts/pg-cluster.sh;
# - nginx: the load balancer of docs/deployment.md, which server/instances.test.ts runs in front
#   of two instances.
set -euo pipefail
missing=()
if [ -z "${CHROMIUM_PATH:-}" ] || [ ! -x "${CHROMIUM_PATH:-}" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
fi
fc-list 2>/dev/null | grep -i 'Noto Sans CJK' >/dev/null || missing+=(fonts-noto-cjk)
command -v certutil >/dev/null || missing+=(libnss3-tools)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
[ ${#missing[@]} = 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's ${missing[*]} for the tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "The tests need Debian's ${missing[*]}:" >&2
  echo "  sudo apt-get install -y ${missing[*]}   (or set CHROMIUM_PATH for the browser)" >&2
  exit 1
fi
