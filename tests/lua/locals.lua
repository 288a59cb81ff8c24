-- locals.lua: local declarations, <const>, <close>, scoping, assignment order
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

local log = {}
local function closer(name)
  return setmetatable({}, {__close = function(_, err)
    log[#log + 1] = name .. ":" .. tostring(err)
  end})
end
local function takelog()
  local s = table.concat(log, " ")
  log = {}
  return s
end

-- 1 locals shadow outer locals and globals
do
  x_global = 1
  local x_global = 2
  do local x_global = 3; assert(x_global == 3) end
  check("locals-01 shadowing", x_global == 2 and _ENV.x_global == 1, x_global, _ENV.x_global)
  x_global = nil
end

-- 2 local initialized from same-named outer local
do
  local a = 10
  do local a = a + 1; assert(a == 11) end
  check("locals-02 self-init", a == 10, a)
end

-- 3 missing values become nil, extra values dropped
do
  local a, b, c = 1, 2
  local d = 3, 4, 5
  check("locals-03 adjust", c == nil and d == 3, a, b, c, d)
end

-- 4 multiple assignment evaluates all expressions before assigning
do
  local a, b = 1, 2
  a, b = b, a
  local t = {1, 2, 3}
  local i = 1
  i, t[i] = i + 1, 20
  check("locals-04 multi-assign", a == 2 and b == 1 and t[1] == 20 and i == 2, a, b, i, t[1], t[2])
end

-- 5 <const> locals read fine
do
  local k <const> = 42
  local s <const> = "str"
  check("locals-05 const", k == 42, k, s)
end

-- 6 assigning to a <const> is a compile error
do
  local f, msg = load("local x <const> = 1; x = 2")
  check("locals-06 const-assign", f == nil and msg:find("attempt to assign to const variable 'x'", 1, true), msg)
end

-- 7 assigning to a <const> upvalue is a compile error
do
  local f, msg = load("local y <const> = 1; return function() y = 2 end")
  check("locals-07 const-upvalue-assign", f == nil, msg)
end

-- 8 unknown attribute
do
  local f, msg = load("local z <foo> = 1")
  check("locals-08 unknown-attrib", f == nil, msg)
end

-- 9 multiple <close> in one statement is an error
do
  local f, msg = load("local a <close>, b <close> = nil, nil")
  check("locals-09 multiple-close", f == nil, msg)
end

-- 10 <close> runs on normal block exit
do
  do
    local a <close> = closer("a")
    log[#log + 1] = "body"
  end
  local s = takelog()
  check("locals-10 close-block", s == "body a:nil", s)
end

-- 11 <close> variables are closed in reverse order
do
  do
    local a <close> = closer("a")
    local b <close> = closer("b")
    local c <close> = closer("c")
  end
  local s = takelog()
  check("locals-11 close-order", s == "c:nil b:nil a:nil", s)
end

-- 12 nil and false are allowed as <close> values
do
  do
    local a <close> = nil
    local b <close> = false
    local c <close> = closer("c")
  end
  local s = takelog()
  check("locals-12 close-nil-false", s == "c:nil", s)
end

-- 13 a value without __close is an error
do
  local msg = checkerror("variable 'x' got a non-closable value", function()
    local x <close> = {}
  end)
  check("locals-13 non-closable", true, msg)
end

-- 14 <close> runs on return, after return values are computed
do
  local function f()
    local a <close> = closer("a")
    log[#log + 1] = "ret"
    return "v1", "v2"
  end
  local r1, r2 = f()
  local s = takelog()
  check("locals-14 close-return", r1 == "v1" and s == "ret a:nil", r1, r2, s)
end

-- 15 <close> in a loop body is closed at the end of every iteration
do
  for i = 1, 3 do
    local c <close> = closer("i" .. i)
    log[#log + 1] = "b" .. i
  end
  local s = takelog()
  check("locals-15 close-loop", s == "b1 i1:nil b2 i2:nil b3 i3:nil", s)
end

-- 16 <close> receives the error object when unwinding by error
do
  local ok, err = pcall(function()
    local a <close> = closer("a")
    local b <close> = closer("b")
    error("boom", 0)
  end)
  local s = takelog()
  check("locals-16 close-error", not ok and err == "boom" and s == "b:boom a:boom", err, s)
end

-- 17 error inside __close replaces the original error; later closers see the new one
do
  local ok, err = pcall(function()
    local a <close> = closer("a")
    local b <close> = setmetatable({}, {__close = function(_, e)
      log[#log + 1] = "b:" .. tostring(e)
      error("in-close", 0)
    end})
    error("orig", 0)
  end)
  local s = takelog()
  check("locals-17 close-error-replaces", err == "in-close" and s == "b:orig a:in-close", err, s)
end

-- 18 error inside __close on normal exit propagates
do
  local ok, err = pcall(function()
    local a <close> = closer("a")
    local b <close> = setmetatable({}, {__close = function() error("cerr", 0) end})
    return 1
  end)
  local s = takelog()
  check("locals-18 close-error-normal", not ok and err == "cerr" and s == "a:cerr", ok, err, s)
end

-- 19 <close> variable is also const
do
  local f, msg = load("local c <close> = nil; c = 1")
  check("locals-19 close-is-const", f == nil, msg)
end

-- 20 __close metamethod gets the value itself
do
  local got
  local obj = setmetatable({tag = "me"}, {__close = function(o) got = o.tag end})
  do local c <close> = obj end
  check("locals-20 close-self", got == "me", got)
end

-- 21 <close> in nested functions and pcall boundaries
do
  local function inner()
    local x <close> = closer("inner")
    error({code = 7})
  end
  local ok, e = pcall(function()
    local y <close> = closer("outer")
    inner()
  end)
  local s = takelog():gsub("table: 0x%x+", "table"):gsub("table: %x+", "table")
  check("locals-21 close-nested", not ok and e.code == 7, e.code, s)
end

-- 22 local function can recurse; local f = function cannot see itself
do
  local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
  local g = function(n) return n end
  local h = function(n) return type(h) end -- h is a global here (nil)
  check("locals-22 local-function", fact(10) == 3628800, fact(10), h(1))
end

-- 23 assignment to globals goes through _ENV
do
  local _ENV = {print = print}
  newglobal = 5
  local v = newglobal
  print("locals-23 local-env", v, _ENV.newglobal)
end
ncase = ncase + 1

-- 24 many locals in one function
do
  local a1, a2, a3, a4, a5, a6, a7, a8, a9, a10 = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
  local b1, b2, b3, b4, b5, b6, b7, b8, b9, b10 = a1, a2, a3, a4, a5, a6, a7, a8, a9, a10
  check("locals-24 many-locals", b1 + b10 == 11, b1 + b2 + b3 + b4 + b5 + b6 + b7 + b8 + b9 + b10)
end

-- 25 table constructor evaluation order and positional/keyed mix
do
  local n = 0
  local function nx() n = n + 1; return n end
  local t = {nx(), a = nx(), nx(), [10] = nx(), nx()}
  check("locals-25 constructor-order", t[1] == 1 and t.a == 2 and t[2] == 3 and t[10] == 4 and t[3] == 5,
        t[1], t.a, t[2], t[10], t[3], #t)
end

-- 26 last expression in constructor expands multiple results
do
  local function three() return 1, 2, 3 end
  local t1 = {three()}
  local t2 = {three(), three()}
  local t3 = {(three())}
  check("locals-26 constructor-multret", #t1 == 3 and #t2 == 4 and #t3 == 1, #t1, #t2, #t3)
end

-- 27 <close> in a coroutine that finishes normally
do
  local co = coroutine.wrap(function()
    local c <close> = closer("co")
    coroutine.yield(1)
    return 2
  end)
  local a = co()
  local s1 = takelog()
  local b = co()
  local s2 = takelog()
  check("locals-27 close-in-coroutine", s1 == "" and s2 == "co:nil", a, b, s2)
end

-- 28 an error raised by a __close survives a collection run by a later __close
do
  local seen = {}
  local function f()
    local a <close> = setmetatable({}, {__close = function(_, e) seen[#seen + 1] = e end})
    local g <close> = setmetatable({}, {__close = function() collectgarbage() end})
    local b <close> = setmetatable({}, {__close = function() error("from-b") end})
    error("first", 0)
  end
  local ok, e = pcall(f)
  check("locals-28 close-error-survives-gc", not ok and string.find(e, "from-b", 1, true) and seen[1] == e,
        ok, e, seen[1])
end

-- 29 after an error the failed function is gone: each __close is called by pcall
do
  local names = {}
  local function f()
    local a <close> = setmetatable({}, {__close = function() names[#names + 1] = debug.getinfo(2, "n").name end})
    local b <close> = setmetatable({}, {__close = function()
      names[#names + 1] = debug.getinfo(2, "n").name
      error("in b", 0)
    end})
    error("first", 0)
  end
  local ok, e = pcall(f)
  check("locals-29 close-after-error-caller", not ok and e == "in b" and names[1] == "pcall" and names[2] == "pcall",
        ok, e, names[1], names[2])
end

-- 30 a __close run by a return or a block exit is named metamethod 'close'
do
  local got = {}
  local function note() local d = debug.getinfo(2, "n"); got[#got + 1] = d.namewhat .. ":" .. tostring(d.name) end
  local function g()
    local x <close> = setmetatable({}, {__close = function() note() end})
    return 1
  end
  g()
  do
    local y <close> = setmetatable({}, {__close = function() note() end})
  end
  check("locals-30 close-metamethod-name", got[1] == "metamethod:close" and got[2] == got[1], got[1], got[2])
end

-- 31 a __close removed after the variable was declared is still called, and fails
do
  local function f()
    local x <close> = setmetatable({}, {__close = print})
    getmetatable(x).__close = nil
  end
  local function g()
    local x <close> = setmetatable({}, {__close = print})
    getmetatable(x).__close = nil
    error("first")
  end
  local ok1, e1 = pcall(f)
  local ok2, e2 = pcall(g)
  check("locals-31 close-metamethod-removed", not ok1 and not ok2, e1, e2)
end

-- 32 a return hook set by a __close method sees the return of the function being closed
do
  local trace = {}
  local function hook(event)
    trace[#trace + 1] = event .. " " .. tostring(debug.getinfo(2).name)
  end
  local function foo(...)
    local x <close> = setmetatable({}, {__close = function() trace[#trace + 1] = "x" end})
    local y <close> = setmetatable({}, {__close = function() debug.sethook(hook, "r") end})
    return ...
  end
  local t = {foo(10, 20, 30)}
  debug.sethook()
  check("locals-32 return-hook-set-by-close", #t == 3, table.concat(t, " "), table.concat(trace, ", "))
end

print("# cases", ncase)
