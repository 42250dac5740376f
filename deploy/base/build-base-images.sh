#!/usr/bin/env bash
# Builds, with podman or docker, local stand-ins for the public base images, for hosts that cannot
# pull from a public registry (Maestro's CI machines):
#   localhost/maestro/debian-base:bookworm   debootstrap --variant=minbase bookworm, imported
#   localhost/maestro/runtime-deps:bookworm  + libicu72 libssl3 ca-certificates …, user app (APP_UID 1654)
#   localhost/maestro/aspnet:10.0            + this host's .NET and ASP.NET Core runtimes
#   localhost/maestro/sdk:10.0               + this host's .NET SDK
#   localhost/maestro/redis:bookworm         + Debian's redis-server (to run the services together)
# Idempotent: the debootstrap runs only when the debian-base image is missing (or with --rebuild);
# the other images come from the engine's layer cache, and the two that copy the host's .NET are
# skipped when neither that .NET, their Containerfile nor their parent image changed.
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
# Hashing a copy of the SDK takes longer than the rest together: a label records what the image was
# made from (the host's .NET versions, the Containerfile, the parent image), and a match skips it.
dotnet_versions="SDK $(ls "$dotnet_root/sdk" | tr '\n' ' ')runtime $(ls "$dotnet_root/shared/Microsoft.AspNetCore.App" | tr '\n' ' ')"
build_from_host_dotnet() { # TAG CONTAINERFILE PARENT
  local tag="$1" file="$2" parent="$3" key current
  key="$( { echo "$dotnet_versions"; "$engine" image inspect --format '{{.Id}}' "$parent"; cat "$file"; } | sha256sum | cut -c 1-32)"
  current="$("$engine" image inspect --format '{{index .Config.Labels "org.maestro.base.source"}}' "$tag" 2>/dev/null || true)"
  if [ "$current" = "$key" ]; then
    step "$tag already there (.NET ${dotnet_versions% })"
  else
    build "$tag" "$file" "$dotnet_root" --label "org.maestro.base.source=$key"
  fi
}
build_from_host_dotnet localhost/maestro/aspnet:10.0 "$here/aspnet.Containerfile" localhost/maestro/runtime-deps:bookworm
build_from_host_dotnet localhost/maestro/sdk:10.0 "$here/sdk.Containerfile" localhost/maestro/aspnet:10.0
