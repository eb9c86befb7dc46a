#!/usr/bin/env bash
# PostgreSQL server binaries for the failover tests, which start private servers with initdb/pg_ctl
# (no system cluster is used). Idempotent: installs Debian's package only when initdb is missing.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "postgresql: $(ls -d /usr/lib/postgresql/*/bin | head -n 1) present"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -o DPkg::Lock::Timeout=600
apt-get install -o DPkg::Lock::Timeout=600 -y postgresql
ls /usr/lib/postgresql/*/bin/initdb
