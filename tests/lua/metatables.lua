-- metatables.lua: every metamethod, protection, string metatable
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

-- 1 __index table
do
  local base = {x = 1, y = 2}
  local t = setmetatable({y = 20}, {__index = base})
  check("meta-01 index-table", t.x == 1 and t.y == 20 and t.z == nil, t.x, t.y, t.z, rawget(t, "x"))
end

-- 2 __index function receives table and key
do
  local t = setmetatable({}, {__index = function(tt, k) return k .. "!" end})
  check("meta-02 index-function", t.abc == "abc!", t.abc, t[1])
end

-- 3 __index chain through several tables
do
  local a = {deep = "A"}
  local b = setmetatable({mid = "B"}, {__index = a})
  local c = setmetatable({}, {__index = b})
  check("meta-03 index-chain", c.deep == "A" and c.mid == "B", c.deep, c.mid, c.none)
end

-- 4 __newindex table redirects assignment
do
  local store = {}
  local t = setmetatable({}, {__newindex = store})
  t.a = 1
  check("meta-04 newindex-table", rawget(t, "a") == nil and store.a == 1, rawget(t, "a"), store.a)
end

-- 5 __newindex function, not called for existing keys
do
  local log = {}
  local t = setmetatable({exists = 1}, {__newindex = function(tt, k, v) log[#log + 1] = k .. "=" .. tostring(v); rawset(tt, k, v * 2) end})
  t.exists = 5
  t.fresh = 3
  t.fresh = 4
  check("meta-05 newindex-function", t.fresh == 4 and t.exists == 5, table.concat(log, ","), t.exists, t.fresh)
end

-- 6 __newindex chain: assignment goes to the table at the end of the chain
do
  local final = {}
  local mid = setmetatable({}, {__newindex = final})
  local t = setmetatable({}, {__newindex = mid})
  t.k = "v"
  check("meta-06 newindex-chain", final.k == "v" and rawget(mid, "k") == nil, final.k, rawget(mid, "k"))
end

-- 7 __call with extra arguments
do
  local obj = setmetatable({name = "o"}, {__call = function(self, a, b) return self.name, a, b end})
  check("meta-07 call", obj(1, 2) == "o", obj(1, 2))
end

-- 8 nested __call (callable whose __call is itself a callable table)
do
  local inner = setmetatable({}, {__call = function(self, x, y, z) return "inner", type(x), type(y), z end})
  local outer = setmetatable({}, {__call = inner})
  check("meta-08 nested-call", outer(5) == "inner", outer(5))
end

-- 9 arithmetic metamethods
do
  local mt = {}
  local function V(x) return setmetatable({v = x}, mt) end
  local function val(x) return type(x) == "table" and x.v or x end
  for _, ev in ipairs({"add", "sub", "mul", "div", "mod", "pow", "idiv"}) do
    mt["__" .. ev] = function(a, b) return ev .. "(" .. tostring(val(a)) .. "," .. tostring(val(b)) .. ")" end
  end
  local a = V(3)
  check("meta-09 arith-mm", (a + 1) == "add(3,1)", a + 1, 2 - a, a * a, a / 2, a % 2, a ^ 2, a // 2)
end

-- 10 bitwise metamethods
do
  local mt = {}
  for _, ev in ipairs({"band", "bor", "bxor", "shl", "shr"}) do
    mt["__" .. ev] = function(a, b) return ev end
  end
  mt.__bnot = function(a) return "bnot" end
  local a = setmetatable({}, mt)
  check("meta-10 bitwise-mm", (a & 1) == "band", a & 1, 1 | a, a ~ a, a << 1, 1 >> a, ~a)
end

-- 11 bitwise metamethod used for floats without integer representation? no: only for non-numbers
do
  local mt = {__band = function(a, b) return "mm" end}
  local t = setmetatable({}, mt)
  check("meta-11 bitwise-mm-second", (1.5 & t) == "mm", 1.5 & t, "x" & t)
end

-- 12 __unm and __len
do
  local t = setmetatable({1, 2, 3}, {__unm = function(a) return "neg" end, __len = function(a) return 42 end})
  check("meta-12 unm-len", -t == "neg" and #t == 42, -t, #t, rawlen(t))
end

-- 13 __concat with either operand, and in chains
do
  local mt = {__concat = function(a, b)
    local function s(x) return type(x) == "table" and "T" or tostring(x) end
    return s(a) .. s(b)
  end}
  local t = setmetatable({}, mt)
  check("meta-13 concat", (t .. "x") == "Tx", t .. "x", "x" .. t, 1 .. t, "a" .. "b" .. t)
end

-- 14 __eq only called for two tables
do
  local calls = 0
  local mt = {__eq = function(a, b) calls = calls + 1; return true end}
  local a, b = setmetatable({}, mt), setmetatable({}, mt)
  local r1, r2, r3, r4 = a == b, a ~= b, a == 1, a == a
  check("meta-14 eq", r1 and not r2 and not r3 and r4 and calls == 2, r1, r2, r3, r4, calls)
end

-- 15 __eq from the second operand, result converted to boolean
do
  local a = {}
  local b = setmetatable({}, {__eq = function() return "yes" end})
  check("meta-15 eq-second", (a == b) == true, a == b, b == a, rawequal(a, b))
end

-- 16 __lt and __le, and > >= swap operands
do
  local log = {}
  local mt = {}
  mt.__lt = function(a, b) log[#log + 1] = "lt" .. a.v .. b.v; return a.v < b.v end
  mt.__le = function(a, b) log[#log + 1] = "le" .. a.v .. b.v; return a.v <= b.v end
  local x, y = setmetatable({v = 1}, mt), setmetatable({v = 2}, mt)
  local r = {x < y, x > y, x <= y, x >= y}
  check("meta-16 lt-le", r[1] and not r[2] and r[3] and not r[4], table.concat(log, ","), r[1], r[2], r[3], r[4])
end

-- 17 results of __lt/__le are converted to booleans
do
  local t = setmetatable({}, {__lt = function() return "yes" end, __le = function() return nil end})
  check("meta-17 lt-le-boolean", (t < t) == true and (t <= t) == false, t < t, t <= t, t > t, t >= t)
end

-- 18 __lt with mixed types
do
  local t = setmetatable({}, {__lt = function(a, b) return type(a) == "number" end})
  check("meta-18 lt-mixed", (1 < t) == true and (t < 1) == false, 1 < t, t < 1, t > 1)
end

-- 19 __tostring and __name
do
  local t = setmetatable({}, {__tostring = function() return "custom!" end})
  local u = setmetatable({}, {__name = "MyType"})
  local s = tostring(u)
  check("meta-19 tostring-name", tostring(t) == "custom!" and s:match("^MyType: ") ~= nil, tostring(t), s:match("^(MyType): "))
end

-- 20 __tostring must return a string
do
  local t = setmetatable({}, {__tostring = function() return {} end})
  local m = checkerror("'__tostring' must return a string", tostring, t)
  check("meta-20 tostring-bad", true, m)
end

-- 21 __metatable field protects the metatable
do
  local t = setmetatable({}, {__metatable = "locked"})
  local m = checkerror("cannot change a protected metatable", setmetatable, t, {})
  check("meta-21 protected", getmetatable(t) == "locked", getmetatable(t), m)
end

-- 22 __pairs
do
  local t = setmetatable({}, {__pairs = function(tt)
    local i = 0
    return function() i = i + 1; if i <= 3 then return i, i * 10 end end, tt, nil
  end})
  local r = {}
  for k, v in pairs(t) do r[#r + 1] = k .. ":" .. v end
  check("meta-22 pairs", #r == 3, table.concat(r, " "))
end

-- 23 __close (see also locals.lua)
do
  local closed
  do local c <close> = setmetatable({}, {__close = function(o, e) closed = e == nil end}) end
  check("meta-23 close", closed == true, closed)
end

-- 24 __index on strings via the string metatable
do
  local mt = getmetatable("")
  check("meta-24 string-mt", mt.__index == string and ("abc"):upper() == "ABC", mt.__index == string, ("x"):rep(3), ("abc").len == string.len)
end

-- 25 string metatable is protected? no, but getmetatable works and indexing a number fails
do
  local m = checkerror("attempt to index a number value (local 'n')", function() local n = 5; return n.x end)
  check("meta-25 index-number", true, m)
end

-- 26 rawget/rawset bypass metamethods
do
  local t = setmetatable({}, {__index = function() return "mm" end, __newindex = function() error("no") end})
  rawset(t, "k", "raw")
  check("meta-26 raw-access", rawget(t, "k") == "raw" and t.other == "mm", rawget(t, "k"), rawget(t, "other"), t.other)
end

-- 27 metamethods are looked up raw in the metatable
do
  local mt = setmetatable({}, {__index = {__add = function() return "never" end}})
  local t = setmetatable({}, mt)
  local m = checkerror("attempt to perform arithmetic on a table value", function() return t + 1 end)
  check("meta-27 raw-lookup", true, m)
end

-- 28 __index function errors propagate with their message
do
  local t = setmetatable({}, {__index = function(_, k) error("no field " .. k, 0) end})
  local m = checkerror("no field zzz", function() return t.zzz end)
  check("meta-28 index-error", m == "no field zzz", m)
end

-- 29 metatable with __index = itself (class pattern) and inheritance
do
  local Base = {}; Base.__index = Base
  function Base.new(x) return setmetatable({x = x}, Base) end
  function Base:get() return self.x end
  function Base:kind() return "base" end
  local Derived = setmetatable({}, {__index = Base}); Derived.__index = Derived
  function Derived.new(x) return setmetatable(Base.new(x), Derived) end
  function Derived:kind() return "derived" end
  local d = Derived.new(7)
  check("meta-29 inheritance", d:get() == 7 and d:kind() == "derived", d:get(), d:kind(), Base.new(1):kind())
end

-- 30 __call used by pcall and as an iterator
do
  local c = setmetatable({}, {__call = function(self, s, i) i = i + 1; if i <= 3 then return i end end})
  local sum = 0
  for i in c, nil, 0 do sum = sum + i end
  local ok, v = pcall(c, nil, 10)
  check("meta-30 call-iterator", sum == 6 and ok and v == nil, sum, ok, v)
end

-- 31 __newindex and __index with numeric keys and nil assignment
do
  local log = {}
  local t = setmetatable({}, {__newindex = function(tt, k, v) log[#log + 1] = tostring(k) .. "=" .. tostring(v) end})
  t[1] = nil
  t[2.0] = "two"
  check("meta-31 newindex-keys", #log == 2, table.concat(log, " "))
end

-- 32 getmetatable / setmetatable basics
do
  local mt = {}
  local t = {}
  local r = setmetatable(t, mt)
  local m1 = checkerror("bad argument #2 to 'setmetatable' (nil or table expected", setmetatable, t, 5)
  local m2 = checkerror("bad argument #1 to 'setmetatable' (table expected, got number)", setmetatable, 5, {})
  setmetatable(t, nil)
  check("meta-32 get-set", r == t and getmetatable(t) == nil, getmetatable(1), getmetatable(nil), m1, m2)
end

-- 33 __len used by ipairs? no; but # respects __len, table functions use __index/__newindex
do
  local proxy = setmetatable({}, {
    __len = function() return 3 end,
    __index = function(_, i) return i * 11 end,
  })
  check("meta-33 proxy-concat", table.concat(proxy, ",") == "11,22,33", table.concat(proxy, ","), table.unpack(proxy))
end

-- 34 __index with a non-table non-function value falls to indexing it
do
  local t = setmetatable({}, {__index = "abc"})
  check("meta-34 index-string", t.len == string.len, t.len == string.len, t.upper ~= nil)
end

-- 35 __eq not called for rawequal and different types
do
  local called = false
  local t = setmetatable({}, {__eq = function() called = true; return true end})
  local r = (t == "str") or rawequal(t, {})
  check("meta-35 eq-types", not r and not called, r, called)
end

-- 36 __concat with numbers on the left produce correct operand order
do
  local t = setmetatable({}, {__concat = function(a, b)
    return (type(a) == "table" and "T" or a) .. "+" .. (type(b) == "table" and "T" or b) end})
  check("meta-36 concat-order", (1 .. t) == "1+T", 1 .. t, t .. 2, "x" .. t .. "y")
end

-- 37 __index depth: long chains work
do
  local t = {bottom = true}
  for i = 1, 50 do t = setmetatable({}, {__index = t}) end
  check("meta-37 long-chain", t.bottom == true, t.bottom)
end

-- 38 __unm and __len for userdata-like tables receive the operand twice? first arg only checked
do
  local got
  local t = setmetatable({}, {__unm = function(a, b) got = rawequal(a, b); return 0 end})
  local _ = -t
  check("meta-38 unm-args", true, got)
end

-- 39 __div and __idiv on mixed operands
do
  local mt = {__div = function(a, b) return "div" end, __idiv = function(a, b) return "idiv" end, __mod = function() return "mod" end}
  local t = setmetatable({}, mt)
  check("meta-39 div-mm", (1 / t) == "div", 1 / t, t // 1, "5" % t)
end

-- 40 metamethod for arithmetic on strings that are not numbers with a table operand
do
  local t = setmetatable({}, {__add = function(a, b) return "added" end})
  check("meta-40 string-plus-table", ("abc" + t) == "added", "abc" + t, t + "abc")
end

-- 41 string methods through the string metatable's __index: the library, a chain of tables,
-- a function, none (the loop's fast path for s:method() and its ways out)
do
  local s = "hello"
  local mt = getmetatable("")
  local lib = mt.__index
  local r1 = {s:upper(), s:byte(2), s.nonexistent == nil}
  mt.__index = setmetatable({}, {__index = setmetatable({shout = function(x) return x .. "!" end}, {__index = lib})})
  local r2 = {s:shout(), s:upper(), s.zzz == nil}
  mt.__index = function(str, k) return k .. "?" end
  local r3 = {s.abc}
  mt.__index = nil
  local ok, err = pcall(function() return s:upper() end)
  mt.__index = lib
  check("meta-41 string-index-chain", r1[1] == "HELLO" and not ok, r1[1], r1[2], r1[3], r2[1], r2[2], r2[3], r3[1], err, s:upper())
end

-- 42 a metatable's field removed and set again (the store into the emptied entry must make
-- the absence of __index, learned in between, forgotten); a removed global set again
do
  local mt = {}
  local obj = setmetatable({}, mt)
  mt.__index = {y = 1}
  local a = obj.y
  mt.__index = nil
  local b = obj.y
  local key = "__index"
  mt[key] = {y = 2}
  local c = obj.y
  mt.__index = nil
  local d = obj.y
  mt.__index = {y = 3}
  G42 = 1; G42 = nil; local e = obj.y; G42 = 5
  check("meta-42 refilled-entry", a == 1 and b == nil and c == 2 and d == nil and e == 3 and G42 == 5, a, b, c, d, e, G42)
  G42 = nil
end

print("# cases", ncase)
