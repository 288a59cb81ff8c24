-- lexer.lua: tokens, escapes, long strings, comments, numerals
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
-- compile a chunk and return its syntax error message
local function synerr(src, expected)
  local f, msg = load(src)
  assert(f == nil, "chunk compiled: " .. src)
  assert(string.find(msg, expected, 1, true), msg)
  return msg
end

-- 1 simple escapes
do
  local s = "\a\b\f\n\r\t\v\\\"\'"
  check("lexer-01 simple-escapes", s == string.char(7, 8, 12, 10, 13, 9, 11, 92, 34, 39),
        #s, string.byte(s, 1, -1))
end

-- 2 single quotes and embedded quotes
do
  local a, b = 'it\'s "x"', "it's \"x\""
  check("lexer-02 quotes", a == b, a)
end

-- 3 decimal escapes (up to three digits)
do
  local s = "\65\066\0677\0\255"
  check("lexer-03 decimal-escapes", #s == 6 and s:sub(1, 4) == "ABC7", #s, string.byte(s, 1, -1))
end

-- 4 hex escapes
do
  local s = "\x41\x62\xfF\x00"
  check("lexer-04 hex-escapes", s == "Ab\255\0", string.byte(s, 1, -1))
end

-- 5 \z skips following whitespace including newlines
do
  local s = "abc\z
             def\z   ghi"
  check("lexer-05 z-escape", s == "abcdefghi", s)
end

-- 6 \u{XXX} utf-8 escapes
do
  local s = "\u{48}\u{E9}\u{20AC}\u{1F600}"
  check("lexer-06 unicode-escapes", #s == 1 + 2 + 3 + 4, #s, string.byte(s, 1, -1))
end

-- 7 \u escape up to 2^31 (6-byte sequence)
do
  local s = "\u{7FFFFFFF}"
  check("lexer-07 unicode-max", #s == 6, string.byte(s, 1, -1))
end

-- 8 backslash-newline inside a string is a newline
do
  local s = "a\
b"
  check("lexer-08 escaped-newline", s == "a\nb", #s)
end

-- 9 long strings, first newline skipped
do
  local s = [[
line1
line2]]
  check("lexer-09 long-string", s == "line1\nline2", #s)
end

-- 10 long strings with levels
do
  local s = [==[a]]b]=]c]==]
  local t = [=[
]]]=]
  check("lexer-10 long-levels", s == "a]]b]=]c" and t == "]]", s, t)
end

-- 11 no escapes inside long strings
do
  local s = [[\n\t\\]]
  check("lexer-11 long-raw", #s == 6, s)
end

-- 12 CR LF sequences in long strings become a single newline
do
  local f = load("return [[\r\nx\r\ny\n\rz]]")
  local s = f()
  check("lexer-12 long-crlf", s == "x\ny\nz", #s)
end

-- 13 comments: line, block, block with levels
do
  local x = 1 -- comment
  --[[ block
  x = 2 ]]
  --[==[ x = 3 ]] still comment
  ]==] x = x + 10
  ---[[ this is a line comment
  x = x + 100
  --]]
  check("lexer-13 comments", x == 111, x)
end

-- 14 comment on last line without newline
do
  local f = load("return 7 -- trailing")
  check("lexer-14 trailing-comment", f() == 7, f())
end

-- 15 integer and float numerals
do
  local a, b, c, d, e = 3, 3.0, 3., .5, 3e2
  check("lexer-15 numerals", math.type(a) == "integer" and math.type(e) == "float",
        a, b, c, d, e, math.type(c))
end

-- 16 exponents
do
  check("lexer-16 exponents", 1e-2 == 0.01, 1E2, 1e+2, 2.5e-1, 0.0e10)
end

-- 17 hexadecimal integers
do
  check("lexer-17 hex-int", 0xff == 255 and 0XA == 10, 0xff, 0XA, 0x0, 0xDeadBeef)
end

-- 18 hexadecimal floats
do
  check("lexer-18 hex-float", 0x.8p1 == 1.0, 0x.8p1, 0xA.8p0, 0x1p-2, 0x1P4, 0x.1, 0xA.)
end

-- 19 hex integers wrap around modulo 2^64
do
  check("lexer-19 hex-wrap", 0xffffffffffffffff == -1,
        0xffffffffffffffff, 0x7fffffffffffffff, 0x8000000000000000, 0x10000000000000001)
end

-- 20 decimal integer overflow becomes float
do
  local a = 9223372036854775807
  local b = 9223372036854775808
  check("lexer-20 dec-overflow", math.type(a) == "integer" and math.type(b) == "float",
        a, b, -9223372036854775808, math.type(-9223372036854775808))
end

-- 21 math.mininteger literal trick
do
  local m = -9223372036854775807 - 1
  check("lexer-21 minint", m == math.mininteger, m)
end

-- 22 huge float literal is inf
do
  local x = 1e400
  check("lexer-22 huge-literal", x == math.huge, x, -x)
end

-- 23 identifiers and keywords-like names
do
  local _a1, A_, _ = 1, 2, 3
  local goto_ = 4
  check("lexer-23 identifiers", _a1 + A_ + _ + goto_ == 10, _a1, A_, _, goto_)
end

-- 24 operators without spaces
do
  local a = 2^3*2-1//1%5 ..""
  local b = 7//2, 7>>1<<2
  check("lexer-24 operators", a == "15.0", a, 1<<2|1~3&2, ~0, 3~=4, 3==3)
end

-- 25 concatenation needs a space after numbers
do
  local s = 1 .. 2
  check("lexer-25 number-concat", s == "12", s)
end

-- 26 syntax error: unfinished string
do
  local m = synerr("x = 'abc", "unfinished string")
  check("lexer-26 unfinished-string", true, m)
end

-- 27 syntax error: unfinished long string
do
  local m = synerr("x = [[abc", "unfinished long string")
  check("lexer-27 unfinished-long-string", true, m)
end

-- 28 syntax error: invalid escape
do
  local m = synerr([[x = "\q"]], "invalid escape sequence")
  check("lexer-28 invalid-escape", true, m)
end

-- 29 syntax error: decimal escape too large
do
  local m = synerr([[x = "\256"]], "decimal escape too large")
  check("lexer-29 decimal-escape-large", true, m)
end

-- 30 syntax error: hexadecimal digit expected
do
  local m = synerr([[x = "\xZZ"]], "hexadecimal digit expected")
  check("lexer-30 hex-escape-bad", true, m)
end

-- 31 syntax error: malformed number
do
  local m = synerr("x = 3x", "malformed number near '3x'")
  check("lexer-31 malformed-number", true, m)
end

-- 32 syntax error: unfinished long comment
do
  local m = synerr("--[[ abc", "unfinished long comment")
  check("lexer-32 unfinished-comment", true, m)
end

-- 33 syntax error: unexpected symbol and line numbers
do
  local m = synerr("local x = 1\n\nx = = 2", "[string \"local x = 1...\"]:3:")
  check("lexer-33 line-number", true, m)
end

-- 34 the # shebang first line is skipped by load? (only by luaL_loadfile) -- load treats it as error
do
  local m = synerr("#!/bin/lua\nreturn 1", "unexpected symbol near '#'")
  check("lexer-34 shebang-in-load", true, m)
end

-- 35 string with embedded zero compared and measured
do
  local s = "a\0b"
  check("lexer-35 embedded-zero", #s == 3 and s ~= "a" and s < "a\0c", #s)
end

-- 36 semicolons as empty statements
do
  local x = 1;;; x = x + 1;
  check("lexer-36 semicolons", x == 2, x)
end

print("# cases", ncase)
