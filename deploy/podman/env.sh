# Source this file (". deploy/podman/env.sh") to run podman with Maestro's settings for restricted
# hosts (runc, cgroupfs, lowered ulimits: containers.conf beside this file) and a storage root of
# its own, MAESTRO_CONTAINERS_ROOT (default /var/tmp/maestro-containers), so images built there
# (the local base images above all) are kept between runs and nothing under /etc changes.
# Remove that directory to start from nothing.
_maestro_podman_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MAESTRO_CONTAINERS_ROOT="${MAESTRO_CONTAINERS_ROOT:-/var/tmp/maestro-containers}"
mkdir -p "$MAESTRO_CONTAINERS_ROOT" || { echo "deploy/podman/env.sh: cannot create $MAESTRO_CONTAINERS_ROOT" >&2; return 1; }
cat > "$MAESTRO_CONTAINERS_ROOT/storage.conf" <<STORAGE
[storage]
driver = "overlay"
graphroot = "$MAESTRO_CONTAINERS_ROOT/storage"
runroot = "$MAESTRO_CONTAINERS_ROOT/run"
STORAGE
export MAESTRO_CONTAINERS_ROOT
export CONTAINERS_CONF="$_maestro_podman_dir/containers.conf"
export CONTAINERS_STORAGE_CONF="$MAESTRO_CONTAINERS_ROOT/storage.conf"
unset _maestro_podman_dir
