-- Times collectgarbage("step", 0) with about LIVE_MIB (default 64) MiB live: the script steps
-- STEPS (default 3000) times, allocating a little garbage between steps (the
-- collector is not stopped: lua5.4 before 5.4.4 does not step a stopped collector). Prints the number of steps, the longest and the mean.
-- usage: gc-step.lua [LIVE_MIB] [STEPS]   (the clock: as gc-pause.lua)
local liveMiB = tonumber(arg[1]) or 64
local nsteps = tonumber(arg[2]) or 3000
local now = rawget(_G, "bench_now") or os.clock
local big, dict, i = {}, {}, 0
while collectgarbage("count") < liveMiB * 1024 do
  for _ = 1, 1000 do
    i = i + 1
    big[i] = { x = i, y = i * 2, name = "item" .. i }
    dict["key" .. i] = { i, i + 1, i + 2 }
  end
end
collectgarbage("collect")
local steps, maxdt, total, done = 0, 0, 0, 0
local ring = {}
while steps < nsteps do
  for k = 1, 20 do ring[k] = { k } end -- some garbage between steps
  local t = now()
  local finished = collectgarbage("step", 0)
  local dt = now() - t
  steps = steps + 1
  total = total + dt
  if dt > maxdt then maxdt = dt end
  if finished then done = done + 1 end
end
print(string.format("live=%.1fMiB steps=%d ended-cycles=%d max=%.3fms mean=%.3fms",
  collectgarbage("count") / 1024, steps, done, maxdt * 1000, total / steps * 1000))
