-- arith.lua: integer and float arithmetic, comparisons, coercions, bitwise operators
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

local maxi, mini = math.maxinteger, math.mininteger

-- 1 integer arithmetic keeps integers
do
  local a, b = 7, 3
  check("arith-01 int-ops", math.type(a + b) == "integer", a + b, a - b, a * b, -a, math.type(a * b))
end

-- 2 division always yields float
do
  check("arith-02 float-div", 4 / 2 == 2.0 and math.type(4 / 2) == "float", 7 / 2, 4 / 2, -1 / 4, 1 / 3)
end

-- 3 floor division on integers rounds toward minus infinity
do
  check("arith-03 idiv-int", -7 // 2 == -4, 7 // 2, -7 // 2, 7 // -2, -7 // -2, 0 // 5, math.type(7 // 2))
end

-- 4 floor division on floats
do
  check("arith-04 idiv-float", -7.5 // 2 == -4.0, 7.0 // 2, -7.5 // 2, 7 // 2.0, 1 // 0.3, math.type(7 // 2.0))
end

-- 5 modulo on integers takes the sign of the divisor
do
  check("arith-05 mod-int", -7 % 3 == 2, 7 % 3, -7 % 3, 7 % -3, -7 % -3, 6 % -3, 0 % 7)
end

-- 6 modulo on floats
do
  check("arith-06 mod-float", -5.5 % 2 == 0.5, 5.5 % 2, -5.5 % 2, 5.5 % -2, -5.5 % -2, 5 % 2.0)
end

-- 7 modulo with infinite divisor
do
  check("arith-07 mod-inf", 5 % math.huge == 5.0, 5 % math.huge, -5 % math.huge, 5 % -math.huge, -5 % -math.huge)
end

-- 8 integer floor division by zero is an error (5.4 wording: 'attempt to divide by zero')
do
  local m = checkerror("attempt to divide by zero", function() local z = 0; return 1 // z end)
  check("arith-08 idiv-zero", true, m)
end

-- 9 integer modulo by zero is an error
do
  local m = checkerror("attempt to perform 'n%0'", function() local z = 0; return 1 % z end)
  check("arith-09 mod-zero", true, m)
end

-- 10 float division by zero gives inf and nan
do
  local z = 0
  local nan1, nan2 = z / z, 1.0 % 0
  check("arith-10 float-div-zero", nan1 ~= nan1 and nan2 ~= nan2,
        1 / z, -1 / z, 1 // 0.0, -1 // 0.0, 1 / 0 == math.huge, nan1 == nan1)
end

-- 11 integer overflow wraps around
do
  check("arith-11 wraparound", maxi + 1 == mini and mini - 1 == maxi,
        maxi + 1, mini - 1, maxi * 2, -mini, mini * -1, maxi * maxi)
end

-- 12 minint divided by -1
do
  check("arith-12 minint-div", mini // -1 == mini and mini % -1 == 0, mini // -1, mini % -1, mini / -1)
end

-- 13 exponentiation always yields float, right associative, binds tighter than unary minus
do
  check("arith-13 pow", 2 ^ 3 ^ 2 == 512.0 and -2 ^ 2 == -4.0, 2 ^ 10, 2 ^ 0.5 == math.sqrt(2), 2 ^ 3 ^ 2, -2 ^ 2, 2 ^ -1)
end

-- 14 negative zero
do
  local nz = -0.0
  check("arith-14 neg-zero", nz == 0.0 and 1 / nz == -math.huge, nz, 0.0, 1 / nz, nz .. "", 0 * -1, 0.0 * -1)
end

-- 15 float to string uses %.14g and always shows a float marker
do
  check("arith-15 float-tostring", tostring(1e100) == "1e+100",
        1e100, 0.1, 2^63, 1e15, 123456789012345.0, 100.0, 3.14159265358979, -1.5e-7, 2^53, 1e14, 1e16)
end

-- 16 integer/float equality is by mathematical value
do
  check("arith-16 int-float-eq", 1 == 1.0 and maxi + 0.0 == 2^63 and maxi ~= maxi + 0.0,
        1 == 1.0, -0.0 == 0, maxi + 0.0 == 2^63, maxi == maxi + 0.0, mini == mini + 0.0)
end

-- 17 int/float order comparisons are exact
do
  local big = 2^53
  check("arith-17 int-float-lt", 9007199254740993 > big and not (9007199254740993 <= big),
        9007199254740993 > big, 9007199254740993 == big + 1, maxi < 2^63, mini <= -2^63, mini < -2^63, 2^63 > maxi)
end

-- 18 comparisons with inf and nan
do
  local nan = 0 / 0
  check("arith-18 inf-nan-compare", maxi < math.huge and not (nan < 1) and not (nan >= 1),
        maxi < math.huge, mini > -math.huge, nan < nan, nan == nan, nan ~= nan, 1 < nan, 1 > nan)
end

-- 19 float keys with integral values normalise to integer keys
do
  local t = {}
  t[1.0] = "a"; t[2^53] = "b"
  check("arith-19 float-keys", t[1] == "a" and t[2^53 | 0] == "b" and next({[3.0] = 1}) == 3,
        t[1], math.type(next({[3.0] = 1})), t[9007199254740992])
end

-- 20 string coercion in arithmetic
do
  check("arith-20 string-arith", "10" + 1 == 11, "10" + 1, "0x10" + 0, "1e1" * 1, "3.0" + 1, " 5 " + 0, "10" // "3", -"2", "2" ^ 2)
end

-- 21 result type of string coercion follows the string's numeral
do
  check("arith-21 string-arith-types", math.type("10" + 1) == "integer",
        math.type("10" + 1), math.type("10.0" + 1), math.type("1e2" - 0), "9223372036854775807" + 0, "9223372036854775808" + 0)
end

-- 22 arithmetic on a non-numeric string
do
  local m = checkerror("attempt to unm a 'string' with a 'string'", function() local s = "abc"; return -s end)
  local m2 = checkerror("attempt to add a 'string' with a 'number'", function() local s = "abc"; return s + 1 end)
  check("arith-22 string-arith-error", true, m, m2)
end

-- 23 concatenation of numbers
do
  check("arith-23 number-concat", 1 .. 2 == "12" and 1.0 .. "" == "1.0",
        1 .. 2, 1.0 .. "", -0.0 .. "", 2^63 .. "", mini .. "", 1e100 .. "|", 10 // 3 .. "")
end

-- 24 bitwise operators on integers
do
  check("arith-24 bitwise", (0xF0 & 0x3C) == 0x30,
        0xF0 & 0x3C, 0xF0 | 0x0F, 0xFF ~ 0x0F, ~0, ~5, 1 << 4, 256 >> 4)
end

-- 25 shifts are logical and saturate at 64 bits
do
  check("arith-25 shifts", -1 >> 1 == maxi and 1 << 64 == 0,
        -1 >> 1, 1 << 63, 1 << 64, -1 >> 64, 1 << -1, 8 >> -2, -1 << 70, 2 >> 63)
end

-- 26 bitwise operators accept floats with exact integer values
do
  check("arith-26 bitwise-floats", (3.0 | 0) == 3 and math.type(3.0 | 0) == "integer",
        3.0 | 0, 2^62 | 0, -2.0 ~ 0, 1e3 >> 0)
end

-- 27 number has no integer representation
do
  local m1 = checkerror("number has no integer representation", function() return 1.5 | 0 end)
  local m2 = checkerror("has no integer representation", function() local x = 2^63; return x & 1 end)
  check("arith-27 no-int-rep", true, m1, m2)
end

-- 28 bitwise on non-numbers
do
  local m1 = checkerror("attempt to perform bitwise operation on a table value (local 't')", function() local t = {}; return t | 1 end)
  local m2 = checkerror("attempt to perform bitwise operation on a string value", function() local s = "3"; return s | 0 end)
  local m3 = checkerror("attempt to perform bitwise operation on a nil value (field 'x')", function() local t = {}; return ~t.x end)
  check("arith-28 bitwise-errors", true, m1, m2, m3)
end

-- 29 arithmetic on nil/table/boolean with variable names
do
  local m1 = checkerror("attempt to perform arithmetic on a nil value (field 'x')", function() local t = {}; return t.x + 1 end)
  local m2 = checkerror("attempt to perform arithmetic on a boolean value (local 'b')", function() local b = true; return b * 2 end)
  local m3 = checkerror("attempt to perform arithmetic on a nil value (global 'undefined_g')", function() return undefined_g - 1 end)
  local up = {}
  local m4 = checkerror("attempt to perform arithmetic on a table value (upvalue 'up')", function() return up / 2 end)
  check("arith-29 arith-errors", true, m1, m2, m3, m4)
end

-- 30 comparison errors
do
  local m1 = checkerror("attempt to compare number with nil", function() return 1 < nil end)
  local m2 = checkerror("attempt to compare two table values", function() return {} < {} end)
  local m3 = checkerror("attempt to compare number with string", function() return 1 <= "2" end)
  -- a > b is evaluated as b < a, so the operand order in the message is swapped
  local m4 = checkerror("attempt to compare number with string", function() return "1" > 2 end)
  check("arith-30 compare-errors", true, m1, m2, m3, m4)
end

-- 31 string comparison is bytewise
do
  check("arith-31 string-compare", "a" < "b" and "Z" < "a" and "" < "a" and "abc" < "abd" and "a\0b" > "a",
        "a" < "b", "Z" < "a", "abc" < "abd", "a\0b" > "a", "10" < "9", "b" >= "b")
end

-- 32 equality never coerces
do
  check("arith-32 eq-no-coerce", "1" ~= 1 and not ("1" == 1), "1" == 1, "1.0" == "1", 1 == 1.0, {} == {})
end

-- 33 operator precedence
do
  check("arith-33 precedence", 1 + 2 * 3 - 4 / 2 == 5.0,
        1 + 2 * 3 - 4 / 2, 2 * 3 % 4, "a" .. "b" == "ab", not nil == true, 1 .. 2 .. 3, 5 - 3 - 1, 2 ^ -2, -3 ^ 2,
        1 | 2 ~ 3 & 4, 1 << 2 + 1, #"abc" + 1, not 1 == 2)
end

-- 34 unary minus on strings and negative integers
do
  check("arith-34 unary-minus", - -3 == 3 and -"2" == -2, - -3, -"2", -"2.5", -mini, math.type(-"2"))
end

-- 35 float arithmetic precision
do
  local x = 0.1 + 0.2
  check("arith-35 float-precision", x ~= 0.3 and math.abs(x - 0.3) < 1e-15, x, x == 0.3, string.format("%.17g", x))
end

-- 36 float and integer mixed arithmetic yields float
do
  check("arith-36 mixed", math.type(1 + 1.0) == "float", 1 + 1.0, 3 * 1.5, 10 - 0.5, math.type(2 * 2.0), 2^63 + 1 == 2^63)
end

-- 37 conversion of integral floats via // and % keep float
do
  check("arith-37 float-results", math.type(6.0 // 2) == "float", 6.0 // 2, 6.0 % 4, 6 % 4.0, -0.0 // 1)
end

-- 38 large integer multiplication wrap
do
  local a = 0x100000000
  check("arith-38 mul-wrap", a * a == 0, a * a, (a + 1) * (a + 1), 3037000500 * 3037000500)
end

-- 39 length operator errors
do
  local m1 = checkerror("attempt to get length of a number value", function() local n = 5; return #n end)
  local m2 = checkerror("attempt to get length of a nil value (global 'nothing_here')", function() return #nothing_here end)
  check("arith-39 length-errors", true, m1, m2)
end

-- 40 concatenation errors
do
  local m1 = checkerror("attempt to concatenate a table value (local 't')", function() local t = {}; return "x" .. t end)
  local m2 = checkerror("attempt to concatenate a nil value (field 'y')", function() local t = {}; return t.y .. "x" end)
  local m3 = checkerror("attempt to concatenate a boolean value", function() return "a" .. true end)
  check("arith-40 concat-errors", true, m1, m2, m3)
end

-- 41 integer % and // over divisors of every sign, the extremes included (registers and constants)
do
  local vals = {0, 1, -1, 2, -2, 3, -7, 97, -97, maxi, mini, maxi - 1, mini + 1}
  local rows = {}
  for _, a in ipairs(vals) do
    for _, b in ipairs(vals) do
      if b ~= 0 then rows[#rows + 1] = (a % b) .. "," .. (a // b) end
    end
    rows[#rows + 1] = (a % -97) .. "," .. (a // -5) .. "," .. (a % 7) .. "," .. (a // 3) .. "," .. (a % -1) .. "," .. (a // -1)
  end
  check("arith-41 mod-idiv-signs", #rows == 13 * 13, table.concat(rows, " "))
end

print("# cases", ncase)
