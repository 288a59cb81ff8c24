-- Hostile inputs whose outcome Lua 5.4 defines: each must give lua5.4's result.

-- After a caught "stack overflow" the stack shrinks back: later overflows get the same
-- message and xpcall(f, debug.traceback) a traceback.
local function rec() return 1 + rec() end
for i = 1, 3 do
  local ok, msg = pcall(rec)
  print("overflow " .. i, ok, msg)
end
local ok, tb = xpcall(rec, debug.traceback)
print("traceback", ok, tb:match("^[^\n]*"), tb:find("stack traceback:", 1, true) ~= nil)

-- A coroutine whose results do not fit in the resumer's stack.
local t = {}
for i = 1, 600000 do t[i] = i end
local co = coroutine.create(function() coroutine.yield(table.unpack(t, 1, 600000)) return "done" end)
print("resume", (function(...)
  local ok, msg = coroutine.resume(co)
  return select('#', ...), ok, msg
end)(table.unpack(t, 1, 450000)))
print("after", coroutine.status(co), coroutine.resume(co))
local w = coroutine.wrap(function() return table.unpack(t, 1, 600000) end)
print("wrap", (function(...)
  local ok, msg = pcall(w)
  return select('#', ...), ok, msg
end)(table.unpack(t, 1, 450000)))
t = nil

-- __call chains: a long legitimate chain passes every object along.
local f = function(...) return select('#', ...) end
for i = 1, 5000 do f = setmetatable({}, {__call = f}) end
print("__call chain", pcall(f, 'x'))
local function tail() return f('y', 'z') end
print("__call chain tail", pcall(tail))
local bad = setmetatable({}, {__call = setmetatable({}, {__call = 42})})
print("__call to number", pcall(bad))

-- Base library arguments.
print("setmetatable(t)", pcall(setmetatable, {}))
print("setmetatable(t, nil)", select('#', setmetatable({}, nil)))
local pf, ps, pc = pairs(42)
print("pairs(42)", select('#', pairs(42)), pf == next, ps, pc)
print("for in pairs(42)", pcall(function() for k in pairs(42) do end end))

-- Coroutine functions' argument errors.
print(pcall(coroutine.resume, 1))
print(pcall(coroutine.status, 1))
print(pcall(coroutine.wrap, 1))
print(pcall(coroutine.close, 1))
print(pcall(coroutine.isyieldable, 1))
print(pcall(coroutine.create, 1))
print(pcall(function() coroutine.resume() end))
print(pcall(function() coroutine.status({}) end))
print(pcall(function() coroutine.close(coroutine.running()) end))
print(pcall(function() coroutine.wrap() end))
print(pcall(function() coroutine.isyieldable(2) end))
print(pcall(function() local c = coroutine.wrap(function() end) c() c() end))
print(pcall(coroutine.yield, 1))

-- The name of a variable at the end of a 60,000-long field chain (linear, no recursion).
a = {}
a.b = a
print("chain", pcall(load("return a" .. string.rep(".b", 60000) .. ".c.d")))
print("chain call", pcall(load("return a" .. string.rep(".b", 60000) .. "()")))
print("chain method", pcall(load("return a" .. string.rep(".b", 60000) .. ":m()")))
local src = "local x = {} x.b = x return x" .. string.rep(".b", 60000) .. " + 1"
print("chain arith", pcall(load(src)))
