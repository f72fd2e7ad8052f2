#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests of web/ (e2e/tests/web-*.test.ts) and the web
# benchmarks, which drive it through playwright-core. Idempotent: does nothing when it is there.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: /usr/bin/chromium is missing and this is not root; install Debian's chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends chromium || {
  # The package lists may be stale on a fresh machine.
  apt-get update
  apt-get install -y --no-install-recommends chromium
}
/usr/bin/chromium --version
