#!/usr/bin/env bash
# The local end-to-end demo (docs/demo.md). On a fresh clone it first installs what it needs: the pinned
# Node dev tools (npm ci: Azurite, Hardhat, solc) and the NuGet packages (restored by the build); then it
# builds the `cityfn` CLI and runs `cityfn demo` with the arguments given (e.g. ./demo.sh --devices 50 --json).
# The demo stops everything it started; its exit code is the demo's (0 ok, 1 a stage failed, 2 bad options).
set -euo pipefail
cd "$(dirname "$0")"

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "==> npm ci (pinned dev tools)" >&2
  npm ci --no-audit --no-fund >&2
fi
echo "==> building the cityfn CLI" >&2
dotnet build tools/CityFn.Cli -c Release --nologo -v quiet -clp:NoSummary >&2
exec dotnet tools/CityFn.Cli/bin/Release/net10.0/cityfn.dll demo "$@"
