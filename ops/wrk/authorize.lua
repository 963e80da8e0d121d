-- wrk script: every request is a new authorize-check (a unique transactionId) of one of 10,000 cards at one
-- of 2,000 terminals. wrk gives every thread its own Lua state with the same unseeded random sequence, so
-- each thread gets its own number and a per-run prefix in its ids (two threads never send the same id).
--   wrk -t2 -c64 -d30s -s ops/wrk/authorize.lua http://127.0.0.1:8080
-- API key: WRK_KEY=<key>, else var/keys/decide.key (run from the project root); WRK_RUN names the run (default: the
-- time).
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  thread:set("run", os.getenv("WRK_RUN") or tostring(os.time()))
  table.insert(threads, thread)
end

function init(args)
  n = 0
  math.randomseed(tid * 7919 + os.time())
  headers = { ["Content-Type"] = "application/json" }
  local key = os.getenv("WRK_KEY")
  if not key or key == "" then
    local f = io.open("var/keys/decide.key", "r") -- written by a node started from this directory
    if f then key = f:read("*l"); f:close() end
  end
  if key and key ~= "" then headers["Authorization"] = "Bearer " .. key end
  statuses = {}
end

function request()
  n = n + 1
  local body = string.format(
    '{"transactionId":"wrk-%s-%d-%d","cardId":"card_%d","terminalId":"term_%d","amount":%.2f,"currency":"EUR","timestamp":"%s"}',
    run, tid, n, math.random(0, 9999), math.random(0, 1999), math.random(100, 20000) / 100,
    os.date("!%Y-%m-%dT%H:%M:%SZ"))
  return wrk.format("POST", "/v1/authorize-check", headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if s then for k, v in pairs(s) do merged[k] = (merged[k] or 0) + v end end
  end
  local parts = {}
  for k, v in pairs(merged) do table.insert(parts, string.format("%s=%d", k, v)) end
  table.sort(parts)
  io.write(string.format("statuses {%s}\n", table.concat(parts, ", ")))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms\n", latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000))
end
