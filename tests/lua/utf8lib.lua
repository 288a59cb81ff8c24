-- utf8lib.lua: utf8 library (valid sequences and clearly invalid bytes only)
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

local s = "h\u{E9}\u{20AC}\u{1F600}!"   -- 1 + 2 + 3 + 4 + 1 bytes, 5 characters
local function both(...) local t = table.pack(...); for i = 1, t.n do t[i] = tostring(t[i]) end; return table.concat(t, "/") end
local function bytes(str) return table.concat({string.byte(str, 1, -1)}, " ") end

-- 1 utf8.char
do
  check("utf8-01 char", utf8.char(72, 233, 8364) == "H\u{E9}\u{20AC}", bytes(utf8.char(72, 233, 8364, 128512)), utf8.char() == "")
end

-- 2 utf8.char boundaries
do
  check("utf8-02 char-boundaries", true, bytes(utf8.char(0)), bytes(utf8.char(0x7F)), bytes(utf8.char(0x80)), bytes(utf8.char(0x7FF)), bytes(utf8.char(0x800)), bytes(utf8.char(0xFFFF)), bytes(utf8.char(0x10000)), bytes(utf8.char(0x10FFFF)))
end

-- 3 utf8.char errors
do
  local m = checkerror("value out of range", utf8.char, -1)
  check("utf8-03 char-error", true, m)
end

-- 4 charpattern
do
  check("utf8-04 charpattern", utf8.charpattern == "[\0-\x7F\xC2-\xFD][\x80-\xBF]*", #utf8.charpattern)
end

-- 5 iterate characters with charpattern
do
  local r = {}
  for c in s:gmatch(utf8.charpattern) do r[#r + 1] = #c end
  check("utf8-05 gmatch-charpattern", #r == 5, table.concat(r, ","))
end

-- 6 utf8.len
do
  check("utf8-06 len", utf8.len(s) == 5, utf8.len(s), utf8.len(""), utf8.len("abc"), utf8.len(s, 2), utf8.len(s, -5), utf8.len(s, 1, 1))
end

-- 7 utf8.len with invalid bytes returns nil and the position
do
  check("utf8-07 len-invalid", utf8.len("ab\xffcd") == nil, both(utf8.len("ab\xffcd")), both(utf8.len("\x80")), both(utf8.len("a\xE2\x82")), both(utf8.len("\xC3")), both(utf8.len("ok\xC3\xA9\xC3")))
end

-- 8 utf8.len starting in the middle of a character
do
  check("utf8-08 len-middle", true, both(utf8.len(s, 3)))
end

-- 9 utf8.len position errors
do
  local m = checkerror("initial position out of bounds", utf8.len, "abc", 5)
  local m2 = checkerror("final position out of bounds", utf8.len, "abc", 1, 4)
  check("utf8-09 len-errors", true, m, m2)
end

-- 10 utf8.codepoint
do
  check("utf8-10 codepoint", utf8.codepoint(s) == 104, utf8.codepoint(s), utf8.codepoint(s, 2), utf8.codepoint(s, 1, -1))
end

-- 11 utf8.codepoint errors
do
  local m1 = checkerror("invalid UTF-8 code", utf8.codepoint, "\xff")
  local m2 = checkerror("out of bounds", utf8.codepoint, "abc", 4)
  check("utf8-11 codepoint-errors", select("#", utf8.codepoint("abc", 4, 3)) == 0, m1, m2)
end

-- 12 utf8.codes iteration
do
  local r = {}
  for p, c in utf8.codes(s) do r[#r + 1] = p .. ":" .. c end
  check("utf8-12 codes", #r == 5, table.concat(r, " "))
end

-- 13 utf8.codes on invalid input errors
do
  local ok, m = pcall(function() for p, c in utf8.codes("a\xffb") do end end)
  check("utf8-13 codes-invalid", not ok and m:find("invalid UTF-8 code", 1, true) ~= nil, ok)
end

-- 14 utf8.offset forward
do
  check("utf8-14 offset", utf8.offset(s, 3) == 4, utf8.offset(s, 1), utf8.offset(s, 2), utf8.offset(s, 3), utf8.offset(s, 4), utf8.offset(s, 5), utf8.offset(s, 6), utf8.offset(s, 7))
end

-- 15 utf8.offset backward and with i
do
  check("utf8-15 offset-negative", utf8.offset(s, -1) == 11, utf8.offset(s, -1), utf8.offset(s, -2), utf8.offset(s, -5), utf8.offset(s, -6), utf8.offset(s, 1, 4), utf8.offset(s, 2, 4))
end

-- 16 utf8.offset with n = 0 finds the start of the character containing i
do
  check("utf8-16 offset-zero", utf8.offset(s, 0, 5) == 4, utf8.offset(s, 0, 5), utf8.offset(s, 0, 6), utf8.offset(s, 0, 1), utf8.offset(s, 0, 12))
end

-- 17 utf8.offset continuation byte error
do
  local m = checkerror("initial position is a continuation byte", utf8.offset, s, 1, 3)
  check("utf8-17 offset-error", true, m)
end

-- 18 round trip char/codepoint
do
  local cps = {65, 0xE9, 0x3B1, 0x4E2D, 0x1F600}
  local str = utf8.char(table.unpack(cps))
  local back = {utf8.codepoint(str, 1, -1)}
  check("utf8-18 roundtrip", #back == 5 and back[5] == 0x1F600, table.concat(back, ","), utf8.len(str), #str)
end

-- 19 reverse a utf-8 string by characters
do
  local chars = {}
  for _, c in utf8.codes("añb€") do table.insert(chars, 1, utf8.char(c)) end
  local rev = table.concat(chars)
  check("utf8-19 reverse", rev == "€bña", bytes(rev))
end

-- 20 utf8 with lax flag on valid input behaves the same
do
  check("utf8-20 lax-valid", utf8.len(s, 1, -1, true) == 5, utf8.len(s, 1, -1, true), utf8.codepoint(s, 2, 2, true))
end

print("# cases", ncase)
