-- hooks.lua: debug.sethook / debug.gethook: call, tail call, return, line and count events
local ncase = 0
local function check(name, cond, ...)
  if not cond then error("check failed: " .. name, 2) end
  ncase = ncase + 1
  print(name, ...)
end

local sethook, gethook, getinfo = debug.sethook, debug.gethook, debug.getinfo

-- 1 line events of a straight function, a loop (jumps back to the same line) and a call
do
  local lines = {}
  local function f(a)
    local x = a
    for i = 1, 2 do x = x + i end
    return x
  end
  local function hook(ev, line)
    if getinfo(2, "f").func == f then lines[#lines + 1] = line end
  end
  sethook(hook, "l")
  local r = f(1)
  sethook()
  check("hook-01 lines", r == 4, table.concat(lines, " "))
end

-- 2 call, return and tail call events with names from getinfo(2)
do
  local evs = {}
  local function g(x) return x * 2 end
  local function f(x) return g(x + 1) end
  local function h(x) local y = f(x) return y end
  sethook(function(ev)
    local info = getinfo(2, "nS")
    if info.what ~= "C" then evs[#evs + 1] = ev .. "/" .. tostring(info.name) end
  end, "cr")
  local r = h(1)
  sethook()
  check("hook-02 call-return", r == 4, table.concat(evs, " "))
end

-- 3 host functions make call and return events too
do
  local evs = {}
  sethook(function(ev)
    local info = getinfo(2, "nS")
    if info.what == "C" then evs[#evs + 1] = ev .. "/" .. tostring(info.name) end
  end, "cr")
  local s = string.rep("a", 3)
  local n = select("#", 1, 2)
  sethook()
  check("hook-03 host", s == "aaa" and n == 2, table.concat(evs, " "))
end

-- 4 count hook: every n instructions
do
  local cnt = 0
  sethook(function(ev) assert(ev == "count") cnt = cnt + 1 end, "", 1)
  for i = 1, 100 do end
  sethook()
  local c1 = cnt
  cnt = 0
  sethook(function(ev) cnt = cnt + 1 end, "", 7)
  local t = 0
  for i = 1, 50 do t = t + i end
  sethook()
  check("hook-04 count", c1 > 100 and cnt > 0, c1, cnt)
end

-- 5 gethook returns hook, mask and count; no hook: nothing but nil
do
  local function hk() end
  sethook(hk, "crl", 5)
  local h, m, c = gethook()
  sethook()
  check("hook-05 gethook", h == hk, m, c, select("#", gethook()), gethook())
  sethook(hk, "", 3)
  local h2, m2, c2 = gethook()
  sethook()
  check("hook-05 gethook-count", h2 == hk, m2, c2)
end

-- 6 hooks are off inside a hook; level 1 is the hook ("hook '?'"), level 2 the hooked function
do
  local depth, inner, name, namewhat, cur = 0, 0, nil, nil, nil
  local function probe() return 1 end
  sethook(function(ev, line)
    depth = depth + 1
    inner = inner + probe() -- no events for probe: hooks are off
    local i1 = getinfo(1, "n")
    name, namewhat = i1.name, i1.namewhat
    cur = getinfo(2, "l").currentline == line
  end, "l")
  local x = 1
  sethook()
  check("hook-06 inside", depth >= 1 and inner == depth and cur, name, namewhat)
end

-- 7 errors in hooks propagate as normal errors
do
  local ok, msg = pcall(function()
    sethook(function(ev, line) sethook() error("from hook") end, "l")
    local y = 1
    return y
  end)
  sethook()
  check("hook-07 error", not ok and msg:find("from hook") ~= nil, ok, (msg:gsub("^.-:%d+: ", "")))
end

-- 8 hooks are per coroutine
do
  local evs = {}
  local co = coroutine.create(function(a)
    local b = coroutine.yield(a + 1)
    return b * 2
  end)
  sethook(co, function(ev, line) evs[#evs + 1] = ev .. ":" .. tostring(line) end, "crl")
  local mainhook = gethook()
  local _, r1 = coroutine.resume(co, 1)
  local _, r2 = coroutine.resume(co, 5)
  local h, m = gethook(co)
  check("hook-08 coroutine", mainhook == nil and r1 == 2 and r2 == 10 and type(h) == "function", m, table.concat(evs, " "))
end

-- 9 line hook set in the middle of a function starts at the next line
do
  local lines = {}
  local function f()
    sethook(function(ev, line) lines[#lines + 1] = line end, "l"); local a = 1
    local b = 2
    local c = a + b
    sethook()
    return c
  end
  check("hook-09 midway", f() == 3, #lines)
end

-- 10 getinfo 'r' in call and return hooks: ftransfer and ntransfer
do
  local got = {}
  local function f(a, b) return a, b, a + b end
  sethook(function(ev)
    local info = getinfo(2, "rf")
    if info.func == f then
      local vals = {}
      for i = info.ftransfer, info.ftransfer + info.ntransfer - 1 do
        vals[#vals + 1] = tostring(select(2, debug.getlocal(2, i)))
      end
      got[#got + 1] = ev .. "(" .. table.concat(vals, ",") .. ")"
    end
  end, "cr")
  f(3, 4)
  sethook()
  check("hook-10 transfer", #got == 2, table.concat(got, " "))
end

-- 11 a count hook that turns itself off
do
  local n = 0
  sethook(function() n = n + 1 sethook() end, "", 2)
  local s = 0
  for i = 1, 10 do s = s + i end
  check("hook-11 self-off", n == 1 and gethook() == nil, n, s)
end

-- 12 vararg functions: the call event comes after the arguments are set up
do
  local evs = {}
  local function v(...) return select("#", ...) end
  sethook(function(ev, line)
    if getinfo(2, "f").func == v then evs[#evs + 1] = ev .. ":" .. tostring(line) end
  end, "crl")
  local n = v(1, 2, 3)
  sethook()
  check("hook-12 vararg", n == 3, table.concat(evs, " "))
end

print("# cases", ncase)
