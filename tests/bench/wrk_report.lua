-- Appended by tests/bench/load.ts after a generated prelude that defines `bench_requests` (a list
-- of {weight, method, path, headers, body}) and `bench_count_statuses`.
--
-- One request: set once on `wrk`, so wrk builds it once and never calls into Lua per request.
-- A mix: `request()` picks one by weight for every request.
-- Statuses are tallied per thread in `response()` (only when counting is on: it costs the load
-- generator a Lua call per response) and summed in `done()`, which prints one JSON line.

local threads = {}

if #bench_requests == 1 then
  local r = bench_requests[1]
  wrk.method = r.method
  wrk.path = r.path
  wrk.body = r.body
  for name, value in pairs(r.headers) do wrk.headers[name] = value end
end

function setup(thread)
  table.insert(threads, thread)
end

local built = {}
local cumulative = {}
local total_weight = 0

function init(args)
  statuses = {}
  if #bench_requests > 1 then
    for i, r in ipairs(bench_requests) do
      built[i] = wrk.format(r.method, r.path, r.headers, r.body)
      total_weight = total_weight + r.weight
      cumulative[i] = total_weight
    end
    math.randomseed(os.time() + tonumber(tostring(args):match("0x(%x+)") or "0", 16) % 100000)
  end
end

if #bench_requests > 1 then
  function request()
    local pick = math.random() * total_weight
    -- Binary search over the cumulative weights: mixes can list a thousand requests.
    local lo, hi = 1, #cumulative
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      if pick < cumulative[mid] then hi = mid else lo = mid + 1 end
    end
    return built[lo]
  end
end

if bench_count_statuses then
  function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local counted = thread:get("statuses")
    if counted then
      for status, n in pairs(counted) do
        totals[status] = (totals[status] or 0) + n
      end
    end
  end
  local parts = {}
  for status, n in pairs(totals) do
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"duration_us":%d,"requests":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"max":%d,"stdev":%.1f,"p50":%d,"p90":%d,"p95":%d,"p99":%d,"p999":%d},' ..
    '"statuses":{%s}}\n',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max, latency.stdev,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency:percentile(99.9),
    table.concat(parts, ",")))
end
