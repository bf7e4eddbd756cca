#!/usr/bin/env bash
# The shared-state tests (test/redis/) start Debian's redis-server on a free loopback port.
# Runs before `npm test`: installs the package when it is missing and this machine can (root with
# apt-get), and otherwise says exactly what to do.
set -euo pipefail
command -v redis-server >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's redis-server for the shared-state tests (once)..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  exit 0
fi
echo "The shared-state tests need redis-server on PATH: install it (e.g. sudo apt-get install redis-server)." >&2
exit 1
