-- errors.lua: error values, levels, pcall/xpcall, runtime error messages with variable info
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

-- 1 error with a string adds position information
do
  local ok, m = pcall(function() error("plain") end)
  check("errors-01 error-position", not ok and m:find("^errors%.lua:%d+: plain$") ~= nil, ok, m)
end

-- 2 error level 0 adds no position
do
  local ok, m = pcall(function() error("nopos", 0) end)
  check("errors-02 level-0", m == "nopos", m)
end

-- 3 error level 2 points at the caller
do
  local function lib(x) if type(x) ~= "number" then error("expected number", 2) end return x end
  local function user()
    local v = lib("str")   -- this line is reported (not a tail call)
    return v
  end
  local ok, m = pcall(user)
  check("errors-03 level-2", not ok, m)
end

-- 4 error level 3
do
  local function a() error("deep", 3) end
  local function b() a() end
  local function c()
    b()  -- reported
  end
  local ok, m = pcall(c)
  check("errors-04 level-3", not ok, m)
end

-- 5 error with a table value keeps identity
do
  local e = {code = 42}
  local ok, m = pcall(error, e)
  check("errors-05 table-error", m == e and m.code == 42, ok, m.code)
end

-- 6 error with non-string values: numbers, booleans, nil get no position
do
  local r = {}
  for _, v in ipairs({42, true, 1.5}) do
    local ok, m = pcall(error, v)
    r[#r + 1] = type(m) .. ":" .. tostring(m)
  end
  local ok, m = pcall(error, nil)
  local ok2, m2 = pcall(error)
  r[#r + 1] = tostring(m) .. "," .. tostring(m2)
  check("errors-06 non-string", true, table.concat(r, " "))
end

-- 7 pcall returns all results on success
do
  check("errors-07 pcall-success", true, pcall(function(...) return ... end, 1, nil, 3))
end

-- 8 pcall with a non-callable value
do
  local ok, m = pcall(42)
  check("errors-08 pcall-noncallable", not ok and m:find("attempt to call a number value", 1, true) ~= nil, ok, m)
end

-- 9 pcall without arguments
do
  local m = checkerror("bad argument #1 to 'pcall' (value expected)", pcall)
  check("errors-09 pcall-noarg", true, m)
end

-- 10 xpcall handler receives the original message and its result is returned
do
  local got
  local ok, r = xpcall(function() error({tag = "t"}) end, function(e) got = e; return "handled:" .. e.tag end)
  check("errors-10 xpcall-handler", not ok and r == "handled:t" and got.tag == "t", ok, r)
end

-- 11 xpcall passes extra arguments and returns results on success
do
  check("errors-11 xpcall-args", true, xpcall(function(a, b) return a + b, "ok" end, print, 3, 4))
end

-- 12 xpcall handler sees position-prefixed string messages
do
  local ok, r = xpcall(function() local x = nil; return x.y end, function(m) return "H[" .. m .. "]" end)
  check("errors-12 xpcall-runtime", not ok, r)
end

-- 13 nested pcall and rethrow
do
  local ok, m = pcall(function()
    local ok2, m2 = pcall(error, "inner", 0)
    error("re:" .. m2, 0)
  end)
  check("errors-13 rethrow", m == "re:inner", ok, m)
end

-- 14 assert
do
  local ok1, m1 = pcall(assert, false)
  local ok2, m2 = pcall(assert, nil, "custom message")
  local ok3, m3 = pcall(assert, false, {1})
  local m4 = checkerror("bad argument #1 to 'assert' (value expected)", assert)
  check("errors-14 assert", m1 == "assertion failed!" and m2 == "custom message" and type(m3) == "table",
        m1, m2, type(m3), m4, assert(1, 2, 3))
end

-- 15 indexing nil: global, local, field, upvalue
do
  local up = nil
  local m1 = checkerror("attempt to index a nil value (global 'undefined_x')", function() return undefined_x.y end)
  local m2 = checkerror("attempt to index a nil value (local 'a')", function() local a; return a.y end)
  local m3 = checkerror("attempt to index a nil value (field 'b')", function() local t = {}; return t.b.c end)
  local m4 = checkerror("attempt to index a nil value (upvalue 'up')", function() return up.z end)
  check("errors-15 index-nil", true, m1, m2, m3, m4)
end

-- 16 assigning into nil
do
  local m1 = checkerror("attempt to index a nil value (global 'nothing')", function() nothing.x = 1 end)
  local m2 = checkerror("attempt to index a nil value (field 'sub')", function() local t = {}; t.sub.x = 1 end)
  check("errors-16 newindex-nil", true, m1, m2)
end

-- 17 indexing other types
do
  local m1 = checkerror("attempt to index a boolean value (local 'b')", function() local b = true; return b.x end)
  local m2 = checkerror("attempt to index a number value (field 'n')", function() local t = {n = 1}; return t.n.x end)
  local m3 = checkerror("attempt to index a function value", function() local f = print; return f.x end)
  check("errors-17 index-types", true, m1, m2, m3)
end

-- 18 calling nil: global, method, field, local
do
  local m1 = checkerror("attempt to call a nil value (global 'nofunc')", function() nofunc() end)
  local m2 = checkerror("attempt to call a nil value (method 'm')", function() local o = {}; o:m() end)
  local m3 = checkerror("attempt to call a nil value (field 'f')", function() local t = {}; t.f() end)
  local m4 = checkerror("attempt to call a nil value (local 'g')", function() local g; g() end)
  check("errors-18 call-nil", true, m1, m2, m3, m4)
end

-- 19 calling other non-callable values
do
  local m1 = checkerror("attempt to call a table value", function() local t = {}; t() end)
  local m2 = checkerror("attempt to call a string value", function() ("x")() end)
  local m3 = checkerror("attempt to call a number value (upvalue 'ncase')", function() ncase() end)
  check("errors-19 call-types", true, m1, m2, m3)
end

-- 20 missing string method
do
  local m = checkerror("attempt to call a nil value (method 'nomethod')", function() return ("x"):nomethod() end)
  check("errors-20 string-method-missing", true, m)
end

-- 21 comparison errors
do
  local m1 = checkerror("attempt to compare number with nil", function() local x; return 1 < x end)
  local m2 = checkerror("attempt to compare two table values", function() return {} <= {} end)
  local m3 = checkerror("attempt to compare nil with number", function() local x; return x < 1 end)
  local m4 = checkerror("attempt to compare two boolean values", function() return true < false end)
  check("errors-21 compare", true, m1, m2, m3, m4)
end

-- 22 concat/arith/length errors with variable info
do
  local m1 = checkerror("attempt to concatenate a table value (local 't')", function() local t = {}; return t .. "" end)
  local m2 = checkerror("attempt to perform arithmetic on a nil value (field 'x')", function() local t = {}; return t.x * 2 end)
  local m3 = checkerror("attempt to get length of a number value", function() return #ncase end)
  local m4 = checkerror("attempt to concatenate a nil value (global 'nope')", function() return "a" .. nope end)
  check("errors-22 op-errors", true, m1, m2, m3, m4)
end

-- 23 error positions of runtime errors use the line of the faulting expression
do
  local function f()
    local t = nil

    return t[1]
  end
  local ok, m = pcall(f)
  check("errors-23 runtime-line", not ok, m)
end

-- 24 errors inside metamethods carry the metamethod position
do
  local t = setmetatable({}, {__add = function(a, b) return a.missing.x end})
  local ok, m = pcall(function() return t + 1 end)
  check("errors-24 metamethod-error", not ok, m)
end

-- 25 error objects with __tostring are passed through unchanged
do
  local E = setmetatable({}, {__tostring = function() return "E!" end})
  local ok, m = pcall(error, E)
  check("errors-25 error-object", m == E, tostring(m))
end

-- 26 bad argument messages from library functions called directly
do
  local m1 = checkerror("bad argument #1 to 'insert' (table expected, got nil)", function() table.insert(nil, 1) end)
  local m2 = checkerror("bad argument #2 to 'rep' (number expected, got string)", function() return string.rep("x", "y") end)
  local m3 = checkerror("bad argument #1 to 'floor' (number expected, got no value)", function() return math.floor() end)
  check("errors-26 bad-argument", true, m1, m2, m3)
end

-- 27 method calls shift the argument number
do
  local m1 = checkerror("bad argument #1 to 'rep' (number expected, got table)", function() return ("x"):rep({}) end)
  local m2 = checkerror("calling 'sub' on bad self", function() local s = {sub = string.sub}; return s:sub(1) end)
  check("errors-27 method-argument", true, m1, m2)
end

-- 28 bad argument with function called through pcall gets a qualified global name
do
  local ok1, m1 = pcall(string.rep)
  local ok2, m2 = pcall(math.floor, "x")
  local ok3, m3 = pcall(tonumber)
  check("errors-28 qualified-name", not ok1 and not ok2 and not ok3, m1, m2, m3)
end

-- 29 error called with a level inside a C-called function (via pcall)
do
  local ok, m = pcall(error, "lvl1", 1)
  local ok2, m2 = pcall(error, "lvl2", 2)
  check("errors-29 level-from-pcall", true, m, m2)
end

-- 30 integer conversion errors from library functions
do
  local m1 = checkerror("bad argument #2 to 'rep' (number has no integer representation)", function() return string.rep("x", 1.5) end)
  local m2 = checkerror("bad argument #1 to 'char' (value out of range)", function() return string.char(256) end)
  check("errors-30 int-arg-errors", true, m1, m2)
end

-- 31 error values survive through multiple pcall layers and coroutines
do
  local e = {}
  local co = coroutine.create(function() error(e) end)
  local ok, m = coroutine.resume(co)
  local ok2, m2 = pcall(function() local ok3, m3 = pcall(error, e); error(m3) end)
  check("errors-31 error-identity", m == e and m2 == e, ok, ok2)
end

-- 32 errors thrown while calling error handler's result are not retried: handler returning multiple values gives one
do
  local r = table.pack(xpcall(error, function(m) return "a", "b" end, "x"))
  check("errors-32 handler-one-result", r.n == 2, r.n, r[1], r[2])
end

-- 33 tostring of error from integer for-loop within a function name context
do
  local function named() local x = {} .. "" end
  local ok, m = pcall(named)
  check("errors-33 concat-literal", not ok, m)
end

-- 34 error messages for indexing a field of a field: key names
do
  local cfg = {a = {}}
  local m1 = checkerror("attempt to index a nil value (field 'b')", function() return cfg.a.b.c end)
  local m2 = checkerror("attempt to call a nil value (field 'run')", function() cfg.a.run() end)
  check("errors-34 nested-fields", true, m1, m2)
end

-- 35 error in global function has its name in traceback-free message
do
  function global_thrower() error("from global") end
  local ok, m = pcall(global_thrower)
  global_thrower = nil
  check("errors-35 global-thrower", not ok, m)
end

-- 36 a metamethod that is not callable is named in the call error
do
  local ok1, m1 = pcall(load("local a = setmetatable({}, {__add = 34}); return a + 1", "=mm"))
  local ok2, m2 = pcall(load("local a = setmetatable({}, {__lt = {}}); return a < a", "=mm"))
  check("errors-36 metamethod-not-callable", not ok1 and not ok2, m1, m2)
end

-- 37 the file metatable's __gc and __close check their argument like any file method
do
  local m1 = checkerror("FILE* expected, got no value", getmetatable(io.stdin).__gc)
  local m2 = checkerror("FILE* expected, got table", getmetatable(io.stdin).__close, {})
  check("errors-37 file-gc-checks-argument", true, m1, m2)
end

-- 38 pcall(pcall) and xpcall's handler argument: errors of the inner call itself reach the outer one
do
  local m1 = checkerror("function expected, got number", xpcall, print, 1)
  local ok, m2 = pcall(pcall)
  local ok3, m3 = xpcall(xpcall, function(m) return "H:" .. m end, error)
  check("errors-38 nested-pcall-argument-errors", not ok and not ok3, m1, m2, m3, pcall(pcall, nil))
end

print("# cases", ncase)
