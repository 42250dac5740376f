#!/usr/bin/env bash
# Builds, with podman or docker, local stand-ins for the public base images, for hosts that cannot
# pull from a public registry (Maestro's CI machines):
#   localhost/maestro/debian-base:bookworm   debootstrap --variant=minbase bookworm, imported
#   localhost/maestro/runtime-deps:bookworm  + libicu72 libssl3 ca-certificates …, user app (APP_UID 1654)
#   localhost/maestro/aspnet:10.0            + this host's .NET and ASP.NET Core runtimes
#   localhost/maestro/sdk:10.0               + this host's .NET SDK
#   localhost/maestro/redis:bookworm         + Debian's redis-server (to run the services together)
# Idempotent: the debootstrap runs only when the debian-base image is missing (or with --rebuild);
# the other images are rebuilt from the engine's layer cache, in seconds when nothing changed.
# Environment: CONTAINER_ENGINE (podman|docker, default podman), MAESTRO_DEBIAN_MIRROR,
# MAESTRO_DEBIAN_SECURITY_MIRROR, DOTNET_ROOT (default: where `dotnet` on PATH lives).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
engine="${CONTAINER_ENGINE:-podman}"
mirror="${MAESTRO_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${MAESTRO_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
rebuild=false
[ "${1:-}" = "--rebuild" ] && rebuild=true

step() { echo "== base images: $*"; }
fail() { echo "build-base-images.sh: $*" >&2; exit 1; }

image_exists() { "$engine" image inspect "$1" >/dev/null 2>&1; }

build() { # build TAG CONTAINERFILE CONTEXT [ARGS...]
  local tag="$1" file="$2" context="$3"; shift 3
  local started=$SECONDS
  "$engine" build -q -f "$file" -t "$tag" "$@" "$context" >/dev/null
  step "$tag ready ($((SECONDS - started)) s)"
}

command -v "$engine" >/dev/null 2>&1 || fail "$engine is not installed."

if $rebuild || ! image_exists localhost/maestro/debian-base:bookworm; then
  command -v debootstrap >/dev/null 2>&1 || fail "debootstrap is not installed (apt-get install debootstrap)."
  [ "$(id -u)" -eq 0 ] || fail "debootstrap needs root."
  root="$(mktemp -d /var/tmp/maestro-debootstrap.XXXXXX)"
  trap 'rm -rf "$root"' EXIT
  step "debootstrap --variant=minbase bookworm from $mirror (about a minute)"
  started=$SECONDS
  debootstrap --variant=minbase bookworm "$root" "$mirror" > "$root.log" 2>&1 \
    || { tail -n 20 "$root.log" >&2; rm -f "$root.log"; fail "debootstrap failed."; }
  rm -f "$root.log"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | "$engine" import --change 'CMD ["/bin/bash"]' - localhost/maestro/debian-base:bookworm >/dev/null
  rm -rf "$root"
  trap - EXIT
  step "localhost/maestro/debian-base:bookworm ready ($((SECONDS - started)) s)"
else
  step "localhost/maestro/debian-base:bookworm already there"
fi

build localhost/maestro/runtime-deps:bookworm "$here/runtime-deps.Containerfile" "$here" \
  --build-arg "DEBIAN_MIRROR=$mirror" --build-arg "DEBIAN_SECURITY_MIRROR=$security_mirror"
build localhost/maestro/redis:bookworm "$here/redis.Containerfile" "$here"

dotnet_root="${DOTNET_ROOT:-}"
if [ -z "$dotnet_root" ]; then
  command -v dotnet >/dev/null 2>&1 || fail "no .NET SDK on this host (dotnet is not on PATH and DOTNET_ROOT is not set)."
  dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
fi
for part in dotnet host shared sdk packs; do
  [ -e "$dotnet_root/$part" ] || fail "$dotnet_root has no $part: point DOTNET_ROOT at a full .NET SDK installation."
done
build localhost/maestro/aspnet:10.0 "$here/aspnet.Containerfile" "$dotnet_root"
build localhost/maestro/sdk:10.0 "$here/sdk.Containerfile" "$dotnet_root"
