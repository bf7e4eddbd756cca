#!/usr/bin/env bash
# Builds a local stand-in for the Dockerfile's base image, docker.io/library/node:20-bookworm-slim,
# because no image registry is reachable here (the image test, test/image, calls this). Like the
# official image: a minimal Debian bookworm, Node 20 and its npm in /usr/local, a `node` user with
# uid/gid 1000. The Node is this machine's own (the one on PATH), not a download.
#
# The Debian root file system is made once per machine (debootstrap takes minutes) and kept as a
# tarball in $FAPI_SANDBOX_CACHE (default ~/.cache/fapi-token-sandbox); the imported image is kept
# in podman's storage and rebuilt only when the Node on PATH changes. The Debian mirror is read
# from this machine's apt sources when debootstrap runs, never stored in the project.
set -euo pipefail

base=docker.io/library/node:20-bookworm-slim
label=fapi-token-sandbox.stand-in-node
cache="${FAPI_SANDBOX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fapi-token-sandbox}"
rootfs_tar="$cache/bookworm-minbase.tar"

node_bin="$(readlink -f "$(command -v node)")"
node_version="$("$node_bin" -p process.version)"
case "$node_version" in
  v20.*) ;;
  *) echo "stand-in-base: needs Node 20 on PATH to copy into the image (found $node_version)" >&2; exit 1 ;;
esac
npm_dir="$(dirname "$node_bin")/../lib/node_modules/npm"
[ -f "$npm_dir/package.json" ] || { echo "stand-in-base: no npm beside $node_bin (looked in $npm_dir)" >&2; exit 1; }

if podman image exists "$base" &&
  [ "$(podman image inspect --format "{{index .Labels \"$label\"}}" "$base")" = "$node_version" ]; then
  exit 0
fi

# The first `deb` source for bookworm itself (not -security/-updates), in either apt format.
apt_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'function flush() { if (deb && suite && uri != "") { print uri; found = 1; exit } deb = suite = 0; uri = "" }
      /^[[:space:]]*$/ { flush(); next }
      /^[[:space:]]*#/ { next }
      tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
      tolower($1) == "uris:" { uri = $2 }
      tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == "bookworm") suite = 1 }
      END { if (!found) flush() }' "$f"
  done
  [ -f /etc/apt/sources.list ] &&
    awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) while ($i !~ /\]$/) i++; if ($2 ~ /^\[/) i++; if ($(i + 1) == "bookworm") print $i }' /etc/apt/sources.list
  true
}

if [ ! -f "$rootfs_tar" ]; then
  mirror="$(apt_mirror | head -n 1)"
  if [ -z "$mirror" ]; then
    echo "stand-in-base: no 'deb ... bookworm' source in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources" >&2
    exit 1
  fi
  mkdir -p "$cache"
  tmp="$(mktemp -d "$cache/debootstrap.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  echo "stand-in-base: debootstrap --variant=minbase bookworm from $mirror (once per machine, minutes)..." >&2
  debootstrap --variant=minbase bookworm "$tmp/root" "$mirror" >"$tmp/log" 2>&1 ||
    { tail -n 20 "$tmp/log" >&2; exit 1; }
  # Like debian:bookworm-slim: no package lists or downloaded archives.
  rm -rf "$tmp/root/var/lib/apt/lists/"* "$tmp/root/var/cache/apt/archives/"*.deb
  tar -C "$tmp/root" -cf "$tmp/rootfs.tar" .
  mv "$tmp/rootfs.tar" "$rootfs_tar"
  rm -rf "$tmp"
  trap - EXIT
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir "$root"
tar -C "$root" -xf "$rootfs_tar"
# Node and npm where the official image has them.
install -D -m 0755 "$node_bin" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
tar -C "$root" -cf "$work/image.tar" .
podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=${node_version#v}" \
  --change "LABEL $label=$node_version" \
  --change 'CMD ["node"]' \
  "$work/image.tar" "$base" >/dev/null
echo "stand-in-base: imported $base (stand-in: Debian bookworm minbase + this machine's Node $node_version)" >&2
