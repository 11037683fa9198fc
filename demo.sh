#!/usr/bin/env bash
# The local end-to-end demo. Installs what it needs on a fresh clone (npm ci, dotnet restore),
# builds the `cityfn` CLI and runs it. Until the full demo lands (`cityfn demo`, issue #9) it
# starts the local dependencies, checks them the way GET /api/health does, and stops them again.
set -euo pipefail
cd "$(dirname "$0")"

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "==> npm ci (pinned dev tools)"
  npm ci --no-audit --no-fund
fi
echo "==> building the cityfn CLI"
dotnet build tools/CityFn.Cli -c Release --nologo -v quiet -clp:NoSummary
cityfn() { dotnet tools/CityFn.Cli/bin/Release/net10.0/cityfn.dll "$@"; }

trap 'cityfn dev down' EXIT
cityfn dev up
cityfn health
