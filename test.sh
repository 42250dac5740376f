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
need poppler-utils command -v pdftoppm                                      # a model card PDF is drawn to a PNG and looked at
need prometheus command -v promtool                                         # promtool checks every /metrics; a real prometheus scrapes a platform
need chromium test -x /usr/bin/chromium                                     # the dashboard's browser test (never Playwright's own download)
need python3-pytest /usr/bin/python3 -c 'import pytest'                     # the Python SDK's tests (Debian's python3, not a pyenv one)
need python3-requests /usr/bin/python3 -c 'import requests'                 # the Python SDK's one dependency
need python3-numpy /usr/bin/python3 -c 'import numpy'                       # the Python SDK's optional arrays, tested
need postgresql sh -c 'ls /usr/lib/postgresql/*/bin/initdb'                 # the registry's PostgreSQL store: tests initdb their own server
# The deploy tests render deploy/k8s with kubectl and build and run the service images with rootful podman:
# runc, debootstrap (local base images: nothing can be pulled from a public registry here) and
# docker-registry (a base image for the SDK's container publishing).
for tool in podman runc debootstrap docker-registry kubectl; do need "$tool" command -v "$tool"; done

if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]} (apt-get)"
  if ! { as_root apt-get update -q && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "${missing[@]}"; }; then
    echo "Could not install ${missing[*]} with apt-get; install them and run again."
    summary 0 1
    exit 1
  fi
  # Debian starts a "main" cluster on install; the tests run servers of their own, so stop it again.
  if [[ " ${missing[*]} " == *" postgresql "* ]] && command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters --no-header 2>/dev/null | while read -r version cluster _; do as_root pg_ctlcluster "$version" "$cluster" stop 2>/dev/null || true; done
  fi
fi

# ---- deploy (tests/Deploy.Tests) ------------------------------------------------------------------
# npm installs the manifests' schema check. podman's settings for this
# machine are files under deploy/podman (never /etc); its storage, where the base images stay cached
# between runs, is /var/tmp/maestro-containers (MAESTRO_CONTAINERS_ROOT). When a step here fails
# the run goes on and the deploy tests fail, saying why.
if [ ! -d deploy/k8s/validate/node_modules ]; then
  echo "== installing deploy/k8s/validate's npm packages (kubernetes-models: the manifests' schema check)"
  npm ci --prefix deploy/k8s/validate --no-audit --no-fund --silent || echo "npm ci failed: the schema tests will fail."
fi
# Built here, before the tests, so the progress shows (a fresh machine: about 4 minutes; then seconds);
# the tests build again through the same script, from the cache.
if command -v podman >/dev/null 2>&1; then
  echo "== building the service images (deploy/build-images.sh --local-base)"
  deploy/build-images.sh --local-base || echo "deploy/build-images.sh failed: the deploy tests will fail and say why."
fi
# ---- end of deploy ----------------------------------------------------------------------------------

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

# ---- SDK suites (sdk/python, sdk/typescript) ------------------------------------------------------
# Each suite starts the real platform once (the AppHost built above) and reports JUnit XML into
# $results; their counts are added to the dotnet ones. A suite that cannot be set up or that leaves no
# report counts as one failure. Debian's /usr/bin/python3 runs pytest (a pyenv python3 earlier on PATH
# would not see Debian's python3-* packages).
sdk_count() { # <label> <passed> <failed>
  echo "$1: $2 passed, $3 failed"
  passed=$((passed + $2))
  failed=$((failed + $3))
}

echo "== running the Python SDK's tests (sdk/python)"
/usr/bin/python3 -m pytest sdk/python -q -p no:cacheprovider --junitxml="$results/sdk-python.xml"
python_report=$(grep -o '<testsuite [^>]*>' "$results/sdk-python.xml" 2>/dev/null | head -n 1)
if [ -n "$python_report" ]; then
  attribute() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$python_report"; }
  t=$(attribute tests); e=$(attribute errors); f=$(attribute failures); s=$(attribute skipped)
  sdk_count "sdk/python" $(( ${t:-0} - ${e:-0} - ${f:-0} - ${s:-0} )) $(( ${e:-0} + ${f:-0} ))
else
  echo "The Python SDK's tests left no report."
  sdk_count "sdk/python" 0 1
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ] || ! command -v npm >/dev/null 2>&1; then
  echo "== installing nodejs and npm (the TypeScript SDK's tests need node 20 or later)"
  as_root apt-get update -q && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q nodejs npm
  node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
fi
echo "== running the TypeScript SDK's tests (sdk/typescript)"
typescript_report="$PWD/$results/sdk-typescript.xml"
if [ "$node_major" -lt 20 ]; then
  echo "node $node_major is too old for the TypeScript SDK's tests (needs 20 or later)."
elif ! ( cd sdk/typescript && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npx tsc -p tsconfig.json ); then
  echo "The TypeScript SDK did not install or compile (npm ci, tsc --strict)."
else
  ( cd sdk/typescript && node --test --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=junit --test-reporter-destination="$typescript_report" dist/test/all.test.js )
fi
if [ -s "$typescript_report" ] && grep -q '<!-- pass ' "$typescript_report"; then
  comment() { sed -n "s/.*<!-- $1 \([0-9]*\) -->.*/\1/p" "$typescript_report" | tail -n 1; }
  p=$(comment pass); f=$(comment fail); c=$(comment cancelled)
  sdk_count "sdk/typescript" "${p:-0}" $(( ${f:-0} + ${c:-0} ))
  [ $(( ${p:-0} + ${f:-0} + ${c:-0} )) -gt 0 ] || sdk_count "sdk/typescript (no test ran)" 0 1
else
  sdk_count "sdk/typescript" 0 1
fi
# ---- end of the SDK suites --------------------------------------------------------------------------

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status without a failed test in its reports (a test host crashed?)."
  failed=1
fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "No test ran."
  failed=1
fi

# The failed tests by name, just above the summary: a CI log is often read from its end only.
if [ "$failed" -gt 0 ]; then
  echo "== failed tests"
  /usr/bin/python3 - "$results" <<'PY' || echo "(the reports in $results could not be read)"
import glob, sys, xml.etree.ElementTree as ET
def first_line(text):
    return (text or "").strip().splitlines()[0][:300] if (text or "").strip() else ""
for report in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    for result in ET.parse(report).getroot().iter():
        if result.tag.endswith("UnitTestResult") and result.get("outcome") in ("Failed", "Error"):
            message = next((e.text for e in result.iter() if e.tag.endswith("Message")), "")
            print(f"  {result.get('testName')}: {first_line(message)}")
for report in sorted(glob.glob(sys.argv[1] + "/*.xml")):
    for case in ET.parse(report).getroot().iter("testcase"):
        for problem in list(case.findall("failure")) + list(case.findall("error")):
            print(f"  {case.get('classname', '')} {case.get('name')}: {first_line(problem.get('message') or problem.text)}")
PY
fi

summary "$passed" "$failed"
[ "$failed" -eq 0 ]
