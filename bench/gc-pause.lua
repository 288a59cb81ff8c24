-- GC pause benchmark (bench/gc-pause.sh runs it on lua5.4 and on mlua).
--
-- usage: gc-pause.lua MODE SECONDS [LIVE_MIB]
--   MODE: incremental | generational | manual (manual: the collector is stopped and the
--   loop calls collectgarbage("step", 0) once per "frame" of 100 iterations)
-- Builds about LIVE_MIB (default 64) MiB of live data - tables large and small, strings,
-- closures - then allocates and drops objects for SECONDS seconds, recording the time
-- between iterations in a preallocated histogram (1 us buckets). The clock is the
-- host's `bench_now` when it has one (the mlua driver gives a Stopwatch), else os.clock.
local mode = arg[1] or "incremental"
local seconds = tonumber(arg[2]) or 5
local liveMiB = tonumber(arg[3]) or 64
local now = rawget(_G, "bench_now") or os.clock

if mode == "manual" then
  collectgarbage("incremental")
else
  collectgarbage(mode)
end

-- live data ----------------------------------------------------------------
local live = {}
local big = {}          -- one large array of small tables
local dict = {}         -- one large hash keyed by strings
local funcs = {}        -- closures with upvalues
live.big, live.dict, live.funcs = big, dict, funcs
local i = 0
while collectgarbage("count") < liveMiB * 1024 do
  for _ = 1, 1000 do
    i = i + 1
    big[i] = { x = i, y = i * 2, name = "item" .. i }
    dict["key" .. i] = { i, i + 1, i + 2 }
    local n = i
    funcs[i % 50000 + 1] = function() return n end
    if i % 1000 == 0 then
      live[#live + 1] = string.rep("s", 1000 + i % 500) -- long strings
    end
  end
end
collectgarbage("collect")
local liveKiB = collectgarbage("count")

-- recorder -----------------------------------------------------------------
local NB = 2000000                -- 1 us buckets up to 2 s
local hist = {}
for b = 1, NB do hist[b] = 0 end
local over = 0

-- churn --------------------------------------------------------------------
local ring = {}
local RING = 4096
for r = 1, RING do ring[r] = false end
if mode == "manual" then collectgarbage("stop") end

local function iteration(k)
  local slot = k % RING + 1
  local t = { k, k + 1, name = "tmp" .. (k % 100000) }
  t.f = function() return t end
  ring[slot] = t
end

-- warm-up: one second, not recorded
local t0 = now()
local k = 0
while now() - t0 < 1 do
  for _ = 1, 100 do k = k + 1; iteration(k) end
end

local start = now()
local last = start
local stop = start + seconds
local iters = 0
local maxdt = 0
while last < stop do
  k = k + 1
  iteration(k)
  iters = iters + 1
  if mode == "manual" and iters % 100 == 0 then collectgarbage("step", 0) end
  local t = now()
  local dt = t - last
  last = t
  if dt > maxdt then maxdt = dt end
  local b = (dt * 1e6) // 1 + 1
  if b <= NB then hist[b] = hist[b] + 1 else over = over + 1 end
end
local total = last - start

local function pct(p)
  local want = iters * p
  local acc = 0
  for b = 1, NB do
    acc = acc + hist[b]
    if acc >= want then return (b - 1) / 1000 end -- ms (bucket lower bound)
  end
  return maxdt * 1000
end

print(string.format("mode=%s live=%.1fMiB iters=%d total=%.2fs max=%.3fms p99.9=%.3fms p99=%.3fms end=%.1fMiB",
  mode, liveKiB / 1024, iters, total, maxdt * 1000, pct(0.999), pct(0.99), collectgarbage("count") / 1024))
