-- wrk script for bench/run.sh: POSTs one JSON body, optionally with an API key, and prints one
-- machine-readable line at the end for run.sh to parse.
--   BENCH_BODY_FILE  file holding the request body (required)
--   BENCH_API_KEY    sent as X-API-Key when set
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local key = os.getenv("BENCH_API_KEY")
if key and key ~= "" then
  wrk.headers["X-API-Key"] = key
end

local path = os.getenv("BENCH_BODY_FILE")
local file = assert(io.open(path or "", "rb"), "set BENCH_BODY_FILE to the request body's file")
wrk.body = file:read("*a")
file:close()

-- errors.status counts responses with a status of 400 or more; the others are socket errors.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d status=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout))
end
