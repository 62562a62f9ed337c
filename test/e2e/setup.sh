#!/usr/bin/env bash
# Berth e2e environment: installs the real clients (and Chromium) if missing and starts a private dockerd.
#
# Sourced by test/e2e/run.sh (exports DOCKER_HOST, E2E_DOCKER, E2E_STATE_DIR and defines
# e2e_teardown), or run directly (`bash test/e2e/setup.sh`) to leave a dockerd running and print
# the exports to use. Idempotent: installs only when something is missing, reuses a dockerd
# whose socket already answers, and only stops a dockerd that it started itself.
#
# Knobs (all optional): E2E_STATE_DIR (default /tmp/berth-e2e; keep it short: unix socket paths
# are limited to ~100 chars), E2E_DOCKER (docker client binary; default /usr/bin/docker, the
# docker.io client matching the daemon), E2E_DOCKERD_TIMEOUT (seconds, default 60).
# Note: no variable here starts with BERTH_, because Berth reads every BERTH_* as configuration.

# chromium: Debian's browser for the web UI tests (playwright-core drives it; never a downloaded one).
E2E_PACKAGES=(docker.io skopeo docker-registry busybox-static chromium)

e2e_log() { printf '[e2e-setup] %s\n' "$*" >&2; }

# Print the packages of E2E_PACKAGES that are not installed.
e2e_missing_packages() {
  local pkg status
  for pkg in "${E2E_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || printf '%s\n' "$pkg"
  done
}

# Install the e2e packages when any is missing (apt-get update only in that case).
e2e_install() {
  local missing
  missing=$(e2e_missing_packages)
  if [[ -z "$missing" ]] && [[ -x /usr/sbin/dockerd || -n "$(command -v dockerd)" ]] \
    && command -v skopeo >/dev/null && [[ -x /usr/bin/docker-registry ]] && [[ -x /bin/busybox ]] \
    && [[ -x /usr/bin/chromium ]]; then
    return 0
  fi
  e2e_log "installing: ${E2E_PACKAGES[*]} (missing: $(echo $missing))"
  if [[ $(id -u) -ne 0 ]]; then
    e2e_log "must run as root to install packages"
    return 1
  fi
  # Keep the package's maintainer scripts from starting the system docker service: the suite
  # uses its own private dockerd. Only add the policy file if none exists, and remove ours after.
  local own_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
  fi
  local rc=0
  apt-get update -q || rc=$?
  if [[ $rc -eq 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${E2E_PACKAGES[@]}" || rc=$?
  fi
  [[ $own_policy -eq 1 ]] && rm -f /usr/sbin/policy-rc.d
  if [[ $rc -ne 0 ]]; then
    e2e_log "apt-get failed with exit code $rc"
    return "$rc"
  fi
}

# Does the daemon behind $E2E_DOCKER_SOCK answer?
e2e_docker_up() {
  [[ -S "$E2E_DOCKER_SOCK" ]] && "$E2E_DOCKER" -H "unix://$E2E_DOCKER_SOCK" info >/dev/null 2>&1
}

# Start the private dockerd unless its socket already answers; wait until it is ready.
e2e_start_dockerd() {
  E2E_DOCKERD_STARTED=0
  if e2e_docker_up; then
    e2e_log "reusing dockerd on unix://$E2E_DOCKER_SOCK"
    return 0
  fi
  local pidfile="$E2E_STATE_DIR/dockerd.pid" old
  if [[ -f "$pidfile" ]]; then
    old=$(cat "$pidfile" 2>/dev/null || true)
    if [[ -n "$old" ]] && kill -0 "$old" 2>/dev/null \
      && grep -q dockerd "/proc/$old/cmdline" 2>/dev/null; then
      e2e_log "a dockerd (pid $old) from an earlier run is starting; waiting for it"
    else
      rm -f "$pidfile"
      old=""
    fi
  fi
  if [[ -z "${old:-}" ]]; then
    rm -f "$E2E_DOCKER_SOCK"
    mkdir -p "$E2E_STATE_DIR/data" "$E2E_STATE_DIR/x"
    local dockerd_bin
    dockerd_bin=$(command -v dockerd || echo /usr/sbin/dockerd)
    e2e_log "starting dockerd (log: $E2E_STATE_DIR/dockerd.log)"
    # A background job of a non-interactive shell ignores SIGINT: run.sh's trap stops it.
    "$dockerd_bin" \
      --data-root "$E2E_STATE_DIR/data" \
      --exec-root "$E2E_STATE_DIR/x" \
      --pidfile "$pidfile" \
      --host "unix://$E2E_DOCKER_SOCK" \
      --iptables=false --ip6tables=false --bridge=none \
      --storage-driver=vfs \
      </dev/null >>"$E2E_STATE_DIR/dockerd.log" 2>&1 &
    E2E_DOCKERD_PID=$!
    E2E_DOCKERD_STARTED=1
  else
    E2E_DOCKERD_PID=$old
  fi
  local deadline=$((SECONDS + ${E2E_DOCKERD_TIMEOUT:-60}))
  until e2e_docker_up; do
    if ! kill -0 "$E2E_DOCKERD_PID" 2>/dev/null; then
      e2e_log "dockerd exited before it was ready; last log lines:"
      tail -n 30 "$E2E_STATE_DIR/dockerd.log" >&2 || true
      return 1
    fi
    if ((SECONDS >= deadline)); then
      e2e_log "dockerd not ready after ${E2E_DOCKERD_TIMEOUT:-60}s; last log lines:"
      tail -n 30 "$E2E_STATE_DIR/dockerd.log" >&2 || true
      e2e_stop_dockerd
      return 1
    fi
    sleep 0.5
  done
  e2e_log "dockerd ready on unix://$E2E_DOCKER_SOCK (pid $E2E_DOCKERD_PID)"
}

# Stop the dockerd if this setup started it (TERM, then KILL after 30 s).
e2e_stop_dockerd() {
  [[ "${E2E_DOCKERD_STARTED:-0}" == 1 && -n "${E2E_DOCKERD_PID:-}" ]] || return 0
  if kill -0 "$E2E_DOCKERD_PID" 2>/dev/null; then
    e2e_log "stopping dockerd (pid $E2E_DOCKERD_PID)"
    kill -TERM "$E2E_DOCKERD_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < 60; i++)); do
      kill -0 "$E2E_DOCKERD_PID" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$E2E_DOCKERD_PID" 2>/dev/null; then
      e2e_log "dockerd did not stop; sending KILL"
      kill -KILL "$E2E_DOCKERD_PID" 2>/dev/null || true
    fi
  fi
  E2E_DOCKERD_STARTED=0
}

# Undo what e2e_setup started (used as run.sh's EXIT trap).
e2e_teardown() {
  e2e_stop_dockerd
}

# Install, start dockerd and export what the tests need.
e2e_setup() {
  export E2E_STATE_DIR="${E2E_STATE_DIR:-/tmp/berth-e2e}"
  E2E_DOCKER_SOCK="$E2E_STATE_DIR/docker.sock"
  if ((${#E2E_DOCKER_SOCK} > 90)) || ((${#E2E_STATE_DIR} > 40)); then
    e2e_log "E2E_STATE_DIR '$E2E_STATE_DIR' is too long for dockerd's unix sockets; use a short path"
    return 1
  fi
  mkdir -p "$E2E_STATE_DIR" || return 1
  e2e_install || return 1
  if [[ -z "${E2E_DOCKER:-}" ]]; then
    if [[ -x /usr/bin/docker ]]; then E2E_DOCKER=/usr/bin/docker; else E2E_DOCKER=$(command -v docker); fi
  fi
  export E2E_DOCKER
  if [[ -z "$E2E_DOCKER" ]]; then
    e2e_log "no docker client found"
    return 1
  fi
  e2e_start_dockerd || return 1
  export DOCKER_HOST="unix://$E2E_DOCKER_SOCK"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  # Run directly: set up, leave the daemon running, and print how to use it.
  set -uo pipefail
  e2e_setup || exit 1
  printf 'export DOCKER_HOST=%q E2E_DOCKER=%q E2E_STATE_DIR=%q\n' "$DOCKER_HOST" "$E2E_DOCKER" "$E2E_STATE_DIR"
  if [[ "$E2E_DOCKERD_STARTED" == 1 ]]; then
    printf '# dockerd pid %s; stop it with: kill %s\n' "$E2E_DOCKERD_PID" "$E2E_DOCKERD_PID"
  fi
fi
