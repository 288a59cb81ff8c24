-- mathlib.lua: math library
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

-- 1 abs
do
  check("math-01 abs", math.abs(-3) == 3 and math.type(math.abs(-3)) == "integer",
        math.abs(-3), math.abs(3.5), math.abs(-0.0), math.abs(math.mininteger), math.abs(-math.huge))
end

-- 2 floor and ceil return integers when representable
do
  check("math-02 floor-ceil", math.floor(3.7) == 3 and math.ceil(3.2) == 4,
        math.floor(3.7), math.floor(-3.7), math.ceil(3.2), math.ceil(-3.2), math.floor(5), math.type(math.floor(2.0)), math.floor(1e100), math.ceil(-0.5))
end

-- 3 fmod with integers and floats
do
  check("math-03 fmod", math.fmod(7, 3) == 1, math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3), math.fmod(-7.5, 2), math.fmod(5.5, math.huge), math.type(math.fmod(7, 3)))
end

-- 4 fmod errors and special cases
do
  local m = checkerror("bad argument #2 to 'fmod' (zero)", function() return math.fmod(1, 0) end)
  local nan = math.fmod(1, 0.0)
  check("math-04 fmod-zero", nan ~= nan, m, math.fmod(math.mininteger, -1), math.fmod(3, math.mininteger))
end

-- 5 huge, pi, maxinteger, mininteger
do
  check("math-05 constants", math.huge > 1e308 and math.maxinteger + 1 == math.mininteger,
        math.huge, -math.huge, math.pi, math.maxinteger, math.mininteger, string.format("%.15f", math.pi))
end

-- 6 modf
do
  check("math-06 modf", true, math.modf(3.7), math.modf(-3.7), math.modf(5), math.modf(math.huge), math.modf(-math.huge))
end

-- 7 sqrt, exp, log
do
  check("math-07 sqrt-exp-log", math.sqrt(16) == 4.0, math.sqrt(16), math.sqrt(2), math.exp(0), math.exp(1), math.log(1), math.log(math.exp(2)))
end

-- 8 log with bases
do
  check("math-08 log-base", math.log(8, 2) == 3.0, math.log(8, 2), math.log(100, 10), math.log(1000, 10), math.log(27, 3), math.log(1024, 4), math.log(0))
end

-- 9 trigonometry
do
  check("math-09 trig", math.sin(0) == 0.0, math.sin(0), math.cos(0), math.tan(0), string.format("%.6f", math.sin(math.pi / 6)),
        math.asin(1) == math.pi / 2, math.acos(1), string.format("%.6f", math.atan(1)), math.atan(1, 1) == math.pi / 4, math.atan(0, -1) == math.pi)
end

-- 10 tointeger
do
  check("math-10 tointeger", math.tointeger(3.0) == 3,
        math.tointeger(3.0), math.tointeger(3.5), math.tointeger(2^63), math.tointeger(-2^63), math.tointeger({}), math.tointeger(7))
end

-- 11 math.type
do
  check("math-11 type", math.type(1) == "integer", math.type(1), math.type(1.0), math.type("1"), math.type(nil))
end

-- 12 math.type requires an argument
do
  local m = checkerror("bad argument #1 to 'type' (value expected)", function() return math.type() end)
  check("math-12 type-noarg", true, m)
end

-- 13 ult
do
  check("math-13 ult", math.ult(1, -1) and not math.ult(-1, 1), math.ult(1, 2), math.ult(1, -1), math.ult(-1, 1), math.ult(math.maxinteger, math.mininteger))
end

-- 14 max / min keep the type of the chosen value
do
  check("math-14 max-min", math.max(1, 2.5, 2) == 2.5,
        math.max(1, 2.5, 2), math.min(1, 2.5, 2), math.max(3), math.max(1, 1.0), math.min(-0.0, 0), math.max(math.mininteger, -math.huge))
end

-- 15 max / min errors
do
  local m1 = checkerror("bad argument #1 to 'max' (value expected)", function() return math.max() end)
  local m2 = checkerror("bad argument #1 to 'min' (value expected)", function() return math.min() end)
  check("math-15 max-min-errors", true, m1, m2)
end

-- 16 random with a fixed seed: floats
do
  math.randomseed(42)
  local r = {}
  for i = 1, 5 do r[i] = string.format("%.17g", math.random()) end
  check("math-16 random-float", true, table.concat(r, " "))
end

-- 17 random with a fixed seed: ranges
do
  math.randomseed(42)
  local r = {}
  for i = 1, 10 do r[i] = math.random(100) end
  for i = 11, 20 do r[i] = math.random(-5, 5) end
  check("math-17 random-range", true, table.concat(r, " "))
end

-- 18 random(0) returns a full 64-bit integer; large ranges
do
  math.randomseed(42)
  local a = math.random(0)
  local b = math.random(math.mininteger, math.maxinteger)
  local c = math.random(1, 1000000007)
  check("math-18 random-int", math.type(a) == "integer", a, b, c)
end

-- 19 randomseed with two integers
do
  math.randomseed(1, 2)
  local a, b = math.random(1000), math.random(1000)
  math.randomseed(1, 2)
  local c, d = math.random(1000), math.random(1000)
  check("math-19 randomseed-2", a == c and b == d, a, b)
end

-- 20 random arguments errors
do
  local m1 = checkerror("bad argument #1 to 'random' (interval is empty)", function() return math.random(0 - 1) end)
  local m2 = checkerror("to 'random' (interval is empty)", function() return math.random(5, 1) end) -- arg number varies
  local m3 = checkerror("wrong number of arguments", function() return math.random(1, 2, 3) end)
  check("math-20 random-errors", true, m1, m3)
end

-- 21 random values stay in range
do
  math.randomseed(7)
  local ok = true
  for i = 1, 1000 do
    local x = math.random(3, 9)
    if x < 3 or x > 9 or math.type(x) ~= "integer" then ok = false end
    local f = math.random()
    if f < 0 or f >= 1 then ok = false end
  end
  check("math-21 random-bounds", ok, ok)
end

-- 22 floor/ceil of strings and non-numbers
do
  local m = checkerror("bad argument #1 to 'floor' (number expected, got table)", function() return math.floor({}) end)
  check("math-22 floor-args", math.floor("3.7") == 3, math.floor("3.7"), m)
end

-- 23 abs/floor/ceil of integers stay integers, of floats beyond range stay floats
do
  check("math-23 range", true, math.type(math.floor(2^62)), math.type(math.floor(2^63)), math.floor(-2^63), math.ceil(2^63))
end

-- 24 integer/float conversions via // and math.floor agree
do
  local ok = true
  for _, x in ipairs({-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5}) do
    if math.floor(x) ~= x // 1 then ok = false end
  end
  check("math-24 floor-idiv", ok, ok)
end

-- 25 exp/log special values
do
  check("math-25 special", math.exp(-math.huge) == 0.0, math.exp(-math.huge), math.exp(math.huge), math.log(math.huge), -math.log(0))
end

-- 26 sqrt of negative is nan; compare with itself
do
  local n = math.sqrt(-1)
  check("math-26 nan", n ~= n, n ~= n, math.max(n, 1) == 1 or math.max(n, 1) ~= math.max(n, 1))
end

-- 27 math.pi precision and degree conversion idiom
do
  check("math-27 pi", math.abs(math.pi - 3.141592653589793) < 1e-15, string.format("%.10f", math.pi * 180 / math.pi), string.format("%.12f", math.pi / 180))
end

-- 28 modf: the fractional part is always a float
do
  local i, f = math.modf(-0.5)
  check("math-28 modf-types", math.type(f) == "float" and f == -0.5, i, f, math.type(math.modf(3)), select(2, math.modf(3)), math.type(select(2, math.modf(3))))
end

-- 29 tointeger on strings in 5.4.4+: only numbers convert (strings convertible)
do
  check("math-29 tointeger-float-strings", math.tointeger(1e15) == 1000000000000000, math.tointeger(1e15), math.tointeger(-0.0))
end

-- 30 integer overflow in abs is wraparound
do
  check("math-30 abs-minint", math.abs(math.mininteger) == math.mininteger, math.abs(math.mininteger), math.abs(math.maxinteger))
end

-- 31 deg and rad
do
  check("math-31 deg-rad", math.deg(math.pi) == 180.0 and math.rad(180) == math.pi, math.deg(math.pi / 2), math.rad(90), math.deg(1), math.rad(1))
end

-- 32 tointeger converts strings holding integral numbers
do
  check("math-32 tointeger-strings", math.tointeger("8") == 8, math.tointeger("8"), math.tointeger("0x10"), math.tointeger(" 3.0 "), math.tointeger("3.5"), math.tointeger("x"))
end

print("# cases", ncase)
