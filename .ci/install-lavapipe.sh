#!/usr/bin/env bash
# Gives Dawn a WebGPU adapter on machines without a GPU: Mesa's lavapipe (Vulkan on the CPU).
# Bookworm's own Mesa 22.x is too old for Dawn, so the backports suite is derived from the
# machine's own Debian source entry rather than naming any mirror here.
set -euo pipefail

sources=/etc/apt/sources.list.d/debian.sources
backports=/etc/apt/sources.list.d/optbridge-backports.sources

if [ ! -f "$backports" ]; then
  awk 'BEGIN { RS=""; ORS="\n\n" } /Suites:[^\n]*bookworm([ \n]|$)/ { sub(/Suites:[^\n]*/, "Suites: bookworm-backports"); print; exit }' \
    "$sources" > "$backports"
  [ -s "$backports" ] || { echo "no bookworm entry in $sources to derive backports from" >&2; exit 1; }
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
