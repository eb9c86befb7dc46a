#!/usr/bin/env bash
# Runs every test: installs what the tests need (idempotent), builds, runs all test projects.
set -euo pipefail
cd "$(dirname "$0")"

for setup in tests/setup/*.sh; do
  [ -e "$setup" ] || continue
  echo "== setup: $setup"
  bash "$setup"
done

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

dotnet build EdgeCluster.sln -c Release -warnaserror
status=0
# One project at a time: several of them start fleets of silo processes, and the machine has two cores.
for project in tests/*/*.csproj; do
  echo "== test: $project"
  dotnet test "$project" -c Release --no-build \
    --logger "trx;LogFilePrefix=$(basename "$project" .csproj)" --results-directory "$results" \
    --logger "console;verbosity=normal" || status=$?
done

# One plain summary line over every project's TRX file.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); passed=$((passed + ${p:-0}))
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); failed=$((failed + ${f:-0}))
  s=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters"); skipped=$((skipped + ${s:-0}))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
