#!/usr/bin/env bash
# Makes a PostgreSQL server answer on 127.0.0.1:5432 for the store tests, as test/e2e/setup.sh
# does for docker: reuses one that answers; else starts an installed cluster; else installs
# postgresql from Debian (as root), lets local TCP connections in with trust auth (a test
# machine only), and starts it. Also makes sure pg_dump/pg_restore exist (berth db backup).
# Idempotent; a lock keeps two test files from installing at once.
set -uo pipefail

log() { printf '[postgres-setup] %s\n' "$*" >&2; }
answers() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

exec 9>/tmp/berth-postgres-setup.lock
flock -w 600 9 || { log "lock timeout"; exit 1; }

need_install=0
command -v pg_dump >/dev/null && command -v pg_restore >/dev/null || need_install=1
if ! answers && ! ls /etc/postgresql/*/main >/dev/null 2>&1; then need_install=1; fi
if [[ $need_install -eq 1 ]]; then
  if [[ $(id -u) -ne 0 ]]; then log "must run as root to install postgresql"; exit 1; fi
  log "installing postgresql from Debian"
  own_policy=0
  # Keep the package scripts from starting services through an init system that may not run here.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1; fi
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql postgresql-client
  rc=$?
  [[ $own_policy -eq 1 ]] && rm -f /usr/sbin/policy-rc.d
  [[ $rc -eq 0 ]] || { log "apt-get failed ($rc)"; exit "$rc"; }
fi

if ! answers; then
  version=$(ls /etc/postgresql | sort -V | tail -n1)
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  # A cluster this script installed has password auth on TCP; the tests connect as postgres without one.
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  log "starting cluster $version/main"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
  for _ in $(seq 1 60); do answers && break; sleep 0.5; done
fi
answers || { log "PostgreSQL does not answer on 127.0.0.1:5432"; exit 1; }
