#!/usr/bin/env bash
# Runs every Maestro test on a fresh machine: installs what the tests need (the `need` lines below),
# builds the solution once, runs every test project in the same configuration, and prints
# "N passed, N failed" as its last line. Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"
configuration="${CONFIGURATION:-Release}"
results=".test-results"

summary() { echo "$1 passed, $2 failed"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# What the tests need from Debian, each with the check that says it is there; one apt-get for all that is missing.
missing=()
need() {
  local package=$1
  shift
  "$@" >/dev/null 2>&1 || missing+=("$package")
}
need redis-server command -v redis-server                                   # end-to-end tests start a real one
need fonts-dejavu-core test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf # model card PDFs are written in DejaVu Sans
need chromium test -x /usr/bin/chromium                                     # the dashboard's browser test (never Playwright's own download)

if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]} (apt-get)"
  if ! { as_root apt-get update -q && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "${missing[@]}"; }; then
    echo "Could not install ${missing[*]} with apt-get; install them and run again."
    summary 0 1
    exit 1
  fi
fi

echo "== building Maestro.Aspire.sln ($configuration)"
if ! dotnet build Maestro.Aspire.sln -c "$configuration" -nologo -v quiet; then
  echo "The build failed."
  summary 0 1
  exit 1
fi

echo "== running every test project"
rm -rf "$results"
dotnet test Maestro.Aspire.sln -c "$configuration" --no-build --nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results"
status=$?

# Count from the TRX reports of every test project (dotnet test's own summary lines are per project).
passed=0
failed=0
for report in "$results"/*.trx; do
  [ -e "$report" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$report" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status without a failed test in its reports (a test host crashed?)."
  failed=1
fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "No test ran."
  failed=1
fi

summary "$passed" "$failed"
[ "$failed" -eq 0 ]
