#!/usr/bin/env bash
# Measures Maestro side by side on this machine and prints one Markdown table (then the
# BenchmarkDotNet summaries of the in-process hot paths).
#
#   bench/run.sh [--quick] [load] [cold] [memory] [registry] [micro]
#
# With no group named, every group runs:
#   load    wrk at 32 connections: (a) a bare Kestrel endpoint, (b) the worker's predict direct,
#           (c) gateway -> worker predict with an API key on a plan with a Redis quota, (d) V2 infer and
#           (e) batch_predict of 100 through the gateway (the same key and quota), plus bare YARP hops in
#           front of (a) and (b) and nginx in front of (b); (f) predict of the 64-512-512-10 MLP (mlp-512.onnx) on the worker at 64
#           connections, dynamic batching off and on, and (f1) the same at 1 connection (what batching costs
#           a lone request); (b4)/(c4) worker direct and the full gateway path at
#           4 connections (the latency the gateway adds), with the tuned bare YARP hop (b‴4) and nginx (b″4)
#           at 4 connections beside them. Every scenario runs once per
#           round, rounds repeat (A B C ... A B C ...), and ratios come from the medians.
#   cold    AppHost start to the first successful prediction, a fresh data directory each time.
#   memory  one worker holding 1 model, then 20 (fraud-detector.onnx registered under 20 names).
#   registry  (i) listing 10,000 models page by page in-process, median ms per page; (j) uploading a
#           100 MB model through the registry's HTTP endpoint against copying it on disk, alternating.
#   micro   bench/Maestro.Benchmarks (BenchmarkDotNet, short in-process runs).
# --quick runs one round of 5 s (instead of 3 rounds of 8 s), one cold start (instead of 3),
# 2 registry passes/rounds (instead of 5) and shorter BenchmarkDotNet iterations.
#
# Progress goes to stderr and the report to stdout, so `bench/run.sh > report.md` keeps the report.
# Every process it starts listens on a free loopback port and is stopped when it exits. Numbers are
# never turned into pass/fail: the machine is shared and noisy; read the ratios.
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)
started_at=$SECONDS

usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; }

quick=0
groups=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    load | cold | memory | registry | micro) groups+=("$arg") ;;
    -h | --help) usage; exit 0 ;;
    *) echo "Unknown argument '$arg'." >&2; usage >&2; exit 2 ;;
  esac
done
[ ${#groups[@]} -gt 0 ] || groups=(load cold memory registry micro)
wants() { local group; for group in "${groups[@]}"; do [ "$group" = "$1" ] && return 0; done; return 1; }

# The warm-up of each scenario is long enough for .NET's tiered compilation to finish under load (it
# keeps recompiling hot methods for 15-20 s here; the gateway has far more of them than a bare hop), so
# the rounds measure the steady state of every process alike. BENCH_ROUNDS, BENCH_DURATION and
# BENCH_WARMUP (seconds) override the mode's values.
if [ "$quick" -eq 1 ]; then
  rounds=1 duration=5 warmup=3 cold_starts=1 mode="--quick"
else
  rounds=3 duration=8 warmup=10 cold_starts=3 mode="default"
fi
rounds=${BENCH_ROUNDS:-$rounds} duration=${BENCH_DURATION:-$duration} warmup=${BENCH_WARMUP:-$warmup}
connections=32
threads=2
lua="$repo/bench/wrk-post.lua"
clock_ticks=$(getconf CLK_TCK)

log() { printf '== %s\n' "$*" >&2; }
fail() { printf 'bench: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# ---------------------------------------------------------------------------------------------
# Processes: everything started here is recorded and stopped on exit, whatever the exit.

work=$(mktemp -d "${TMPDIR:-/tmp}/maestro-bench.XXXXXX")
started=()  # this script's own children (AppHosts, bare servers)
children=() # the AppHosts' children, found in /proc (bench/lib/apphost_resources.py): stopped by the AppHost, checked after

alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# Stops a process: SIGTERM, up to $2 seconds to exit, then SIGKILL.
stop_pid() {
  local pid=$1 grace=$2 tenths=0
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    while alive "$pid" && [ "$tenths" -lt $((grace * 10)) ]; do sleep 0.1; tenths=$((tenths + 1)); done
    if alive "$pid"; then
      log "process $pid did not stop within ${grace} s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

forget() {
  local pid=$1 kept=() p
  for p in "${started[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  started=("${kept[@]+"${kept[@]}"}")
}

# Stops what an AppHost started that is somehow still running (it stops its children itself).
stop_strays() {
  local pid
  for pid in "${children[@]+"${children[@]}"}"; do
    if alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -Eq 'Maestro\.|redis-server'; then
      log "process $pid outlived its AppHost; stopping it"
      stop_pid "$pid" 5
    fi
  done
  children=()
}

cleanup() {
  local status=$? i
  trap - EXIT INT TERM
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do stop_pid "${started[$i]}" 20; done
  stop_strays
  if [ "$status" -eq 0 ] && [ -z "${BENCH_KEEP:-}" ]; then
    rm -rf "$work"
  else
    echo "bench: stopped with status $status; logs are in $work" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts "$@" in the background with its output in $1; sets last_pid.
start_bg() {
  local output=$1
  shift
  "$@" >"$output" 2>&1 &
  last_pid=$!
  started+=("$last_pid")
}

free_port() {
  local port
  while :; do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    case "$port" in 8000 | 18888) ;; *) echo "$port"; return ;; esac
  done
}

# POSTs $3 (a file) to $2 until it answers 200, for at most $1 seconds; $4 is the API key, if any.
# With $5, gives up as soon as process $5 has exited.
post_until_ok() {
  local seconds=$1 url=$2 body=$3 key=${4:-} watch=${5:-} deadline code
  deadline=$(($(date +%s) + seconds))
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -X POST "$url" \
      -H 'Content-Type: application/json' ${key:+-H "X-API-Key: $key"} --data-binary "@$body" || true)
    [ "$code" = 200 ] && return 0
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    [ -z "$watch" ] || alive "$watch" || return 1
    sleep 0.05
  done
}

# ---------------------------------------------------------------------------------------------
# Tools and build.

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v jq >/dev/null 2>&1 || missing+=(jq)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
# The registry group writes its 100 MB model with onnx; checked here, before the long groups, so a
# missing package never ends a run after the load figures are in.
if wants registry && ! /usr/bin/python3 -c 'import onnx' 2>/dev/null; then missing+=(python3-onnx); fi
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} with apt-get"
  as_root apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "${missing[@]}" >&2 \
    || fail "could not install ${missing[*]} with apt-get; install them and run again."
fi

# Another build on this machine can hold a file for a moment: retry before giving up.
build() {
  local attempt
  for attempt in 1 2 3; do
    if dotnet build "$1" -c Release -nologo -v quiet >"$work/build.log" 2>&1; then return 0; fi
    log "building $1 failed (attempt $attempt of 3):"
    grep -E 'error|Error' "$work/build.log" | sort -u | tail -n 10 >&2 || true
    [ "$attempt" -lt 3 ] && sleep 20
  done
  fail "could not build $1 (log: $work/build.log)"
}

# What is measured: the commit and work tree as built now (others may commit during the run).
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=""
[ -z "$(git status --porcelain 2>/dev/null)" ] || dirty=" (work tree has uncommitted changes)"
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

# The AppHost project builds the services it starts; the test projects are not needed here.
log "building Release"
for project in src/AppHost/AppHost.csproj bench/BareKestrel/BareKestrel.csproj bench/BareYarp/BareYarp.csproj \
  bench/Maestro.Benchmarks/Maestro.Benchmarks.csproj bench/RegistryBench/RegistryBench.csproj; do
  build "$project"
done

apphost_dll="$repo/src/AppHost/bin/Release/net10.0/Maestro.AppHost.dll"
kestrel_dll="$repo/bench/BareKestrel/bin/Release/net10.0/Maestro.BareKestrel.dll"
yarp_dll="$repo/bench/BareYarp/bin/Release/net10.0/Maestro.BareYarp.dll"
api_key="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

# ---------------------------------------------------------------------------------------------
# The AppHost.

# Extra environment for the AppHost, which its services inherit (VAR=value items).
apphost_env=()

# start_apphost NAME WORKERS [ARGS...]: starts it on free ports with a fresh data directory.
# Sets ah_pid, ah_url, ah_dashboard, ah_log; $ah_started_ns is when it was launched.
start_apphost() {
  local name=$1 workers=$2
  shift 2
  local port dashboard
  port=$(free_port)
  dashboard=$(free_port)
  while [ "$dashboard" = "$port" ]; do dashboard=$(free_port); done
  ah_log="$work/$name.log"
  rm -rf "$work/$name-data"
  ah_url="http://127.0.0.1:$port"
  ah_dashboard="http://127.0.0.1:$dashboard"
  ah_started_ns=$(date +%s%N)
  start_bg "$ah_log" env MAESTRO_DEV_API_KEY="$api_key" "${apphost_env[@]+"${apphost_env[@]}"}" dotnet "$apphost_dll" \
    --port "$port" --dashboard-port "$dashboard" --data-dir "$work/$name-data" --workers "$workers" "$@"
  ah_pid=$last_pid
}

wait_ready() {
  local deadline=$((SECONDS + 150))
  until grep -qs 'Maestro is ready' "$ah_log"; do
    alive "$ah_pid" || { tail -n 30 "$ah_log" >&2; fail "the AppHost exited before it was ready (log above)"; }
    [ "$SECONDS" -lt "$deadline" ] || { tail -n 30 "$ah_log" >&2; fail "the AppHost was not ready within 150 s"; }
    sleep 0.1
  done
  ah_resources=$(python3 bench/lib/apphost_resources.py "$ah_pid") || fail "could not list the AppHost's processes"
  local pid
  for pid in $(jq -r '.[].pid // empty' <<<"$ah_resources"); do children+=("$pid"); done
}

# resource_field RESOURCE FIELD: from the last snapshot of the AppHost's processes (first replica).
resource_field() { jq -r --arg r "$1" --arg f "$2" '[.[] | select(.resource == $r)][0][$f] // empty' <<<"$ah_resources"; }

stop_apphost() {
  stop_pid "$ah_pid" 20
  forget "$ah_pid"
  stop_strays
}

# register NAME FILE: creates the model through the gateway, uploads FILE and promotes it.
register() {
  local name=$1 file=$2 version
  curl -sS --fail-with-body --max-time 60 -o /dev/null -X POST "$ah_url/api/v1/models" -H "X-API-Key: $api_key" \
    -H 'Content-Type: application/json' -d "{\"name\": \"$name\", \"description\": \"bench/run.sh\"}" >&2 \
    || fail "could not create model $name"
  version=$(curl -sS --fail-with-body --max-time 60 -X POST "$ah_url/api/v1/models/$name/versions" -H "X-API-Key: $api_key" \
    -F "file=@$file" | jq -r '.version') || fail "could not upload $file as $name"
  curl -sS --fail-with-body --max-time 60 -o /dev/null -X POST "$ah_url/api/v1/models/$name/versions/$version/stage" \
    -H "X-API-Key: $api_key" -H 'Content-Type: application/json' \
    -d '{"stage": "Production", "archive_existing_versions": true}' >&2 || fail "could not promote $name version $version"
}

# batch_rows MODEL: "sum count" of the worker's batch-size histogram (rows per ONNX Runtime run) for MODEL.
batch_rows() {
  curl -s --max-time 5 "http://127.0.0.1:$worker_port/metrics" | awk -v model="model=\"$1\"" '
    /^maestro_inference_batch_size[a-z_]*_sum\{/ && index($0, model) {s += $NF}
    /^maestro_inference_batch_size[a-z_]*_count\{/ && index($0, model) {c += $NF}
    END {printf "%d %d\n", s, c}'
}

status_kb() { awk -v field="$2:" '$1 == field {print $2}' "/proc/$1/status" 2>/dev/null || true; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
machine_ticks() { awk '/^cpu / {busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6}' /proc/stat; }

# ---------------------------------------------------------------------------------------------
# Results: one line per measured run (scenario, requests/s, rows/s, p50 ms, p99 ms, errors,
# requests) in runs.tsv; per process peak RSS in rss.tsv and CPU per request in cpu.tsv; the
# machine's busy share in busy.tsv; rows per ONNX Runtime run (the worker's batch-size histogram)
# in batches.tsv.

runs="$work/runs.tsv" rss="$work/rss.tsv" cpu="$work/cpu.tsv" busy="$work/busy.tsv" batches="$work/batches.tsv"
: >"$batches"
: >"$runs"
: >"$rss"
: >"$cpu"
: >"$busy"

declare -A tag label url body key procs rows baseline also_vs p50_vs check conns wrk_threads batch_model
order=()

# scenario ID TAG LABEL URL BODY KEY ROWS BASELINE EXPECT PROCS...   (PROCS as name=pid)
scenario() {
  local id=$1
  tag[$id]=$2 label[$id]="$2 $3" url[$id]=$4 body[$id]=$5 key[$id]=$6 rows[$id]=$7 baseline[$id]=$8 check[$id]=$9
  shift 9
  procs[$id]="$*"
  order+=("$id")
}

# measure ID SECONDS RECORD: one wrk run; RECORD=1 keeps its figures.
measure() {
  local id=$1 seconds=$2 record=$3 entry name pid output line
  local -A before
  for entry in ${procs[$id]}; do
    pid=${entry#*=}
    echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true # resets VmHWM, so the peak is this run's
    before[$pid]=$(cpu_ticks "$pid")
  done
  local machine_before
  machine_before=$(machine_ticks)
  local batched_before=""
  [ -z "${batch_model[$id]:-}" ] || batched_before=$(batch_rows "${batch_model[$id]}")
  output=$(BENCH_BODY_FILE="${body[$id]}" BENCH_API_KEY="${key[$id]}" timeout $((seconds + 30)) \
    wrk -t"${wrk_threads[$id]:-$threads}" -c"${conns[$id]:-$connections}" -d"${seconds}s" --timeout 2s -s "$lua" "${url[$id]}" 2>&1) \
    || fail "wrk failed on ${label[$id]}: $output"
  line=$(grep '^BENCH ' <<<"$output") || fail "wrk printed no result for ${label[$id]}: $output"
  [ "$record" = 1 ] || return 0

  field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$line"; }
  local requests duration_us errors
  requests=$(field requests)
  duration_us=$(field duration_us)
  errors=$(($(field status) + $(field connect) + $(field read) + $(field write) + $(field timeout)))
  awk -v id="$id" -v n="$requests" -v us="$duration_us" -v rows="${rows[$id]}" -v p50="$(field p50_us)" \
    -v p99="$(field p99_us)" -v e="$errors" \
    'BEGIN { rps = n / (us / 1e6); printf "%s\t%.1f\t%.1f\t%.3f\t%.3f\t%d\t%d\n", id, rps, rps * rows, p50 / 1000, p99 / 1000, e, n }' >>"$runs"
  read -r busy_before total_before <<<"$machine_before"
  read -r busy_after total_after <<<"$(machine_ticks)"
  awk -v id="$id" -v b=$((busy_after - busy_before)) -v t=$((total_after - total_before)) \
    'BEGIN { if (t > 0) printf "%s\t%.0f\n", id, 100 * b / t }' >>"$busy"
  if [ -n "$batched_before" ]; then
    read -r sum_before count_before <<<"$batched_before"
    read -r sum_after count_after <<<"$(batch_rows "${batch_model[$id]}")"
    awk -v id="$id" -v s=$((sum_after - sum_before)) -v c=$((count_after - count_before)) \
      'BEGIN { if (c > 0) printf "%s\t%.1f\n", id, s / c }' >>"$batches"
  fi
  for entry in ${procs[$id]}; do
    name=${entry%%=*}
    pid=${entry#*=}
    printf '%s\t%s\t%s\n' "$id" "$name" "$(status_kb "$pid" VmHWM)" >>"$rss"
    awk -v id="$id" -v name="$name" -v ticks=$(($(cpu_ticks "$pid") - ${before[$pid]})) -v hz="$clock_ticks" -v n="$requests" \
      'BEGIN { if (n > 0) printf "%s\t%s\t%.0f\n", id, name, ticks / hz * 1e6 / n }' >>"$cpu"
  done
}

# median FILE ID COLUMN [NAME]: median of COLUMN over ID's lines (and process NAME, for rss/cpu).
median() {
  awk -F '\t' -v id="$2" -v c="$3" -v name="${4:-}" '$1 == id && (name == "" || $2 == name) {print $c}' "$1" | sort -g |
    awk '{v[NR] = $1} END {if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
maximum() {
  awk -F '\t' -v id="$2" -v c="$3" -v name="${4:-}" '$1 == id && (name == "" || $2 == name) && $c != "" {if (!seen || $c > m) m = $c; seen = 1} END {if (seen) print m}' "$1"
}
total() { awk -F '\t' -v id="$2" -v c="$3" '$1 == id {s += $c} END {print s + 0}' "$1"; }
thousands() { LC_ALL=C printf '%.0f' "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }
mib() { awk -v kb="$1" 'BEGIN {printf "%.0f MiB", kb / 1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "?"}'; }

table="$work/table.md"
{
  echo "| scenario | requests/s | p50 | p99 | errors | peak RSS | CPU per request | vs baseline (medians) |"
  echo "| --- | ---: | ---: | ---: | ---: | --- | --- | --- |"
} >"$table"
row() {
  local line="|" cell
  for cell in "$@"; do line+=" $cell |"; done
  echo "$line" >>"$table"
}

load_row() {
  local id=$1 rps p50 p99 errors requests rss_cell="" cpu_cell="" entry name vs="—" base other
  rps=$(median "$runs" "$id" 2)
  p50=$(median "$runs" "$id" 4)
  p99=$(median "$runs" "$id" 5)
  errors=$(total "$runs" "$id" 6)
  requests=$(total "$runs" "$id" 7)
  for entry in ${procs[$id]}; do
    name=${entry%%=*}
    rss_cell+="${rss_cell:+ · }$name $(mib "$(maximum "$rss" "$id" 3 "$name")")"
    cpu_cell+="${cpu_cell:+ · }$name $(median "$cpu" "$id" 3 "$name") µs"
  done
  cpu_cell+=" (machine $(median "$busy" "$id" 2)% busy)"
  if [ -n "${batch_model[$id]:-}" ]; then cpu_cell+="; $(median "$batches" "$id" 2) rows per ONNX Runtime run"; fi
  local rate
  rate=$(thousands "$rps")
  if [ "${rows[$id]}" -gt 1 ]; then rate+=" ($(thousands "$(median "$runs" "$id" 3)") rows/s)"; fi
  base=${baseline[$id]}
  if [ -n "$base" ]; then
    if [ "${rows[$id]}" -gt 1 ]; then
      vs="×$(ratio "$(median "$runs" "$id" 3)" "$(median "$runs" "$base" 2)") rows/s vs ${tag[$base]} req/s"
    else
      vs="×$(ratio "$rps" "$(median "$runs" "$base" 2)") req/s, ×$(ratio "$p99" "$(median "$runs" "$base" 5)") p99 vs ${tag[$base]}"
    fi
    for other in ${also_vs[$id]:-}; do
      vs+="; ×$(ratio "$rps" "$(median "$runs" "$other" 2)") req/s, ×$(ratio "$p99" "$(median "$runs" "$other" 5)") p99 vs ${tag[$other]}"
    done
    for other in ${p50_vs[$id]:-}; do
      vs+="; $(awk -v a="$p50" -v b="$(median "$runs" "$other" 4)" 'BEGIN {printf "%+.2f", a - b}') ms p50 vs ${tag[$other]}"
    done
  fi
  row "${label[$id]}" "$rate" "$(printf '%.2f ms' "$p50")" "$(printf '%.2f ms' "$p99")" \
    "$errors of $(thousands "$requests")" "$rss_cell" "$cpu_cell" "$vs"
}

# ---------------------------------------------------------------------------------------------
# load: (a)-(e)

printf '{"features": [0.5, 1.2, 3.4]}' >"$work/predict.json"
printf '{"inputs": [{"name": "features", "shape": [1, 3], "datatype": "FP32", "data": [0.5, 1.2, 3.4]}]}' >"$work/v2.json"
python3 -c 'import json, math; print(json.dumps({"features": [round(math.sin(i) * 2, 3) for i in range(64)]}))' >"$work/mlp.json"
python3 - "$work/batch100.json" <<'EOF'
import json, random, sys
random.seed(42)
rows = [{"features": [round(random.uniform(-2, 2), 3) for _ in range(3)]} for _ in range(100)]
json.dump({"requests": rows}, open(sys.argv[1], "w"))
EOF

if wants load; then
  log "load: starting a bare Kestrel endpoint, the platform (1 worker) and two bare YARP hops"
  kestrel_port=$(free_port)
  start_bg "$work/kestrel.log" env DOTNET_gcServer=0 dotnet "$kestrel_dll" --urls "http://127.0.0.1:$kestrel_port"
  kestrel_pid=$last_pid

  # The same mlp-512.onnx under two names, dynamic batching switched on for one of them (it is off by
  # default); fraud-detector, like every other model here, runs each request alone.
  # Plan "bench": a Redis quota so large it never refuses, so every request through the gateway with
  # the key created below pays for a real shared quota decision (one EVALSHA) and nothing is refused.
  apphost_env=("Worker__Batching__Models__mlp__Enabled=true"
    "Gateway__Quotas__Plans__bench__RequestsPerMinute=1000000000" "Gateway__Quotas__Plans__bench__Burst=1000000000")
  start_apphost load 1 --no-seed
  apphost_env=()
  load_apphost=$ah_pid
  wait_ready
  register fraud-detector samples/models/fraud-detector.onnx
  register mlp samples/models/mlp-512.onnx
  register mlp-unbatched samples/models/mlp-512.onnx
  # What a client holds: an API key with scope predict on plan "bench", created through the admin API.
  client_key=$(curl -sS --fail-with-body --max-time 60 -X POST "$ah_url/admin/api-keys" -H "X-API-Key: $api_key" \
    -H 'Content-Type: application/json' -d '{"name": "bench", "scopes": ["predict"], "plan": "bench"}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])') || fail "could not create the bench API key"
  gateway_pid=$(resource_field gateway pid)
  worker_pid=$(resource_field worker pid)
  worker_port=$(resource_field worker port)
  worker_http2_port=$(resource_field worker http2_port)
  redis_pid=$(resource_field redis pid)
  [ -n "$redis_pid" ] || fail "the AppHost started no redis-server, which (c) measures; install it (apt-get install redis-server)"
  [ -n "$worker_port" ] && [ -n "$worker_http2_port" ] && [ -n "$gateway_pid" ] || fail "the AppHost runs no worker or gateway: $ah_resources"

  yarp_kestrel_port=$(free_port)
  start_bg "$work/yarp-kestrel.log" env DOTNET_gcServer=0 dotnet "$yarp_dll" \
    --urls "http://127.0.0.1:$yarp_kestrel_port" --Destination "http://127.0.0.1:$kestrel_port"
  yarp_kestrel_pid=$last_pid
  yarp_worker_port=$(free_port)
  start_bg "$work/yarp-worker.log" env DOTNET_gcServer=0 dotnet "$yarp_dll" \
    --urls "http://127.0.0.1:$yarp_worker_port" --Destination "http://127.0.0.1:$worker_port"
  yarp_worker_pid=$last_pid
  # The same bare hop set up as the gateway is (README, "Performance settings"): HTTP/2 to the worker's
  # h2c endpoint, inline socket completions — so that what those settings do and
  # what the gateway's features cost can be told apart.
  yarp_tuned_port=$(free_port)
  start_bg "$work/yarp-tuned.log" env DOTNET_gcServer=0 DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 dotnet "$yarp_dll" \
    --urls "http://127.0.0.1:$yarp_tuned_port" --Destination "http://127.0.0.1:$worker_http2_port" --Http2 true
  yarp_tuned_pid=$last_pid

  # nginx (Debian's) as a plain reverse proxy in front of the same worker: one worker process (its CPU is
  # measured), keep-alive connections to the upstream, no logging — what a user would put there instead.
  nginx_port=$(free_port)
  mkdir -p "$work/nginx"
  cat >"$work/nginx/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream worker { server 127.0.0.1:$worker_port; keepalive 128; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / { proxy_pass http://worker; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
  start_bg "$work/nginx.log" "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf"
  nginx_master=$last_pid
  for _ in $(seq 1 50); do nginx_pid=$(pgrep -P "$nginx_master" | head -n 1 || true); [ -n "$nginx_pid" ] && break; sleep 0.1; done
  [ -n "$nginx_pid" ] || { cat "$work/nginx.log" "$work/nginx/error.log" >&2 2>/dev/null; fail "nginx did not start"; }

  predict_path=/api/v1/models/fraud-detector/predict
  scenario kestrel "(a)" "bare Kestrel endpoint, predict-shaped JSON (HTTP ceiling)" \
    "http://127.0.0.1:$kestrel_port$predict_path" "$work/predict.json" "" 1 "" '"probability"' "kestrel=$kestrel_pid"
  scenario yarp_kestrel "(a′)" "bare YARP hop → bare Kestrel" \
    "http://127.0.0.1:$yarp_kestrel_port$predict_path" "$work/predict.json" "" 1 kestrel '"probability"' \
    "yarp=$yarp_kestrel_pid" "kestrel=$kestrel_pid"
  scenario worker "(b)" "worker predict, direct (fraud-detector)" \
    "http://127.0.0.1:$worker_port$predict_path" "$work/predict.json" "" 1 kestrel '"probability"' "worker=$worker_pid"
  scenario yarp_worker "(b′)" "bare YARP hop → worker predict" \
    "http://127.0.0.1:$yarp_worker_port$predict_path" "$work/predict.json" "" 1 worker '"probability"' \
    "yarp=$yarp_worker_pid" "worker=$worker_pid"
  scenario yarp_tuned "(b‴)" "bare YARP hop → worker predict, set up as the gateway is (HTTP/2 to the worker, runtime settings)" \
    "http://127.0.0.1:$yarp_tuned_port$predict_path" "$work/predict.json" "" 1 yarp_worker '"probability"' \
    "yarp=$yarp_tuned_pid" "worker=$worker_pid"
  scenario nginx_worker "(b″)" "nginx reverse proxy → worker predict" \
    "http://127.0.0.1:$nginx_port$predict_path" "$work/predict.json" "" 1 worker '"probability"' \
    "nginx=$nginx_pid" "worker=$worker_pid"
  also_vs[nginx_worker]=yarp_worker
  scenario gateway "(c)" "gateway → worker predict, API key + Redis quota" \
    "$ah_url$predict_path" "$work/predict.json" "$client_key" 1 worker '"probability"' \
    "gateway=$gateway_pid" "worker=$worker_pid" "redis=$redis_pid"
  also_vs[gateway]="yarp_worker yarp_tuned nginx_worker"
  scenario worker4 "(b4)" "worker predict, direct, 4 connections" \
    "http://127.0.0.1:$worker_port$predict_path" "$work/predict.json" "" 1 "" '"probability"' "worker=$worker_pid"
  # The same hops at 4 connections: what a bare proxy adds to the latency, next to what the gateway adds.
  scenario yarp_tuned4 "(b‴4)" "bare YARP hop → worker predict, set up as the gateway is, 4 connections" \
    "http://127.0.0.1:$yarp_tuned_port$predict_path" "$work/predict.json" "" 1 worker4 '"probability"' \
    "yarp=$yarp_tuned_pid" "worker=$worker_pid"
  scenario nginx_worker4 "(b″4)" "nginx reverse proxy → worker predict, 4 connections" \
    "http://127.0.0.1:$nginx_port$predict_path" "$work/predict.json" "" 1 worker4 '"probability"' \
    "nginx=$nginx_pid" "worker=$worker_pid"
  scenario gateway4 "(c4)" "gateway → worker predict, API key + Redis quota, 4 connections (goal: ≤ +0.3 ms p50 over (b4), p99 ≤ 2 ms)" \
    "$ah_url$predict_path" "$work/predict.json" "$client_key" 1 worker4 '"probability"' \
    "gateway=$gateway_pid" "worker=$worker_pid" "redis=$redis_pid"
  conns[worker4]=4 conns[yarp_tuned4]=4 conns[nginx_worker4]=4 conns[gateway4]=4
  p50_vs[yarp_tuned4]=worker4 p50_vs[nginx_worker4]=worker4
  also_vs[gateway4]="yarp_tuned4 nginx_worker4"
  p50_vs[gateway4]="worker4 yarp_tuned4 nginx_worker4"
  scenario v2 "(d)" "V2 infer through the gateway" \
    "$ah_url/v2/models/fraud-detector/infer" "$work/v2.json" "$client_key" 1 gateway '"outputs"' \
    "gateway=$gateway_pid" "worker=$worker_pid" "redis=$redis_pid"
  scenario batch "(e)" "batch_predict of 100 rows through the gateway" \
    "$ah_url/api/v1/models/fraud-detector/batch_predict" "$work/batch100.json" "$client_key" 100 gateway '"predictions"' \
    "gateway=$gateway_pid" "worker=$worker_pid" "redis=$redis_pid"
  scenario mlp_off "(f)" "MLP 64→512→512→10 predict, worker direct, 64 connections, dynamic batching off" \
    "http://127.0.0.1:$worker_port/api/v1/models/mlp-unbatched/predict" "$work/mlp.json" "" 1 "" '"probability"' \
    "worker=$worker_pid"
  scenario mlp_on "(f′)" "MLP 64→512→512→10 predict, worker direct, 64 connections, dynamic batching on (32 rows, 2 ms window; goal ×2 req/s, p99 no worse)" \
    "http://127.0.0.1:$worker_port/api/v1/models/mlp/predict" "$work/mlp.json" "" 1 mlp_off '"probability"' \
    "worker=$worker_pid"
  conns[mlp_off]=64 conns[mlp_on]=64
  batch_model[mlp_off]=mlp-unbatched batch_model[mlp_on]=mlp
  # One client alone (one wrk thread, one connection): what batching costs a request that finds the model idle.
  scenario mlp_off1 "(f1)" "MLP 64→512→512→10 predict, worker direct, 1 connection, dynamic batching off" \
    "http://127.0.0.1:$worker_port/api/v1/models/mlp-unbatched/predict" "$work/mlp.json" "" 1 "" '"probability"' \
    "worker=$worker_pid"
  scenario mlp_on1 "(f′1)" "MLP 64→512→512→10 predict, worker direct, 1 connection, dynamic batching on" \
    "http://127.0.0.1:$worker_port/api/v1/models/mlp/predict" "$work/mlp.json" "" 1 mlp_off1 '"probability"' \
    "worker=$worker_pid"
  conns[mlp_off1]=1 conns[mlp_on1]=1 wrk_threads[mlp_off1]=1 wrk_threads[mlp_on1]=1
  p50_vs[mlp_on1]=mlp_off1
  batch_model[mlp_off1]=mlp-unbatched batch_model[mlp_on1]=mlp

  # The quota really is on, and shared through Redis: the gateway's answer names the plan.
  post_until_ok 60 "$ah_url$predict_path" "$work/predict.json" "$client_key" || fail "the gateway does not answer predict"
  curl -s -D - -o /dev/null -X POST "$ah_url$predict_path" -H 'Content-Type: application/json' -H "X-API-Key: $client_key" \
    --data-binary "@$work/predict.json" | grep -qi '^RateLimit-Policy: "bench"' || fail "the gateway's answer carries no RateLimit-Policy of plan bench"
  quota_decisions() {
    curl -s --max-time 5 "$ah_url/metrics" -H "X-API-Key: $api_key" | awk -v store="store=\"$1\"" '
      /^maestro_gateway_quota_decisions_total\{/ && index($0, store) {s += $NF} END {printf "%d\n", s}'
  }
  shared_before=$(quota_decisions shared) local_before=$(quota_decisions local)

  for id in "${order[@]}"; do
    post_until_ok 60 "${url[$id]}" "${body[$id]}" "${key[$id]}" || fail "${label[$id]} does not answer 200 at ${url[$id]}"
    answer=$(curl -s --max-time 10 -X POST "${url[$id]}" -H 'Content-Type: application/json' ${key[$id]:+-H "X-API-Key: ${key[$id]}"} \
      --data-binary "@${body[$id]}")
    grep -q "${check[$id]}" <<<"$answer" || fail "${label[$id]} answered without ${check[$id]}: $answer"
    log "warm-up ${warmup} s: ${label[$id]}"
    measure "$id" "$warmup" 0
  done
  for ((round = 1; round <= rounds; round++)); do
    for id in "${order[@]}"; do
      log "round $round/$rounds, ${duration} s: ${label[$id]}"
      measure "$id" "$duration" 1
    done
  done

  for id in "${order[@]}"; do load_row "$id"; done
  shared_decisions=$(($(quota_decisions shared) - shared_before)) local_decisions=$(($(quota_decisions local) - local_before))

  log "load: stopping"
  for pid in "$nginx_master" "$yarp_tuned_pid" "$yarp_worker_pid" "$yarp_kestrel_pid" "$kestrel_pid"; do stop_pid "$pid" 10; forget "$pid"; done
  ah_pid=$load_apphost
  stop_apphost
fi

# ---------------------------------------------------------------------------------------------
# cold: (g)

if wants cold; then
  cold="$work/cold.tsv"
  : >"$cold"
  failed_starts=0
  for ((i = 1; i <= cold_starts; i++)); do
    log "cold start $i/$cold_starts: AppHost (2 workers, demo model seeded) → first successful prediction"
    start_apphost "cold-$i" 2
    if post_until_ok 150 "$ah_url/api/v1/models/fraud-detector/predict" "$work/predict.json" "$api_key" "$ah_pid"; then
      first_ns=$(date +%s%N)
      wait_ready
      ready=$(sed -n 's/.*Maestro is ready in \([0-9.]*\) s.*/\1/p' "$ah_log" | head -n 1)
      awk -v s="$ah_started_ns" -v e="$first_ns" -v r="$ready" 'BEGIN {printf "%.2f\t%s\n", (e - s) / 1e9, r}' >>"$cold"
    else
      # A failed start is counted, not retried: it is part of what a cold start is on this machine.
      failed_starts=$((failed_starts + 1))
      log "cold start $i failed: no successful prediction (the AppHost's last output follows)"
      tail -n 15 "$ah_log" >&2
    fi
    stop_apphost
  done
  if [ -s "$cold" ]; then
    starts=$(awk -F '\t' '{printf "%s%s s (ready line %s s)", (NR > 1 ? "; " : ""), $1, $2}' "$cold")
    median_start=$(printf '%.2f s' "$(cut -f1 "$cold" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')")
  else
    starts="none succeeded" median_start="—"
  fi
  row "(g) cold start: AppHost launch → first successful prediction, 2 workers (median of $((cold_starts - failed_starts)) of $cold_starts)" "—" \
    "$median_start" "" "$failed_starts failed starts" "" "" "each start: $starts"
fi

# ---------------------------------------------------------------------------------------------
# memory: (h)

if wants memory; then
  log "memory: one worker, 1 model then 20 (fraud-detector.onnx under 20 names)"
  start_apphost memory 1 --no-seed
  wait_ready
  worker_pid=$(resource_field worker pid)
  register bench-model-01 samples/models/fraud-detector.onnx
  post_until_ok 60 "$ah_url/api/v1/models/bench-model-01/predict" "$work/predict.json" "$api_key" || fail "bench-model-01 does not predict"
  one_rss=$(status_kb "$worker_pid" VmRSS) one_hwm=$(status_kb "$worker_pid" VmHWM)
  for n in $(seq -w 2 20); do
    register "bench-model-$n" samples/models/fraud-detector.onnx
    post_until_ok 60 "$ah_url/api/v1/models/bench-model-$n/predict" "$work/predict.json" "$api_key" || fail "bench-model-$n does not predict"
  done
  twenty_rss=$(status_kb "$worker_pid" VmRSS) twenty_hwm=$(status_kb "$worker_pid" VmHWM)
  row "(h) one worker holding 1 model (after one predict)" "—" "" "" "" \
    "worker $(mib "$one_rss") RSS, peak $(mib "$one_hwm")" "" "—"
  row "(h) the same worker holding 20 models (one predict each)" "—" "" "" "" \
    "worker $(mib "$twenty_rss") RSS, peak $(mib "$twenty_hwm")" "" \
    "×$(ratio "$twenty_rss" "$one_rss") RSS vs 1 model ($(awk -v a="$twenty_rss" -v b="$one_rss" 'BEGIN {printf "%.1f", (a - b) / 19 / 1024}') MiB per extra model)"
  stop_apphost
fi

# ---------------------------------------------------------------------------------------------
# registry: (i) listing, (j) upload

if wants registry; then
  registry_bench="$repo/bench/RegistryBench/bin/Release/net10.0/Maestro.RegistryBench.dll"
  registry_dll="$repo/src/RegistryService/bin/Release/net10.0/Maestro.RegistryService.dll"
  registry_rounds=5
  [ "$quick" -eq 1 ] && registry_rounds=2
  bench_value() { sed -n "s/^$1=//p" "$2"; }

  log "registry: listing 10,000 models, 100 per page, in-process ($registry_rounds passes after a warm-up)"
  dotnet "$registry_bench" list "$work/registry-list" 10000 100 "$registry_rounds" >"$work/registry-list.txt" \
    || fail "the listing benchmark failed"
  row "(i) registry: list 10,000 models page by page (100 per page), in-process: handler + store + JSON" "—" \
    "$(bench_value list_median_ms "$work/registry-list.txt") ms per page" "" "" "" "" \
    "p95 $(bench_value list_p95_ms "$work/registry-list.txt") ms over $(bench_value list_pages "$work/registry-list.txt") pages × $registry_rounds passes; goal ≤ 5 ms per page"

  log "registry: a 100 MB model uploaded over HTTP vs copied on disk ($registry_rounds alternating rounds after a warm-up)"
  /usr/bin/python3 -c 'import onnx' 2>/dev/null || fail "the registry group needs Debian's python3-onnx (apt-get install python3-onnx)"
  /usr/bin/python3 bench/RegistryBench/make_large_model.py "$work/large.onnx" $((100 * 1024 * 1024)) || fail "could not write the 100 MB model"
  registry_port=$(free_port)
  start_bg "$work/registry-upload.log" env Registry__DataDirectory="$work/registry-upload" ASPNETCORE_URLS="http://127.0.0.1:$registry_port" \
    dotnet "$registry_dll"
  registry_pid=$last_pid
  deadline=$((SECONDS + 60))
  until curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$registry_port/health"; do
    alive "$registry_pid" && [ "$SECONDS" -lt "$deadline" ] || { tail -n 20 "$work/registry-upload.log" >&2; fail "the registry did not start"; }
    sleep 0.2
  done
  dotnet "$registry_bench" upload "http://127.0.0.1:$registry_port" "$work/large.onnx" "$work/registry-copy" "$registry_rounds" \
    >"$work/registry-upload.txt" || fail "the upload benchmark failed"
  registry_hwm=$(status_kb "$registry_pid" VmHWM)
  stop_pid "$registry_pid" 10
  forget "$registry_pid"
  row "(j) registry: upload a 100 MB model it has not seen over HTTP (streamed to a scratch file; SHA-256 and ONNX Runtime validation while it is flushed to disk; record) vs copy it on the same disk with fsync" "—" \
    "upload $(bench_value fresh_upload_median_s "$work/registry-upload.txt") s" "" "" "registry peak $(mib "$registry_hwm")" "" \
    "×$(bench_value fresh_vs_copy "$work/registry-upload.txt") of copy speed (copy $(bench_value copy_median_s "$work/registry-upload.txt") s; medians of $registry_rounds rounds); goal ≥ 0.5"
  row "(j′) registry: upload the same 100 MB again (content already stored: its earlier validation reused, the new copy flushed while hashed, then dropped)" "—" \
    "upload $(bench_value upload_median_s "$work/registry-upload.txt") s" "" "" "" "" \
    "×$(bench_value upload_vs_copy "$work/registry-upload.txt") of copy speed"
fi

# ---------------------------------------------------------------------------------------------
# micro: BenchmarkDotNet

micro_report=""
if wants micro; then
  log "micro: BenchmarkDotNet (bench/Maestro.Benchmarks)"
  quick_arg=()
  [ "$quick" -eq 1 ] && quick_arg=(--quick)
  if dotnet run -c Release --no-build --project bench/Maestro.Benchmarks -- --filter '*' --artifacts "$work/bdn" \
    "${quick_arg[@]+"${quick_arg[@]}"}" >"$work/bdn.log" 2>&1; then
    micro_report=$(
      echo '```'
      awk '/^\/\/ \* Summary \*/ {s = 1; next} s && /^Job=/ {print; getline; if ($0 != "") print; exit} s && NF {print}' "$work/bdn.log"
      echo '```'
      echo
      awk '/^\/\/ \* Summary \*/ {s = 1; next} s && /^\|/ {print; t = 1; next} s && t {s = 0; t = 0; print ""}' "$work/bdn.log"
    )
  else
    tail -n 40 "$work/bdn.log" >&2
    micro_report="BenchmarkDotNet failed; its last lines are above (stderr)."
  fi
fi

# ---------------------------------------------------------------------------------------------
# Report (stdout)

elapsed=$((SECONDS - started_at))
echo "## Maestro bench, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "commit $commit$dirty · $(nproc) cores · $(free -m | awk '/^Mem:/ {printf "%.1f", $2 / 1024}') GiB memory · $(uname -r) ·" \
  "mode $mode: $rounds round(s) × ${duration} s per scenario after a ${warmup} s warm-up, wrk $threads threads × $connections connections (64 for f, 4 for b4, b‴4, b″4, c4; 1 thread × 1 connection for f1, f′1) ·" \
  "load average $load_at_start at start, $(cut -d' ' -f1-3 /proc/loadavg) at the end · took $((elapsed / 60)) min $((elapsed % 60)) s"
echo
[ "$(wc -l <"$table")" -le 2 ] || cat "$table" # header only when just micro ran
if [ -n "${shared_decisions:-}" ]; then
  echo
  echo "Quota decisions the gateway made during (c), (d) and (e), warm-ups included: $(thousands "$shared_decisions") on the count" \
    "shared through Redis, $(thousands "$local_decisions") on its own (Redis unavailable)."
fi
if [ -n "$micro_report" ]; then
  echo
  echo "### In-process hot paths (BenchmarkDotNet)"
  echo
  echo "$micro_report"
fi
