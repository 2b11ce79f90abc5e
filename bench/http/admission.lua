-- wrk script: POSTs captured AdmissionReview bodies, rotating over the files given after "--".
--   wrk -t1 -c16 -d20s -s admission.lua https://localhost:8443 -- /validate a.json b.json ...
-- Prints the latency percentiles (p50, p90, p99, p99.9, max) and the counts of socket errors and
-- non-2xx answers as one JSON line starting with "RESULT " (in microseconds).
local bodies = {}
local path = "/validate"
local counter = 0
local requests = {}

function init(args)
  path = args[1]
  for i = 2, #args do
    local f = assert(io.open(args[i], "rb"))
    local body = f:read("*a")
    f:close()
    requests[#requests + 1] = wrk.format("POST", path, {["Content-Type"] = "application/json"}, body)
  end
  assert(#requests > 0, "no bodies given")
  -- Each thread starts at a different file so the connections do not march in step.
  counter = math.random(0, #requests - 1)
end

function request()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"rps":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%.1f,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"non2xx":%d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean,
    e.connect, e.read, e.write, e.timeout, e.status))
end
