-- baselib.lua: base library functions (ipairs, next, pairs, raw*, tonumber, tostring, type, load, ...)
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

local function sortedkeys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = tostring(k) end
  table.sort(ks)
  return table.concat(ks, ",")
end
local function loaderr(src, ...)
  local f, m = load(src, ...)
  assert(f == nil, "compiled: " .. src)
  return m
end

-- 1 ipairs stops at the first nil
do
  local r = {}
  for i, v in ipairs({1, 2, nil, 4}) do r[#r + 1] = i .. "=" .. v end
  check("base-01 ipairs-stop", #r == 2, table.concat(r, " "))
end

-- 2 ipairs respects __index
do
  local t = setmetatable({}, {__index = function(_, i) if i <= 3 then return i * i end end})
  local r = {}
  for i, v in ipairs(t) do r[#r + 1] = v end
  check("base-02 ipairs-index", #r == 3, table.concat(r, ","))
end

-- 3 ipairs requires an argument
do
  local m = checkerror("bad argument #1 to 'ipairs' (value expected)", function() return ipairs() end)
  check("base-03 ipairs-noarg", true, m)
end

-- 4 pairs visits every key once
do
  local t = {10, 20, 30, x = 1, y = 2, [true] = 3, [1.5] = 4}
  check("base-04 pairs-all", sortedkeys(t) == "1,1.5,2,3,true,x,y", sortedkeys(t))
end

-- 5 pairs returns next, the table, nil
do
  local t = {}
  local f, s, c = pairs(t)
  check("base-05 pairs-triple", f == next and s == t and c == nil, f == next, s == t, c)
end

-- 6 next on empty table and on a single-element table
do
  local k, v = next({a = 1})
  check("base-06 next", next({}) == nil and k == "a" and next({a = 1}, "a") == nil, next({}), k, v, next({a = 1}, "a"))
end

-- 7 next with an invalid key
do
  local m = checkerror("invalid key to 'next'", next, {}, "nokey")
  check("base-07 next-invalid", true, m)
end

-- 8 clearing fields during traversal is allowed
do
  local t = {a = 1, b = 2, c = 3, d = 4}
  for k in pairs(t) do t[k] = nil end
  check("base-08 clear-during-pairs", next(t) == nil, next(t))
end

-- 9 rawequal
do
  local t = {}
  check("base-09 rawequal", rawequal(t, t) and not rawequal(t, {}) and rawequal("a", "a") and not rawequal(1, "1"),
        rawequal(1, 1.0), rawequal(nil, nil), rawequal(0, -0))
end

-- 10 rawlen
do
  local t = setmetatable({1, 2}, {__len = function() return 99 end})
  local m = checkerror("table or string expected", rawlen, 5)
  check("base-10 rawlen", rawlen(t) == 2 and rawlen("abc") == 3, rawlen(t), #t, rawlen("abc"), m)
end

-- 11 rawget / rawset
do
  local t = {}
  local r = rawset(t, "k", "v")
  local m = checkerror("bad argument #1 to 'rawset' (table expected, got number)", rawset, 5, 1, 2)
  local m2 = checkerror("index is nil", rawset, {}, nil, 1)
  check("base-11 rawget-rawset", r == t and rawget(t, "k") == "v", rawget(t, "k"), rawget(t, "none"), m, m2)
end

-- 12 tonumber with decimal strings
do
  check("base-12 tonumber-basic", tonumber("10") == 10,
        tonumber("10"), tonumber("  10  "), tonumber("0x1F"), tonumber("1e2"), tonumber("-7"), tonumber(".5"), tonumber("5."))
end

-- 13 tonumber returns nil (fail) on invalid input
do
  local r = {}
  for _, s in ipairs({"abc", "", " ", "0x", "1e", "inf", "nan", "1 2", "10\0", "--1", "1..2", "0x1g"}) do
    r[#r + 1] = tostring(tonumber(s))
  end
  check("base-13 tonumber-invalid", table.concat(r, ",") == string.rep("nil", 12, ","), table.concat(r, ","))
end

-- 14 tonumber of numbers and non-strings
do
  check("base-14 tonumber-types", tonumber(5) == 5 and tonumber({}) == nil,
        tonumber(5), tonumber(5.5), tonumber({}), tonumber(nil), tonumber(true), math.type(tonumber("5.0")))
end

-- 15 tonumber with bases
do
  check("base-15 tonumber-bases", tonumber("ff", 16) == 255,
        tonumber("ff", 16), tonumber("FF", 16), tonumber("-ff", 16), tonumber("z", 36), tonumber("Z", 36),
        tonumber("1010", 2), tonumber(" 11 ", 2), tonumber("777", 8), tonumber("10", 36))
end

-- 16 tonumber with base rejects invalid digits and formats
do
  check("base-16 tonumber-base-invalid", tonumber("8", 8) == nil,
        tonumber("8", 8), tonumber("1.5", 10), tonumber("", 10), tonumber("0x10", 16), tonumber("2", 2), tonumber("1 1", 2))
end

-- 17 tonumber with base wraps around on overflow
do
  check("base-17 tonumber-base-wrap", tonumber("ffffffffffffffff", 16) == -1,
        tonumber("ffffffffffffffff", 16), tonumber("7fffffffffffffff", 16), tonumber("10000000000000000", 16))
end

-- 18 tonumber errors
do
  local m1 = checkerror("bad argument #2 to 'tonumber' (base out of range)", tonumber, "10", 99)
  local m2 = checkerror("bad argument #2 to 'tonumber' (base out of range)", tonumber, "10", 1)
  local m3 = checkerror("bad argument #1 to 'tonumber' (string expected, got number)", tonumber, 10, 16)
  local m4 = checkerror("bad argument #1 to 'tonumber' (value expected)", tonumber)
  check("base-18 tonumber-errors", true, m1, m2, m3, m4)
end

-- 19 tonumber of hex floats and large decimals
do
  check("base-19 tonumber-special", tonumber("0x1p4") == 16.0,
        tonumber("0x1p4"), tonumber("0x.8"), tonumber("9223372036854775807"), tonumber("9223372036854775808"),
        tonumber("-9223372036854775808"), math.type(tonumber("-9223372036854775808")), tonumber("1e500"))
end

-- 20 tostring of scalars
do
  check("base-20 tostring-scalars", tostring(nil) == "nil",
        tostring(nil), tostring(true), tostring(false), tostring(1), tostring(1.0), tostring(-0.0),
        tostring(1e100), tostring(0.1), tostring(2^63), tostring(math.mininteger), tostring("s"), tostring(1/0))
end

-- 21 tostring of reference types has a type prefix
do
  local r = {}
  for _, v in ipairs({{}, print, function() end, coroutine.create(function() end)}) do
    r[#r + 1] = tostring(v):match("^(%a+): ") or "?"
  end
  check("base-21 tostring-refs", table.concat(r, ",") == "table,function,function,thread", table.concat(r, ","))
end

-- 22 tostring uses __tostring and __name
do
  local a = setmetatable({}, {__tostring = function() return "A!" end})
  local b = setmetatable({}, {__name = "Bee"})
  check("base-22 tostring-mm", tostring(a) == "A!", tostring(a), tostring(b):match("^(Bee): "))
end

-- 23 type of every value
do
  local r = {}
  for _, v in ipairs({1, 1.5, "s", true, {}, print, coroutine.create(print)}) do r[#r + 1] = type(v) end
  r[#r + 1] = type(nil)
  local m = checkerror("bad argument #1 to 'type' (value expected)", type)
  check("base-23 type", #r == 8, table.concat(r, ","), m)
end

-- 24 _VERSION, _G
do
  check("base-24 version-G", _VERSION == "Lua 5.4" and _G._G == _G and _ENV == _G, _VERSION, _G._G == _G)
end

-- 25 load of a string chunk returning values and receiving varargs
do
  local f = load("local a, b = ...; return a + b, 'ok'")
  check("base-25 load-string", true, f(2, 3))
end

-- 26 load with a function reader, pieces concatenated
do
  local parts = {"return ", "1 ", "+ ", "41", nil}
  local i = 0
  local f = load(function() i = i + 1; return parts[i] end)
  local j = 0
  local g = load(function() j = j + 1; if j == 1 then return "return 'x'" end return "" end)
  check("base-26 load-function", f() == 42 and g() == "x", f(), g())
end

-- 27 load reader must return strings
do
  local f, m = load(function() return {} end)
  local found = m:find("reader function must return a string", 1, true) ~= nil
  check("base-27 load-reader-bad", f == nil and found, f, found)
end

-- 28 chunk names in syntax errors
do
  check("base-28 chunknames", true, loaderr("x=", "=mychunk"), loaderr("x=", "@my.lua"), loaderr("x=", "plain"))
end

-- 29 default chunk name uses the source, truncated, first line only
do
  check("base-29 default-chunkname", true,
        loaderr("local s = 'a very long first line of the chunk that goes on and on and on' x = = 1"),
        loaderr("x = 1\ny = = 2"))
end

-- 30 load modes
do
  local m1 = select(2, load("\27Lua", "b", "t"))
  local m2 = select(2, load("return 1", "t", "b"))
  local f = load("return 1", "t", "t")
  local g = load("return 2", "x", "bt")
  check("base-30 load-modes", f() == 1 and g() == 2, m1, m2)
end

-- 31 load with an environment table
do
  local env = {y = 5}
  local f = load("x = y * 2; return x", "env", "t", env)
  local r = f()
  check("base-31 load-env", r == 10 and env.x == 10 and rawget(_G, "x") == nil, r, env.x, rawget(_G, "x"))
end

-- 32 load with env nil-less: globals missing in env
do
  local f = load("return print", "c", "t", {})
  check("base-32 load-empty-env", f() == nil, f())
end

-- 33 syntax error messages (1)
do
  check("base-33 syntax-errors-1", true,
        loaderr("x = = 1"), loaderr("function f()\n local x = 1\n"), loaderr("x = )"), loaderr("f("))
end

-- 34 syntax error messages (2)
do
  check("base-34 syntax-errors-2", true,
        loaderr("local t = {1, 2"), loaderr("if x then"), loaderr("for i = 1 do end"), loaderr("local function end"))
end

-- 35 syntax error messages (3)
do
  check("base-35 syntax-errors-3", true,
        loaderr("return return"), loaderr("a.b:c = 1"), loaderr("x = }"), loaderr("x = 'abc\ndef'"), loaderr("(1)"))
end

-- 36 runtime errors in loaded chunks carry the chunk name
do
  local f = load("local t\nreturn t.x", "=runtime")
  local ok, m = pcall(f)
  local g = load("error('e')", "@file.lua")
  local ok2, m2 = pcall(g)
  check("base-36 runtime-chunkname", not ok and not ok2, m, m2)
end

-- 37 load of empty chunk returns a function returning nothing
do
  local f = load("")
  check("base-37 load-empty", select("#", f()) == 0, select("#", f()))
end

-- 38 collectgarbage
do
  local c = collectgarbage("count")
  local r = collectgarbage()
  local r2 = collectgarbage("collect")
  check("base-38 collectgarbage", type(c) == "number" and r == 0 and r2 == 0, type(c), r, r2)
end

-- 39 print uses tostring (__tostring, __name), separates with tabs
do
  local obj = setmetatable({}, {__tostring = function() return "OBJ" end})
  print("base-39 print", nil, false, 1.5, obj, "")
  ncase = ncase + 1
end

-- 40 select('#') and select with negative index
do
  check("base-40 select", select("#", select(2, 1, 2, 3)) == 2, select(-2, "a", "b", "c"))
end

-- 41 getmetatable with __metatable field returns that field
do
  local t = setmetatable({}, {__metatable = false})
  check("base-41 getmetatable-field", getmetatable(t) == false, getmetatable(t), getmetatable("").__name)
end

-- 42 setmetatable errors with protected metatable
do
  local t = setmetatable({}, {__metatable = "no"})
  local m = checkerror("cannot change a protected metatable", setmetatable, t, nil)
  check("base-42 protected", true, m)
end

-- 43 # on sequences, strings and tables with trailing nils set later
do
  local t = {1, 2, 3}
  t[#t + 1] = 4
  t[#t] = nil
  check("base-43 length", #t == 3 and #"" == 0 and #"abc" == 3, #t, #"", #"abc", #{n = 1}, #{1, 2, nil, 4} >= 2)
end

-- 44 assert returns all its arguments
do
  check("base-44 assert-returns", select("#", assert(1, nil, 3)) == 3, assert("a", "b"))
end

-- 45 error with level and non-string message is unchanged
do
  local ok, m = pcall(error, 12, 2)
  check("base-45 error-number-level", m == 12 and math.type(m) == "integer", m)
end

-- 46 tostring on integer-valued floats and integers from string conversions
do
  check("base-46 tostring-conv", tostring(3) == "3" and tostring(3.0) == "3.0",
        tostring(10 // 1), tostring(10 / 1), tostring(2^31), tostring(-2^63), tostring(1e15), tostring(123456.789))
end

-- 47 load chunk sees its own locals and upvalue _ENV changes
do
  local f = load("local _ENV = {z = 9}; return z")
  check("base-47 load-local-env", f() == 9, f())
end

-- 48 pairs on a table with __pairs returning extra values
do
  local t = setmetatable({}, {__pairs = function(t) return function(_, k) if not k then return 1, "one" end end, t, nil end})
  local r = {}
  for k, v in pairs(t) do r[#r + 1] = k .. v end
  check("base-48 pairs-mm", r[1] == "1one" and #r == 1, r[1])
end

-- 49 tonumber with a base accepts a leading '+'
do
  check("base-49 tonumber-base-plus", tonumber("  +1Z  ", 36) == 71, tonumber("  +1Z  ", 36), tonumber("+-1", 10))
end

print("# cases", ncase)
