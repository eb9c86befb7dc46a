#!/usr/bin/env bash
# Installs what the observability tests use: docker-compose (validates compose/docker-compose.yml with
# `docker-compose config`, no engine needed) and Prometheus (scrapes a real silo). Idempotent.
set -euo pipefail

packages=()
command -v docker-compose >/dev/null 2>&1 || packages+=(docker-compose)
command -v prometheus >/dev/null 2>&1 || packages+=(prometheus)
command -v promtool >/dev/null 2>&1 || packages+=(prometheus)

if [ ${#packages[@]} -eq 0 ]; then
  echo "observability: docker-compose and prometheus already installed"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# The prometheus package would start its daemon on :9090 where init scripts run; tests start their own.
policy=/usr/sbin/policy-rc.d
added_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  added_policy=true
fi
trap '[ "$added_policy" = true ] && $sudo rm -f "$policy"' EXIT

export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show docker-compose prometheus >/dev/null 2>&1; then
  $sudo apt-get update -o DPkg::Lock::Timeout=600
fi
mapfile -t unique < <(printf '%s\n' "${packages[@]}" | sort -u)
$sudo apt-get install -o DPkg::Lock::Timeout=600 -y --no-install-recommends "${unique[@]}"
echo "observability: installed ${unique[*]}"
