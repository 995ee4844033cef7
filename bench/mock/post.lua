-- wrk script for bench/mock/run: POSTs one valid Create API token body (body.json) over
-- keep-alive connections and counts non-2xx answers (per thread, summed in done).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- the body is bench/mock/body.json; bench/mock/run passes its path in BENCH_BODY
local f = assert(io.open(os.getenv("BENCH_BODY") or "bench/mock/body.json", "rb"))
wrk.body = f:read("*a")
f:close()

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  statuses = {}
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + t:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, total, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
