#!/usr/bin/env bash
# The one command that runs every CityFn test from a fresh clone: installs the pinned node tools
# (npm ci) and NuGet packages, builds the solution in Release with warnings as errors, runs all
# test projects against real Azurite and Hardhat instances that the fixtures start and stop, and
# ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")"
root="$PWD"

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "==> npm ci (pinned dev tools: azurite, hardhat, solc, openzeppelin)"
  npm ci --no-audit --no-fund
fi

# The dashboard tests drive Debian's Chromium (tests/CityFn.Dashboard.Tests); they fail, not skip, without it.
if [[ ! -x /usr/bin/chromium ]]; then
  echo "==> installing chromium (Debian package; the dashboard's browser test needs /usr/bin/chromium, ~30 s)"
  if [[ $(id -u) -ne 0 ]]; then
    echo "error: /usr/bin/chromium is missing and installing it needs root: sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

echo "==> dotnet restore"
dotnet restore CityFn.sln --nologo -v quiet

echo "==> dotnet build (Release)"
dotnet build CityFn.sln -c Release --no-restore --nologo -v quiet -clp:NoSummary

# Azurite and Hardhat processes of this checkout before the run: anything new afterwards was leaked.
# (A regex, so that grep's own command line does not match itself.)
node_pids() { grep -lsE "$root/node_modules/(azurite|hardhat)/" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3 | sort -n || true; }
before=$(node_pids)

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "==> dotnet test"
set +e
dotnet test CityFn.sln -c Release --no-build --nologo --logger "console;verbosity=minimal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

leaked=$(comm -13 <(echo "$before") <(node_pids) | tr '\n' ' ')
if [[ -n "${leaked// /}" ]]; then
  echo "error: the tests left processes running (PIDs: $leaked); a fixture did not stop what it started." >&2
  status=1
fi

# Sum each test project's "Passed!/Failed!  - Failed: F, Passed: P, Skipped: S, Total: T" line.
read -r passed failed skipped < <(sed -n 's/.*Failed: *\([0-9]*\), Passed: *\([0-9]*\), Skipped: *\([0-9]*\), Total.*/\2 \1 \3/p' "$log" |
  awk '{ p += $1; f += $2; s += $3 } END { print p + 0, f + 0, s + 0 }')
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"
exit $status
