#!/usr/bin/env bash
# The image test (test/image) builds the Dockerfile with podman and a stand-in base image made with
# debootstrap (no Docker engine, no registry here). Runs before `npm test`: installs the missing
# tools when this machine can (root with apt-get), and otherwise says exactly what to install.
set -euo pipefail
missing=()
command -v podman >/dev/null || missing+=(podman)
command -v debootstrap >/dev/null || missing+=(debootstrap)
[ ${#missing[@]} = 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's ${missing[*]} for the image test (once)..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "The image test needs ${missing[*]}: install it (e.g. sudo apt-get install ${missing[*]}), as root:" >&2
echo "it builds and mounts images with podman, which needs root here (podman image mount, chroot)." >&2
exit 1
