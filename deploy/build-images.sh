#!/usr/bin/env bash
# Builds Maestro's service images — maestro/gateway, maestro/registry, maestro/worker — from
# deploy/containers/*.Containerfile with podman or docker, whichever runs here (CONTAINER_ENGINE to
# choose). Says what is missing where neither does. Idempotent: a second run is served from the
# engine's layer cache.
#
#   deploy/build-images.sh                 public base images (mcr.microsoft.com/dotnet/sdk|aspnet:10.0)
#   deploy/build-images.sh --local-base    base images built here first (deploy/base), for hosts that
#                                          cannot pull from a public registry; with podman this also
#                                          applies deploy/podman/env.sh unless CONTAINERS_CONF is set
#   options: --tag TAG (default: MaestroImageTag in deploy/containers/Maestro.Containers.props)
#            --only gateway,registry,worker
#
# The host's CA bundle is handed to each build's NuGet restore as the secret "ca-certificates" (so a
# restore behind a TLS-inspecting proxy trusts what this host trusts); it never enters an image.
# NUGET_CERT_REVOCATION_MODE, when set, is passed on as a build argument.
set -euo pipefail
deploy="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$deploy")"

services=(gateway registry worker)
local_base=false
tag=""
while [ $# -gt 0 ]; do
  case "$1" in
    --local-base) local_base=true ;;
    --tag) tag="$2"; shift ;;
    --only) IFS=, read -r -a services <<<"$2"; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "build-images.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for service in "${services[@]}"; do
  [ -f "$deploy/containers/$service.Containerfile" ] || { echo "build-images.sh: no service '$service' (gateway, registry, worker)" >&2; exit 2; }
done
if [ -z "$tag" ]; then
  tag="$(sed -n 's:.*<MaestroImageTag>\(.*\)</MaestroImageTag>.*:\1:p' "$deploy/containers/Maestro.Containers.props")"
fi

# Which engine: the one asked for, else the first that answers.
engine_status() { # prints why an engine cannot build, nothing when it can
  local engine="$1"
  if ! command -v "$engine" >/dev/null 2>&1; then echo "$engine is not installed"; return; fi
  local out
  if ! out="$("$engine" info 2>&1 >/dev/null)"; then echo "$engine is installed but does not answer: $(head -n 1 <<<"$out")"; fi
}
own_storage=false
if $local_base && [ -z "${CONTAINERS_CONF:-}" ] && [ "${CONTAINER_ENGINE:-podman}" = podman ] && command -v podman >/dev/null 2>&1; then
  # shellcheck source=podman/env.sh
  . "$deploy/podman/env.sh"
  own_storage=true
  echo "== podman settings: $CONTAINERS_CONF, storage under $MAESTRO_CONTAINERS_ROOT"
fi
engine="${CONTAINER_ENGINE:-}"
if [ -n "$engine" ]; then
  problem="$(engine_status "$engine")"
  [ -z "$problem" ] || { echo "build-images.sh: $problem" >&2; exit 1; }
else
  podman_problem="$(engine_status podman)"
  docker_problem="$(engine_status docker)"
  if [ -z "$podman_problem" ]; then engine=podman
  elif [ -z "$docker_problem" ]; then engine=docker
  else
    echo "build-images.sh: no container engine can build here:" >&2
    echo "  - $podman_problem" >&2
    echo "  - $docker_problem" >&2
    echo "Install one (Debian: apt-get install podman runc; or docker.io with a running dockerd) and run again." >&2
    exit 1
  fi
fi
echo "== engine: $engine ($("$engine" --version))"

build_args=()
if $local_base; then
  CONTAINER_ENGINE="$engine" "$deploy/base/build-base-images.sh"
  build_args+=(--build-arg SDK_IMAGE=localhost/maestro/sdk:10.0 --build-arg RUNTIME_IMAGE=localhost/maestro/aspnet:10.0)
fi
[ -n "${NUGET_CERT_REVOCATION_MODE:-}" ] && build_args+=(--build-arg "NUGET_CERT_REVOCATION_MODE=$NUGET_CERT_REVOCATION_MODE")
for bundle in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt; do
  if [ -s "$bundle" ]; then build_args+=(--secret "id=ca-certificates,src=$bundle"); break; fi
done
# HEALTHCHECK is kept only in the Docker image format; podman writes OCI unless told.
if [ "$engine" = podman ]; then build_args+=(--format docker); else build_args+=(--progress=plain); fi

total=${#services[@]}
index=0
for service in "${services[@]}"; do
  index=$((index + 1))
  started=$SECONDS
  echo "== [$index/$total] maestro/$service:$tag"
  log="$(mktemp)"
  # Progress: the FROM and RUN steps as they start; the whole log only when the build fails.
  if ! "$engine" build "${build_args[@]}" -f "$deploy/containers/$service.Containerfile" -t "maestro/$service:$tag" "$repo" 2>&1 \
      | tee "$log" | { grep --line-buffered -E '^(\[[0-9]+/[0-9]+\] )?STEP [0-9]+/[0-9]+: (FROM|RUN)|^#[0-9]+ \[.*(FROM|RUN)' || true; } \
      | cut -c 1-110 | sed -u 's/^/   /'; then
    tail -n 40 "$log" >&2
    echo "build-images.sh: maestro/$service failed to build (its last lines above)." >&2
    if ! $local_base && grep -q "pull\|registry" "$log"; then
      echo "build-images.sh: where no public registry can be reached, build the base images here: --local-base" >&2
    fi
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
  echo "   built in $((SECONDS - started)) s"
done
# In the storage root of our own (above), drop what no image uses and no build has used for a week,
# so repeated builds keep their cache without filling the disk. Another storage is left alone.
if $own_storage || [ "${CONTAINERS_STORAGE_CONF:-}" = "${MAESTRO_CONTAINERS_ROOT:-/var/tmp/maestro-containers}/storage.conf" ]; then
  "$engine" image prune -f --filter until=168h >/dev/null || true
fi
echo "== done: ${services[*]/#/maestro/} tagged $tag ($engine)"
