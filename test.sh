#!/usr/bin/env bash
# Runs every Maestro test on a fresh machine: installs what the tests need (redis-server, fonts-dejavu-core,
# podman and kubectl for the deploy tests),
# builds the solution once, runs every test project in the same configuration, and prints
# "N passed, N failed" as its last line. Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"
configuration="${CONFIGURATION:-Release}"
results=".test-results"

summary() { echo "$1 passed, $2 failed"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v redis-server >/dev/null 2>&1; then
  echo "== installing redis-server (the end-to-end tests start a real one)"
  if ! { as_root apt-get update -q && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q redis-server; }; then
    echo "Could not install redis-server with apt-get; install it and run again."
    summary 0 1
    exit 1
  fi
fi

if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  echo "== installing fonts-dejavu-core (model card PDFs are written in DejaVu Sans)"
  if ! { as_root apt-get update -q && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q fonts-dejavu-core; }; then
    echo "Could not install fonts-dejavu-core with apt-get; install it and run again."
    summary 0 1
    exit 1
  fi
fi

# ---- deploy (tests/Deploy.Tests) ------------------------------------------------------------------
# The deploy tests render deploy/k8s with kubectl, and build and run the service images with rootful
# podman: runc, debootstrap (the local base images: nothing can be pulled from a public registry here)
# and docker-registry (a base image for the SDK's container publishing); npm installs the schema check. podman's settings for this
# machine are files under deploy/podman (never /etc); its storage, where the base images stay cached
# between runs, is /var/tmp/maestro-containers (MAESTRO_CONTAINERS_ROOT). When something cannot be
# installed the run goes on and the deploy tests fail, saying what is missing.
deploy_missing=()
for tool in podman runc debootstrap docker-registry kubectl; do
  command -v "$tool" >/dev/null 2>&1 || deploy_missing+=("$tool")
done
if [ ${#deploy_missing[@]} -gt 0 ]; then
  echo "== installing ${deploy_missing[*]} (the deploy tests build and run the service images)"
  if ! { as_root apt-get update -q && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "${deploy_missing[@]}"; }; then
    echo "Could not install ${deploy_missing[*]} with apt-get: the deploy tests will fail."
  fi
fi
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
