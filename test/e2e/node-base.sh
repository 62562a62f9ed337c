#!/usr/bin/env bash
# Makes the Dockerfile's base image (node:20-bookworm-slim) without the internet: a minimal
# Debian bookworm from Debian's mirror (debootstrap --variant=minbase) plus this machine's
# Node.js binary and npm, with the `node` user (uid 1000) the official image has. The root
# file system is cached as a tar keyed by the Node and npm versions (and ROOTFS_VERSION, raised
# when the debootstrap steps change), so later runs (and other state folders) only import it.
# The certificate authorities this machine trusts beyond Debian's (an egress proxy's) are added
# on top and npm is told to use them, so `npm ci` in the build stage reaches the registry as npm
# on this machine does.
#
# Usage: bash test/e2e/node-base.sh [TAG]   (DOCKER_HOST and E2E_DOCKER as setup.sh exports them)
# Knobs: E2E_CACHE_DIR (default /var/cache/berth-e2e).
set -euo pipefail

TAG=${1:-node:20-bookworm-slim}
DOCKER=${E2E_DOCKER:-docker}
CACHE=${E2E_CACHE_DIR:-/var/cache/berth-e2e}
ROOTFS_VERSION=1
log() { printf '[node-base] %s\n' "$*" >&2; }

# Raised when what the last build step adds changes (2: Node's C headers, as the official image has).
IMAGE_VERSION=2
if [[ $("$DOCKER" image inspect -f '{{index .Config.Labels "berth.node-base"}}' "$TAG" 2>/dev/null) == "$IMAGE_VERSION" ]]; then
  log "$TAG already present"
  exit 0
fi

NODE_BIN=$(readlink -f "$(command -v node)")
NPM_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
NODE_VERSION=$("$NODE_BIN" --version)
KEY=$( (echo "$NODE_VERSION"; "$NODE_BIN" "$NPM_DIR/bin/npm-cli.js" --version; echo "$ROOTFS_VERSION") | sha256sum | cut -c1-16)
TAR="$CACHE/node-base-$KEY.tar"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$CACHE"

if [[ ! -s "$TAR" ]]; then
  command -v debootstrap >/dev/null || {
    log "installing debootstrap"
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
  }
  # The mirror this machine's apt uses (deb822 sources first, then the classic list).
  MIRROR=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  [[ -n "$MIRROR" ]] || MIRROR=$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  MIRROR=${MIRROR:-http://deb.debian.org/debian}
  ROOT="$WORK/rootfs"
  log "debootstrap bookworm (minbase) from $MIRROR"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 || {
    tail -n 30 "$WORK/debootstrap.log" >&2
    exit 1
  }
  log "adding Node.js $NODE_VERSION and npm from this machine"
  install -m 0755 "$NODE_BIN" "$ROOT/usr/local/bin/node"
  mkdir -p "$ROOT/usr/local/lib/node_modules" "$ROOT/usr/local/etc"
  cp -a "$NPM_DIR" "$ROOT/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOT/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOT/usr/local/bin/npx"
  chroot "$ROOT" groupadd --gid 1000 node
  chroot "$ROOT" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  # What the slim image leaves out as well.
  rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/* "$ROOT"/usr/share/doc/* \
    "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* "$ROOT"/var/log/*.log "$ROOT"/dev/*
  tar --numeric-owner -C "$ROOT" -cf "$WORK/rootfs.tar" .
  mv "$WORK/rootfs.tar" "$TAR"
  rm -rf "$ROOT"
  # Older keys belong to other Node versions or older root file systems.
  find "$CACHE" -maxdepth 1 -name 'node-base-*.tar' ! -name "$(basename "$TAR")" -delete
fi

RAW="berth-e2e/node-rootfs:$KEY"
if ! "$DOCKER" image inspect "$RAW" >/dev/null 2>&1; then
  log "importing $TAR as $RAW"
  "$DOCKER" import "$TAR" "$RAW" >/dev/null
fi
mkdir -p "$WORK/ctx/ca"
cp /usr/local/share/ca-certificates/*.crt "$WORK/ctx/ca/" 2>/dev/null || true
# Node's C headers, where the official image keeps them: node-gyp builds native addons
# (better-sqlite3) against them instead of downloading them from nodejs.org.
NODE_INCLUDE=$(dirname "$(dirname "$NODE_BIN")")/include/node
[[ -f "$NODE_INCLUDE/node.h" ]] || NODE_INCLUDE=$(npm config get nodedir 2>/dev/null)/include/node
cp -a "$NODE_INCLUDE" "$WORK/ctx/node-include"
{
  echo "FROM $RAW"
  echo "COPY ca/ /usr/local/share/ca-certificates/"
  echo "COPY node-include/ /usr/local/include/node/"
  echo "LABEL berth.node-base=$IMAGE_VERSION"
  echo "RUN update-ca-certificates >/dev/null 2>&1 && echo cafile=/etc/ssl/certs/ca-certificates.crt > /usr/local/etc/npmrc"
  echo "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin NODE_VERSION=${NODE_VERSION#v}"
  echo 'CMD ["node"]'
} >"$WORK/ctx/Dockerfile"
"$DOCKER" build --network none -q -t "$TAG" "$WORK/ctx" >/dev/null
log "$TAG ready"
