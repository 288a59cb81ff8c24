-- coroutines.lua: create, resume, yield, status, wrap, isyieldable, running, close
local ncase = 0
local function check(name, cond, ...)
  if not cond then error("check failed: " .. name, 2) end
  ncase = ncase + 1
  print(name, ...)
end
local function checkerror(expected, f, ...)
  local ok, msg = pcall(f, ...)
  if ok then error("no error, expected: " .. expected, 2) end
  if type(msg) ~= "string" or not string.find(msg, expected, 1, true) then
    error("wrong error: " .. tostring(msg) .. " (expected " .. expected .. ")", 2)
  end
  return msg
end

local co_create, resume, yield, status, wrap = coroutine.create, coroutine.resume, coroutine.yield, coroutine.status, coroutine.wrap

-- 1 passing values both ways
do
  local co = co_create(function(a, b)
    local c = yield(a + b)
    local d, e = yield(c * 2)
    return d + e, "end"
  end)
  local r1 = {resume(co, 1, 2)}
  local r2 = {resume(co, 10)}
  local r3 = {resume(co, 3, 4)}
  check("coro-01 values", r1[2] == 3 and r2[2] == 20 and r3[2] == 7, r1[1], r1[2], r2[2], r3[1], r3[2], r3[3])
end

-- 2 status transitions
do
  local co
  local inner_status
  co = co_create(function() inner_status = status(co); yield() end)
  local s1 = status(co)
  resume(co)
  local s2 = status(co)
  resume(co)
  local s3 = status(co)
  check("coro-02 status", s1 == "suspended" and inner_status == "running" and s3 == "dead", s1, inner_status, s2, s3)
end

-- 3 normal status of a resumer
do
  local outer
  local seen
  outer = co_create(function()
    local inner = co_create(function() seen = status(outer) end)
    resume(inner)
  end)
  resume(outer)
  check("coro-03 normal-status", seen == "normal", seen)
end

-- 4 wrap returns a function
do
  local gen = wrap(function() for i = 1, 3 do yield(i) end return "done" end)
  check("coro-04 wrap", true, gen(), gen(), gen(), gen())
end

-- 5 isyieldable and running
do
  local main, ismain = coroutine.running()
  local inside = {}
  local co = co_create(function()
    local c, m = coroutine.running()
    inside = {coroutine.isyieldable(), m, type(c)}
  end)
  resume(co)
  check("coro-05 running", ismain == true and type(main) == "thread" and coroutine.isyieldable() == false,
        type(main), ismain, coroutine.isyieldable(), inside[1], inside[2], inside[3])
end

-- 6 yield across pcall
do
  local co = co_create(function()
    local ok, v = pcall(function()
      local x = yield("in-pcall")
      if x == "boom" then error("exploded", 0) end
      return x
    end)
    yield(tostring(ok) .. ":" .. tostring(v))
    return "finished"
  end)
  local _, a = resume(co)
  local _, b = resume(co, "boom")
  local _, c = resume(co)
  check("coro-06 yield-pcall", a == "in-pcall" and b == "false:exploded" and c == "finished", a, b, c)
end

-- 7 yield inside __index, __add, __lt, __concat, __eq, __call metamethods
do
  local mt = {
    __index = function(t, k) return yield("index:" .. k) end,
    __add = function(a, b) return yield("add") end,
    __lt = function(a, b) return yield("lt") end,
    __concat = function(a, b) return yield("concat") end,
    __eq = function(a, b) return yield("eq") end,
    __call = function(self, x) return yield("call:" .. x) end,
  }
  local t, u = setmetatable({}, mt), setmetatable({}, mt)
  local co = wrap(function()
    local r = {}
    r[1] = t.foo
    r[2] = t + 1
    r[3] = tostring(t < u)
    r[4] = t .. "x"
    r[5] = tostring(t == u)
    r[6] = t("arg")
    return table.concat(r, ",")
  end)
  local log = {co()}
  log[#log + 1] = co("v1")
  log[#log + 1] = co("v2")
  log[#log + 1] = co(true)
  log[#log + 1] = co("v4")
  log[#log + 1] = co(false)
  log[#log + 1] = co("v6")
  check("coro-07 yield-metamethods", log[7] == "v1,v2,true,v4,false,v6", table.concat(log, " "))
end

-- 8 yield inside a generic-for iterator
do
  local function iter(_, i)
    i = i + 1
    yield("iter" .. i)
    if i <= 2 then return i end
  end
  local co = wrap(function()
    local s = {}
    for i in iter, nil, 0 do s[#s + 1] = i end
    return "sum" .. #s
  end)
  check("coro-08 yield-iterator", true, co(), co(), co(), co())
end

-- 9 errors inside coroutines
do
  local co = co_create(function() local x = nil; return x.field end)
  local ok, m = resume(co)
  check("coro-09 error-inside", not ok and status(co) == "dead", ok, m, status(co))
end

-- 10 cannot resume dead coroutine
do
  local co = co_create(function() end)
  resume(co)
  local ok, m = resume(co)
  check("coro-10 resume-dead", not ok and m == "cannot resume dead coroutine", ok, m)
end

-- 11 cannot resume non-suspended coroutine
do
  local co
  co = co_create(function() return resume(co) end)
  local ok, r1, r2 = resume(co)
  check("coro-11 resume-running", ok and r1 == false, ok, r1, r2)
end

-- 12 resuming a normal coroutine also fails
do
  local outer
  local res
  outer = co_create(function()
    local inner = co_create(function() return resume(outer) end)
    res = {resume(inner)}
  end)
  resume(outer)
  check("coro-12 resume-normal", res[2] == false, res[1], res[2], res[3])
end

-- 13 wrap propagates errors
do
  local gen = wrap(function() error("inside wrap") end)
  local ok, m = pcall(gen)
  local gen2 = wrap(function() error({code = 5}) end)
  local ok2, m2 = pcall(gen2)
  check("coro-13 wrap-error", not ok and m2.code == 5, m, m2.code)
end

-- 14 calling a dead wrapped coroutine
do
  local gen = wrap(function() return 1 end)
  gen()
  local ok, m = pcall(gen)
  check("coro-14 wrap-dead", not ok and m:find("cannot resume dead coroutine", 1, true) ~= nil, m)
end

-- 15 yield from outside a coroutine
do
  local ok, m = pcall(yield, 1)
  check("coro-15 yield-outside", not ok, m)
end

-- 16 yield across a C-call boundary (table.sort comparator)
do
  local co = co_create(function()
    table.sort({3, 2, 1}, function(a, b) yield(); return a < b end)
  end)
  local ok, m = resume(co)
  check("coro-16 yield-c-boundary", not ok and m:find("attempt to yield across a C-call boundary", 1, true) ~= nil, ok, m)
end

-- 17 yield across gsub callback is also a C boundary
do
  local co = co_create(function() return (string.gsub("ab", ".", function(c) yield(c) end)) end)
  local ok, m = resume(co)
  check("coro-17 yield-gsub", not ok, m:find("attempt to yield across a C-call boundary", 1, true) ~= nil)
end

-- 18 create with non-function (name comes from the calling local)
do
  local m = checkerror("bad argument #1 to 'co_create' (function expected", function() return co_create(1) end)
  check("coro-18 create-bad", true, m)
end

-- 19 resume with non-coroutine (only the stable prefix is printed; the wording of the
--    expected type differs between 5.4 releases)
do
  local m = checkerror("bad argument #1 to 'resume' (", function() return resume({}) end)
  check("coro-19 resume-bad", true, m:match("^(.-%(%a+ expected), got table%)$") and "bad argument #1 to 'resume'")
end

-- 20 producer / consumer
do
  local producer = co_create(function()
    for _, w in ipairs({"alpha", "beta", "gamma"}) do yield(w) end
  end)
  local out = {}
  while true do
    local ok, w = resume(producer)
    if not w then break end
    out[#out + 1] = w:upper()
  end
  check("coro-20 producer-consumer", #out == 3, table.concat(out, " "), status(producer))
end

-- 21 yield from nested function calls
do
  local function deep(n) if n == 0 then return yield("bottom") end return deep(n - 1) .. n end
  local co = wrap(function() return deep(5) end)
  check("coro-21 yield-nested", co() == "bottom", co("x"))
end

-- 22 yielding many values and nils
do
  local co = co_create(function(...) local n = select("#", yield(...)); return n end)
  local r = table.pack(resume(co, 1, nil, 3, nil))
  local r2 = table.pack(resume(co, nil, nil))
  check("coro-22 many-values", r.n == 5 and r2[2] == 2, r.n, r[2], r[3], r[4], r[5], r2[2])
end

-- 23 coroutine.close on a suspended coroutine runs pending <close>
do
  local log = {}
  local co = co_create(function()
    local a <close> = setmetatable({}, {__close = function(_, e) log[#log + 1] = "a:" .. tostring(e) end})
    local b <close> = setmetatable({}, {__close = function(_, e) log[#log + 1] = "b:" .. tostring(e) end})
    yield(1)
    log[#log + 1] = "never"
  end)
  resume(co)
  local ok = coroutine.close(co)
  check("coro-23 close-pending", ok == true and status(co) == "dead", ok, status(co), table.concat(log, " "))
end

-- 24 coroutine.close on not-started and finished coroutines
do
  local c1 = co_create(function() end)
  local c2 = co_create(function() end)
  resume(c2)
  check("coro-24 close-simple", coroutine.close(c1) and coroutine.close(c2), status(c1), status(c2))
end

-- 25 wrap as a generic-for iterator
do
  local function chars(str)
    return wrap(function() for i = 1, #str do yield(i, str:sub(i, i)) end end)
  end
  local out = {}
  for i, c in chars("lua") do out[#out + 1] = i .. c end
  check("coro-25 wrap-iterator", table.concat(out) == "1l2u3a", table.concat(out))
end

-- 26 a coroutine dying by error does not close its <close> variables until coroutine.close
do
  local log = {}
  local co = co_create(function()
    local a <close> = setmetatable({}, {__close = function(_, e) log[#log + 1] = tostring(e) end})
    error("cerr", 0)
  end)
  local ok, m = resume(co)
  local before = #log
  local cok, cm = coroutine.close(co)
  check("coro-26 close-after-error", not ok and before == 0 and cok == false and cm == "cerr" and log[1] == "cerr",
        ok, m, before, cok, cm, log[1])
end

-- 27 upvalues shared between coroutine and creator
do
  local counter = 0
  local co = wrap(function() while true do counter = counter + 1; yield() end end)
  co(); co(); co()
  check("coro-27 shared-upvalues", counter == 3, counter)
end

-- 28 coroutine inside coroutine, yields go to the right resumer
do
  local log = {}
  local outer = wrap(function()
    local inner = wrap(function() yield("i1"); yield("i2") end)
    log[#log + 1] = inner()
    yield("o1")
    log[#log + 1] = inner()
    yield("o2")
  end)
  local a = outer()
  local b = outer()
  check("coro-28 nested", a == "o1" and b == "o2", a, b, table.concat(log, ","))
end

-- 29 error after yield, caught by resume; status dead; traceback not needed
do
  local co = co_create(function() yield(1); error("late", 0) end)
  local r1 = {resume(co)}
  local r2 = {resume(co)}
  check("coro-29 late-error", r2[1] == false and r2[2] == "late", r1[1], r1[2], r2[1], r2[2], status(co))
end

-- 30 yield across xpcall with a handler
do
  local co = wrap(function()
    return xpcall(function() local v = yield("y"); error(v, 0) end, function(m) return "handled " .. m end)
  end)
  local a = co()
  check("coro-30 yield-xpcall", a == "y", a, co("E"))
end

-- 31 wrap passes arguments to each resume
do
  local acc = wrap(function(first)
    local total = first
    while true do total = total + yield(total) end
  end)
  check("coro-31 wrap-args", true, acc(1), acc(2), acc(3), acc(4))
end

-- 32 coroutine.running inside wrap identifies the thread; status via that handle
do
  local th
  local f = wrap(function() th = coroutine.running(); yield() end)
  f()
  check("coro-32 running-wrap", type(th) == "thread" and status(th) == "suspended", type(th), status(th))
end

-- 33 isyieldable inside pcall inside a coroutine
do
  local r
  local co = wrap(function() r = select(2, pcall(coroutine.isyieldable)) end)
  co()
  check("coro-33 yieldable-pcall", r == true, r)
end

-- 34 resume passes values into the first call; extra resume arguments ignored when finished
do
  local co = co_create(function(...) return select("#", ...), ... end)
  check("coro-34 first-args", true, resume(co, "a", "b", "c"))
end

-- 35 wrap error messages with position from inside the coroutine
do
  local f = wrap(function() local t; return t.x end)
  local ok, m = pcall(f)
  check("coro-35 wrap-runtime-error", not ok, m)
end

-- 36 coroutine.close returns false plus error object for a coroutine dead by error
do
  local co = co_create(function() error({k = 1}) end)
  resume(co)
  local ok, e = coroutine.close(co)
  check("coro-36 close-dead-error", ok == false and type(e) == "table" and e.k == 1, ok, type(e))
end

-- 37 a function run by pcall(pcall, f) or xpcall(pcall, h, f) can yield, also from a for iterator
do
  local iter = function(_, i) return yield(i) end
  local f1 = wrap(function()
    return xpcall(pcall, function(...) return ... end, function()
      local s = 0
      for i in iter, nil, 1 do pcall(function() s = s + i end) end
      error({s})
    end)
  end)
  local got = {f1()}
  for i = 1, 5 do got[#got + 1] = f1(i) end
  local r1, r2, v = f1(nil)
  local co = wrap(function(...) return pcall(pcall, pcall, yield, ...) end)
  local y1, y2 = co(1, 2)
  check("coro-37 yield-under-nested-pcall", r1 == true and r2 == false and v[1] == 15,
        table.concat(got, " "), y1, y2, co(3, 4))
end

-- 38 a __close method can yield, at a block's end and at a return (also one returning many values)
do
  local trace = {}
  local function closer(name)
    return setmetatable({}, {__close = function()
      trace[#trace + 1] = name .. "1"; yield(name); trace[#trace + 1] = name .. "2"
    end})
  end
  local co = wrap(function(...)
    do local a <close> = closer("a") end
    local b <close> = closer("b")
    local c <close> = setmetatable({}, {__close = yield})
    return pcall(function(...) local d <close> = closer("d"); return ... end, ...)
  end)
  local got = {}
  for _ = 1, 4 do local y = co(1, 2, 3); got[#got + 1] = type(y) == "table" and "c" or y end
  local r = table.pack(co())
  check("coro-38 yield-in-close", r.n == 4 and r[4] == 3, table.concat(got, " "), table.concat(trace, " "), table.unpack(r, 1, r.n))
end

-- 39 a __close method can yield while a pcall unwinds after an error; an error in one replaces the error
do
  local trace = {}
  local co = wrap(function()
    local function f()
      local a <close> = setmetatable({}, {__close = function(_, e) trace[#trace + 1] = "a:" .. tostring(e); yield("a") end})
      local b <close> = setmetatable({}, {__close = function(_, e) trace[#trace + 1] = "b:" .. tostring(e); yield("b"); error("eb", 0) end})
      local c <close> = setmetatable({}, {__close = function(_, e) trace[#trace + 1] = "c:" .. tostring(e); yield("c") end})
      error("body", 0)
    end
    return xpcall(f, function(m) return "h:" .. m end)
  end)
  local got = {}
  for _ = 1, 3 do got[#got + 1] = co() end
  check("coro-39 yield-in-close-after-error", true, table.concat(got, " "), table.concat(trace, " "), co())
end

print("# cases", ncase)
