#!/usr/bin/env bash
# Real-client e2e suite (docker, skopeo, Distribution 2.8.2 against Berth).
#
# Usage: bash test/e2e/run.sh [test/e2e/some.test.ts ...]   (default: every test/e2e/*.test.ts)
# Sets up the environment (test/e2e/setup.sh), runs node's test runner one file at a time, and
# stops the dockerd it started. Exit code is the test runner's.
# E2E_TARGET=distribution runs the "Berth" side against Distribution (harness self-check).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

# shellcheck source=test/e2e/setup.sh
source "$HERE/setup.sh"
trap e2e_teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

e2e_setup || { echo "[e2e] setup failed" >&2; exit 1; }

cd "$ROOT" || exit 1
if [[ $# -gt 0 ]]; then
  files=("$@")
else
  shopt -s nullglob
  files=(test/e2e/*.test.ts)
  shopt -u nullglob
fi
if [[ ${#files[@]} -eq 0 ]]; then
  echo "[e2e] no test files found" >&2
  exit 1
fi

echo "[e2e] running: ${files[*]}" >&2
# One file at a time: they share the dockerd, and vfs builds are CPU/disk heavy.
node --import tsx --test --test-concurrency=1 "${files[@]}"
rc=$?
echo "[e2e] node --test exited with $rc" >&2
exit "$rc"
