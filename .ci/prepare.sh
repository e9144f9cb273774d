#!/usr/bin/env bash
# Everything the test suite needs on a fresh machine: dependencies, a WebGPU adapter (lavapipe when
# there is no GPU), Postgres and Redis answering, the Debian Python clients the doc examples use, and
# Debian's Chromium for the dashboard's browser tests.
# Sourced by .ci/test.sh so the exported URLs reach the tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { echo "[prepare] $*"; }

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "$@" >/dev/null
}

log "npm ci"
npm ci --no-audit --no-fund --loglevel=error

if ! node .ci/webgpu-probe.mjs; then
  log "no WebGPU adapter: installing Mesa lavapipe from bookworm-backports"
  bash .ci/install-lavapipe.sh
  node .ci/webgpu-probe.mjs || { log "still no WebGPU adapter after installing lavapipe"; exit 1; }
fi

if ! /usr/bin/python3 -c 'import aiohttp, websockets' 2>/dev/null; then
  log "installing python3-aiohttp and python3-websockets"
  apt_install python3-aiohttp python3-websockets
fi

if [ ! -x /usr/bin/chromium ]; then
  log "installing Debian's chromium for the dashboard's browser tests"
  apt_install chromium
fi

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  log "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 || { log "PostgreSQL is not answering"; exit 1; }

if [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" != "PONG" ]; then
  log "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do [ "$(redis-cli ping 2>/dev/null)" = "PONG" ] && break; sleep 1; done
fi
[ "$(redis-cli -h 127.0.0.1 -p 6379 ping)" = "PONG" ] || { log "Redis is not answering"; exit 1; }
log "ready: DATABASE_URL=$DATABASE_URL REDIS_URL=$REDIS_URL"
