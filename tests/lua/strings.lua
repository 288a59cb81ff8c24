-- strings.lua: string library basics and string.format
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

-- 1 string.len and #
do
  check("str-01 len", string.len("abc") == 3, string.len(""), string.len("a\0b"), ("xyz"):len())
end

-- 2 sub with positive, negative and out-of-range indices
do
  local s = "abcdef"
  check("str-02 sub", s:sub(2, 4) == "bcd",
        s:sub(2, 4), s:sub(-3), s:sub(-3, -2), s:sub(0), s:sub(4, 2), s:sub(-100, 2), s:sub(5, 100), s:sub(7), "[" .. s:sub(3, 2) .. "]")
end

-- 3 sub with extreme integers
do
  local s = "abc"
  check("str-03 sub-extreme", s:sub(math.mininteger, math.maxinteger) == "abc",
        s:sub(math.mininteger, math.maxinteger), s:sub(math.maxinteger), s:sub(2, math.mininteger) == "")
end

-- 4 upper / lower
do
  check("str-04 case", ("MiXeD 123"):upper() == "MIXED 123", ("MiXeD 123"):upper(), ("MiXeD 123"):lower())
end

-- 5 rep with and without separator
do
  check("str-05 rep", ("ab"):rep(3) == "ababab",
        ("ab"):rep(3), ("ab"):rep(3, ","), "[" .. ("ab"):rep(0) .. "]", "[" .. ("ab"):rep(-1) .. "]", ("x"):rep(1, "sep"))
end

-- 6 reverse
do
  check("str-06 reverse", ("hello"):reverse() == "olleh", ("hello"):reverse(), ("").reverse(""), ("a\0b"):reverse() == "b\0a")
end

-- 7 byte
do
  check("str-07 byte", ("ABC"):byte() == 65,
        ("ABC"):byte(), ("ABC"):byte(2), ("ABC"):byte(-1), ("ABC"):byte(1, -1), select("#", ("ABC"):byte(10)))
end

-- 8 char
do
  check("str-08 char", string.char(72, 105) == "Hi", string.char(72, 105), string.char() == "", #string.char(0, 255))
end

-- 9 char errors
do
  local m1 = checkerror("bad argument #1 to 'string.char' (value out of range)", string.char, 256)
  local m2 = checkerror("bad argument #2 to 'string.char' (value out of range)", string.char, 65, -1)
  check("str-09 char-errors", true, m1, m2)
end

-- 10 numbers are accepted where strings are expected
do
  check("str-10 number-as-string", string.len(12345) == 5, string.len(12345), string.upper(1.5), string.rep(7, 3), string.sub(123456, 2, 3))
end

-- 11 format %d %i with flags and widths
do
  check("str-11 format-d", true, string.format("[%d] [%5d] [%-5d] [%05d] [%+d] [% d] [%i]", 42, 42, 42, 42, 42, 42, -7))
end

-- 12 format %d requires integer representation
do
  local m1 = checkerror("bad argument #2 to 'string.format' (number has no integer representation)", string.format, "%d", 1.5)
  local s = string.format("%d", 3.0)
  check("str-12 format-d-float", s == "3", s, m1)
end

-- 13 format %u? not in 5.4; %c and %o %x %X
do
  check("str-13 format-cox", true, string.format("%c%c%c|%o|%x|%X|%#x|%#o|%08X", 76, 117, 97, 8, 255, 255, 255, 8, 3054))
end

-- 14 format negative numbers in hex are two's complement
do
  check("str-14 format-x-neg", true, string.format("%x", -1), string.format("%X", math.mininteger))
end

-- 15 format %f %e %g
do
  check("str-15 format-feg", true, string.format("%f|%.2f|%10.3f|%-10.1f|%e|%.3E|%g|%g|%g", 3.14159, 3.14159, 3.14159, 3.14159, 12345.678, 12345.678, 0.0001, 1e20, 100))
end

-- 16 format floats with flags
do
  check("str-16 format-float-flags", true, string.format("%+.1f|% .1f|%08.2f|%#.0f|%.0f|%.0f", 2.5, 2.5, -3.14159, 3.0, 2.5, 3.5))
end

-- 17 format %s with width, precision, and non-string values
do
  check("str-17 format-s", true, string.format("[%s] [%10s] [%-10s] [%.2s] [%s] [%s] [%s]", "abc", "abc", "abc", "abc", 12, 1.0, true))
end

-- 18 format %s uses __tostring
do
  local t = setmetatable({}, {__tostring = function() return "TT" end})
  check("str-18 format-s-tostring", string.format("%s", t) == "TT", string.format("<%s>", t), string.format("%s", nil))
end

-- 19 format %q for strings
do
  local s = string.format("%q", 'he said "hi"\n\tend\0x\1' .. "\r\0012\127")
  local hi = string.format("%q", "\200")
  check("str-19 format-q-string", hi == '"\200"', s, #hi)
end

-- 20 format %q for numbers, integers, floats and special values
do
  check("str-20 format-q-numbers", true, string.format("%q %q %q %q", 42, math.mininteger, 1.5, 0.1),
        string.format("%q %q %q", 1/0, -1/0, 2^63))
end

-- 21 %q round-trips through load
do
  local orig = "a\0b\"c\\d\ne\r\t" .. string.char(200, 1, 2)
  local back = load("return " .. string.format("%q", orig))()
  check("str-21 format-q-roundtrip", back == orig, #back)
end

-- 22 %q of booleans and nil
do
  check("str-22 format-q-other", true, string.format("%q %q %q", true, false, nil))
end

-- 23 %q rejects tables and modifiers
do
  local m1 = checkerror("bad argument #2 to 'string.format' (value has no literal form)", string.format, "%q", {})
  local m2 = checkerror("specifier '%q' cannot have modifiers", string.format, "%10q", "x")
  check("str-23 format-q-errors", true, m1, m2)
end

-- 24 format %% and invalid conversions
do
  local m1 = checkerror("invalid conversion '%y' to 'format'", string.format, "%y", 1)
  local m2 = checkerror("bad argument #2 to 'string.format' (no value)", string.format, "%d")
  check("str-24 format-percent", string.format("100%%") == "100%", string.format("%d%%", 50), m1, m2)
end

-- 25 format argument type errors
do
  local m1 = checkerror("bad argument #2 to 'string.format' (number expected, got string)", string.format, "%d", "x")
  local m2 = checkerror("bad argument #2 to 'string.format' (number expected, got table)", string.format, "%f", {})
  check("str-25 format-type-errors", string.format("%d", "10") == "10", m1, m2, string.format("%.1f", "2.25"))
end

-- 26 format with long strings and many arguments
do
  local s = string.format("%s-%s-%s-%s-%s-%s", 1, 2, 3, 4, 5, 6)
  local long = string.format("%s", string.rep("x", 1000))
  check("str-26 format-many", s == "1-2-3-4-5-6" and #long == 1000, s, #long)
end

-- 27 format %a with simple values
do
  check("str-27 format-a", true, string.format("%a %a %A", 1.0, 0.5, 255.0))
end

-- 28 format %g precision and integers
do
  check("str-28 format-g", true, string.format("%.3g|%.10g|%g|%g|%g", math.pi, math.pi, 1e-5, 123456789, 2^53))
end

-- 29 format %5.1s and %c with zero
do
  local s = string.format("%c", 0)
  check("str-29 format-misc", #s == 1 and s:byte() == 0, string.format("[%5.1s]", "xyz"), #s)
end

-- 30 tostring/concat vs format of integers and floats
do
  check("str-30 format-int-float", true, string.format("%s %s %s", 1, 1.0, -0.0), string.format("%d", -0))
end

-- 31 string arithmetic coercion results
do
  check("str-31 string-coercion", ("10" * "2") == 20, "10" * "2", "3" ^ 2, "7" % "4", "0x10" * 1, "1e1" // 1, math.type("2" * "3"))
end

-- 32 string comparison and equality
do
  check("str-32 compare", ("abc" < "abd") and ("" < "\0") and ("a" < "aa"), "abc" < "abd", "" < "\0", "a" < "aa", "B" < "a")
end

-- 33 strings are interned values: equality by content
do
  local a = "con" .. "cat"
  check("str-33 equality", a == "concat" and rawequal(a, "concat"), a == "concat", rawequal(a, "concat"))
end

-- 34 string.rep result too large
do
  local m = checkerror("resulting string too large", string.rep, "x", math.maxinteger)
  check("str-34 rep-too-large", true, m)
end

-- 35 string.byte / sub with float indices that are integral
do
  check("str-35 float-index", ("abc"):sub(2.0) == "bc", ("abc"):sub(2.0), ("abc"):byte(3.0))
end

-- 36 string.sub with non-integral float index errors
do
  local m = checkerror("number has no integer representation", string.sub, "abc", 1.5)
  check("str-36 float-index-error", true, m)
end

-- 37 string.len on embedded zeros and long strings
do
  local s = string.rep("\0", 100)
  check("str-37 zeros", #s == 100 and s:byte(50) == 0, #s, #(s .. s))
end

-- 38 string functions reached through the string metatable
do
  local s = "x"
  check("str-38 metatable-methods", s.rep == string.rep and s:rep(2) == "xx", s:rep(2), ("%d-%d"):format(1, 2))
end

-- 39 lower/upper leave non-ASCII bytes unchanged (C locale)
do
  local s = "\200\201Az"
  check("str-39 case-nonascii", s:upper() == "\200\201AZ" and s:lower() == "\200\201az", #s:upper())
end

-- 40 format with %i and %d for min/max integers
do
  check("str-40 format-extremes", true, string.format("%d %d %x", math.maxinteger, math.mininteger, math.maxinteger))
end

-- 41 byte's default end is the original start, not the clipped one
do
  check("str-41 byte-before-start", string.byte("hi", -3) == nil, string.byte("hi", -3), string.byte("hi", -2))
end

-- 42 equal long-string constants in one chunk are one object; a string built at run time is another
do
  local function addr(s) return string.format("%p", s) end
  local k <const> = "a long string constant, longer than forty bytes, for identity"
  local function f() return "a long string constant, longer than forty bytes, for identity" end
  local function g() return k end
  local built = "a long string constant, " .. "longer than forty bytes, for identity"
  check("str-42 long-constant-identity", addr(k) == addr(f()) and addr(k) == addr(g())
        and built == k and addr(built) ~= addr(k), addr(k) == addr(f()), addr(built) ~= addr(k))
end

print("# cases", ncase)
