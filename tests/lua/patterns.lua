-- patterns.lua: find, match, gmatch, gsub and the pattern language
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

-- apply a single-character class to every byte 0..255 and return a compact signature
local function classset(class)
  local n, first, last, list = 0, nil, nil, {}
  for b = 0, 255 do
    if string.find(string.char(b), "^" .. class .. "$") then
      n = n + 1
      first = first or b
      last = b
    end
  end
  return n .. "[" .. tostring(first) .. ".." .. tostring(last) .. "]"
end
local function gm(s, p)
  local r = {}
  for a, b in string.gmatch(s, p) do r[#r + 1] = b and (a .. "=" .. b) or a end
  return table.concat(r, "|")
end

-- 1 plain find
do
  check("pat-01 find-plain", string.find("hello world", "o w") == 5, string.find("hello world", "o w"), string.find("a.b", ".", 1, true), string.find("abc", "x"))
end

-- 2 find with init, negative init and init beyond length
do
  local s = "abcabc"
  check("pat-02 find-init", s:find("b", 3) == 5, s:find("b", 3), s:find("b", -2), s:find("", 10), s:find("", 7), s:find("c", -100))
end

-- 3 find returns captures after indices
do
  check("pat-03 find-captures", true, string.find("key = value", "(%w+)%s*=%s*(%w+)"))
end

-- 4 match returns whole match or captures
do
  check("pat-04 match", string.match("2024-01-15", "(%d+)-(%d+)-(%d+)") == "2024",
        string.match("2024-01-15", "(%d+)-(%d+)-(%d+)"), string.match("abc123", "%d+"), string.match("abc", "%d"))
end

-- 5 anchors
do
  check("pat-05 anchors", true, ("hello"):match("^h.."), ("hello"):match("^e"), ("hello"):match("lo$"), ("a^b$c"):match("%^b%$"), ("x^"):find("^", 1, true), ("a$b"):match("a$b"))
end

-- 6 character classes %a %d %l %s %u %w %x
do
  check("pat-06 classes-1", true, classset("%a"), classset("%d"), classset("%l"), classset("%s"), classset("%u"), classset("%w"), classset("%x"))
end

-- 7 character classes %c %g %p and '.'
do
  check("pat-07 classes-2", true, classset("%c"), classset("%g"), classset("%p"), classset("."))
end

-- 8 negated classes
do
  check("pat-08 negated", true, classset("%A"), classset("%D"), classset("%S"), classset("%W"), classset("%P"), classset("%C"))
end

-- 9 escaped magic characters
do
  check("pat-09 escapes", true, ("a.b"):match("%."), ("1+1=2"):match("%d%+%d"), ("(x)"):match("%((%a)%)"), ("50%"):match("%d+%%"), ("[]"):match("%[%]"))
end

-- 10 sets and ranges
do
  check("pat-10 sets", true, gm("a1-b2_c3", "[%a_]+"), gm("hello world", "[aeiou]"), gm("x-y", "[-]"), gm("a]b", "[]]"), classset("[a-cx-z]"))
end

-- 11 negated sets and sets with classes
do
  check("pat-11 neg-sets", true, gm("a1 b2", "[^%s]+"), gm("abc123", "[^%d]"), classset("[^%w]"), gm("a^b", "[%^b]"), gm("a^b", "[b^]"))
end

-- 12 quantifiers * + - ?
do
  check("pat-12 quantifiers", true, ("aaab"):match("a*"), ("baaa"):match("a*"), ("aaab"):match("a+"), ("<a><b>"):match("<.->"), ("<a><b>"):match("<.*>"), ("color colour"):gsub("colou?r", "C"))
end

-- 13 %b balanced match
do
  check("pat-13 balanced", true, ("f(a(b)c)d"):match("%b()"), ("x{y{z}}"):match("%b{}"), ("((("):match("%b()"), gm("[a][b]", "%b[]"))
end

-- 14 %f frontier
do
  check("pat-14 frontier", true, gm("THE (quick) fox", "%f[%a]%a+"), gm("hello world", "%f[%w]%w+%f[%W]"), ("abc"):find("%f[%A]"), ("abc"):find("%f[%a]"))
end

-- 15 position captures
do
  check("pat-15 position-captures", true, ("hello"):match("()ll()"), ("abc"):find("()"), ("aaa"):gsub("()a", "%1"))
end

-- 16 back-references
do
  check("pat-16 backrefs", true, ("say 'hi' or \"bye\""):match("([\"'])(.-)%1"), ("abcabc"):match("(abc)%1"), ("xyzzyx"):find("(.)%1"))
end

-- 17 nested captures numbered by open parenthesis
do
  check("pat-17 nested-captures", true, ("abcd"):match("((a)(b)(c(d)))"))
end

-- 18 gmatch with captures and without
do
  check("pat-18 gmatch", true, gm("k1=v1, k2=v2", "(%w+)=(%w+)"), gm("one two  three", "%a+"))
end

-- 19 in gmatch a leading '^' is not an anchor (it would prevent the iteration); it matches literally
do
  check("pat-19 gmatch-caret", true, "[" .. gm("aaa", "^a") .. "]", gm("x^a^b", "^%a"))
end

-- 20 gmatch with empty matches
do
  check("pat-20 gmatch-empty", true, gm("abc", "x*"), gm("a,b,,c", "([^,]*)"))
end

-- 21 gmatch with init argument (5.4)
do
  check("pat-21 gmatch-init", true, (function() local r = {} for w in ("one two three"):gmatch("%a+", 5) do r[#r+1] = w end return table.concat(r, "|") end)())
end

-- 22 gsub with a string replacement and %0-%9
do
  check("pat-22 gsub-string", true, ("hello world"):gsub("o", "0"), ("hello world"):gsub("(%w+)", "<%1>"), ("abc"):gsub("%w", "%0%0"), ("a b"):gsub("(%w) (%w)", "%2 %1"), ("x"):gsub("x", "%%"))
end

-- 23 gsub with a limit count
do
  check("pat-23 gsub-limit", true, ("aaaa"):gsub("a", "b", 2), ("aaaa"):gsub("a", "b", 0), ("aaaa"):gsub("a", "b", -1))
end

-- 24 gsub with a table replacement
do
  local vars = {name = "Lua", ver = 5.4, off = false}
  check("pat-24 gsub-table", true, ("$name $ver $off $none"):gsub("%$(%w+)", vars))
end

-- 25 gsub with a function replacement
do
  local n = 0
  check("pat-25 gsub-function", true, ("1 2 3"):gsub("%d", function(d) n = n + 1; return d * 10 end), n,
        ("abc"):gsub(".", function(c) if c == "b" then return nil end return c:upper() end))
end

-- 26 gsub function receives all captures / whole match
do
  check("pat-26 gsub-fn-captures", true, ("a=1,b=2"):gsub("(%w)=(%w)", function(k, v) return v .. k end),
        ("xy"):gsub("()", function(p) return "[" .. p .. "]" end))
end

-- 27 gsub with empty pattern and anchored pattern
do
  check("pat-27 gsub-empty-anchor", true, ("abc"):gsub("", "-"), ("aaa"):gsub("^a", "b"), ("hello"):gsub("$", "!"))
end

-- 28 gsub replacement value types: numbers ok, tables invalid
do
  local m = checkerror("invalid replacement value (a table)", string.gsub, "abc", "a", function() return {} end)
  check("pat-28 gsub-replacement-types", true, ("abc"):gsub("b", function() return 42 end), m)
end

-- 29 gsub replacement errors
do
  local m1 = checkerror("invalid use of '%' in replacement string", string.gsub, "abc", "a", "%x")
  local m2 = checkerror("invalid capture index", string.gsub, "abc", "(a)", "%2")
  local m3 = checkerror("bad argument #3 to 'string.gsub' (string/function/table expected, got boolean)", string.gsub, "abc", "a", true)
  check("pat-29 gsub-errors", true, m1, m3)
end

-- 30 malformed patterns
do
  local r = {}
  for _, p in ipairs({"%", "[a", "(()", "%b", "%f", "("}) do
    local ok, m = pcall(string.find, "abc", p)
    r[#r + 1] = m
  end
  check("pat-30 malformed", true, table.concat(r, "; "))
end

-- 31 invalid capture index in pattern
do
  local m = checkerror("invalid capture index", string.find, "aa", "%1")
  check("pat-31 invalid-capture", true, m)
end

-- 32 '\0' in patterns matches literally
do
  check("pat-32 zero-byte", ("a\0b"):find("\0", 1, true) == 2, ("a\0b"):find("\0"), ("a\0b"):find("%c"), ("a\0b"):match("[\0]") == "\0")
end

-- 33 find plain with special characters and empty pattern
do
  check("pat-33 find-plain-special", true, ("a+b"):find("+", 1, true), ("a(b"):find("(", 1, true), ("abc"):find(""), ("abc"):find("", 4), ("abc"):find("", 5))
end

-- 34 longest vs shortest matching
do
  check("pat-34 greedy-lazy", true, ("/*a*/b/*c*/"):match("/%*.*%*/"), ("/*a*/b/*c*/"):match("/%*.-%*/"))
end

-- 35 optional and repeated classes with sets
do
  check("pat-35 numbers", true, gm("x=-12.5 y=3 z=+.7", "[+-]?%d*%.?%d+"))
end

-- 36 match with init
do
  check("pat-36 match-init", true, ("abcabc"):match("a.", 2), ("abcabc"):match("^a", 4), ("abcabc"):match("c", -1))
end

-- 37 trimming idiom
do
  local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end
  check("pat-37 trim", trim("  hi there \t\n") == "hi there", "[" .. trim("  hi there \t\n") .. "]", ("  x  "):match("^%s*(.-)%s*$"))
end

-- 38 split idiom
do
  local parts = {}
  for field in ("a,b,,d"):gmatch("([^,]*),?") do parts[#parts + 1] = "<" .. field .. ">" end
  check("pat-38 split", true, table.concat(parts))
end

-- 39 captures limit count is large enough for 32 captures
do
  local p = string.rep("(.)", 32)
  local s = string.rep("x", 32)
  check("pat-39 many-captures", select("#", s:match(p)) == 32, select("#", s:match(p)))
end

-- 40 pattern too complex / too many captures
do
  local m = checkerror("too many captures", string.find, string.rep("x", 40), string.rep("(.)", 40))
  check("pat-40 too-many-captures", true, m)
end

-- 41 gsub on numbers (coerced to strings)
do
  check("pat-41 gsub-number", true, string.gsub(12345, "3", "x"), string.find(3.5, "%."), string.match(100, "0+"))
end

-- 42 %g class excludes space
do
  check("pat-42 g-class", true, gm("a b\tc", "%g+"))
end

-- 43 gmatch starting past the end + 1 matches nothing, not even an empty match
do
  local n = 0
  for _ in string.gmatch("ab", "%w*", 4) do n = n + 1 end
  local m = 0
  for _ in string.gmatch("ab", "%w*", 3) do m = m + 1 end
  check("pat-43 gmatch-past-end", n == 0 and m == 1, n, m)
end

-- 44 gsub returns the subject itself when nothing was replaced
do
  local s = string.rep("a", 50)
  local same1 = string.format("%p", string.gsub(s, "b", "c")) == string.format("%p", s)
  local same2 = string.format("%p", string.gsub(s, ".", {x = "y"})) == string.format("%p", s)
  local r = string.gsub(s, ".", function (x) return x end)
  local same3 = string.format("%p", r) == string.format("%p", s)
  check("pat-44 gsub-reuse", same1 and same2 and not same3 and r == s, same1, same2, same3)
end

print("# cases", ncase)
