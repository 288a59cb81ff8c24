-- A fixture for the PUC Lua 5.4 chunk tests (PucChunkTests): compiled by luac5.4 into
-- puc.luac and puc.stripped.luac (see README.md); puc.expected is what lua5.4 prints for it.
local results = {}
local function out(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) end
  results[#results + 1] = table.concat(t, " ", 1, t.n)
end

-- closures and upvalues
local function counter(start)
  local n = start
  return function(step) n = n + (step or 1) return n end
end
local c = counter(10)
c() c(5)
out("counter", c(0))

-- varargs, select, table.pack
local function va(...)
  local t = table.pack(...)
  return select("#", ...), t.n, ...
end
out("varargs", va(1, nil, 3))

-- numbers: integers, floats, wraparound, floor division, constants of every kind
local big = 9223372036854775807
out("numbers", big + 1 == math.mininteger, 7 // 2, 7.0 // 2, -7 % 3, 1e300 * 1e10, 2^53, 0x10, 1/2)
out("strings", "short", "a long string constant, longer than forty bytes, for the long tag", #"\0\1\2")
out("booleans", true, false, nil == false)

-- goto, numeric and generic for, while, repeat
local s = 0
for i = 1, 10 do
  if i % 2 == 0 then goto continue end
  s = s + i
  ::continue::
end
local keys = {}
for k, v in pairs({a = 1, b = 2, c = 3}) do keys[#keys + 1] = k .. v end
table.sort(keys)
local w, r = 0, 0
while w < 5 do w = w + 1 end
repeat r = r + 2 until r >= 7
out("loops", s, table.concat(keys, ","), w, r)

-- metatables
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x}, V) end
V.__tostring = function(v) return "V(" .. v.x .. ")" end
V.__len = function() return 42 end
local v = setmetatable({x = 1}, V) + setmetatable({x = 2}, V)
out("meta", tostring(v), #v)

-- to-be-closed variables
local log = {}
do
  local a <close> = setmetatable({}, {__close = function() log[#log + 1] = "a" end})
  local b <close> = setmetatable({}, {__close = function() log[#log + 1] = "b" end})
  local k <const> = 5
  log[#log + 1] = k
end
out("close", table.concat(log, ","))

-- coroutines
local co = coroutine.wrap(function(a)
  local b = coroutine.yield(a + 1)
  local d = coroutine.yield(b * 2)
  return d .. "!"
end)
out("coroutine", co(1), co(10), co("end"))

-- errors carry the line of the failing instruction
local ok, e = pcall(function() local t = nil; return t.x end)
out("error", ok, e)
ok, e = pcall(error, "plain")
out("error2", ok, e)
ok, e = pcall(function() error("with position") end)
out("error3", ok, e)

local function long()
  local x = 0
  x = x + 0 x = x * 1
  x = x + 1 x = x * 1
  x = x + 2 x = x * 1
  x = x + 3 x = x * 1
  x = x + 4 x = x * 1
  x = x + 5 x = x * 1
  x = x + 6 x = x * 1
  x = x + 7 x = x * 1
  x = x + 8 x = x * 1
  x = x + 9 x = x * 1
  x = x + 10 x = x * 1
  x = x + 11 x = x * 1
  x = x + 12 x = x * 1
  x = x + 13 x = x * 1
  x = x + 14 x = x * 1
  x = x + 15 x = x * 1
  x = x + 16 x = x * 1
  x = x + 17 x = x * 1
  x = x + 18 x = x * 1
  x = x + 19 x = x * 1
  x = x + 20 x = x * 1
  x = x + 21 x = x * 1
  x = x + 22 x = x * 1
  x = x + 23 x = x * 1
  x = x + 24 x = x * 1
  x = x + 25 x = x * 1
  x = x + 26 x = x * 1
  x = x + 27 x = x * 1
  x = x + 28 x = x * 1
  x = x + 29 x = x * 1
  x = x + 30 x = x * 1
  x = x + 31 x = x * 1
  x = x + 32 x = x * 1
  x = x + 33 x = x * 1
  x = x + 34 x = x * 1
  x = x + 35 x = x * 1
  x = x + 36 x = x * 1
  x = x + 37 x = x * 1
  x = x + 38 x = x * 1
  x = x + 39 x = x * 1
  x = x + 40 x = x * 1
  x = x + 41 x = x * 1
  x = x + 42 x = x * 1
  x = x + 43 x = x * 1
  x = x + 44 x = x * 1
  x = x + 45 x = x * 1
  x = x + 46 x = x * 1
  x = x + 47 x = x * 1
  x = x + 48 x = x * 1
  x = x + 49 x = x * 1
  x = x + 50 x = x * 1
  x = x + 51 x = x * 1
  x = x + 52 x = x * 1
  x = x + 53 x = x * 1
  x = x + 54 x = x * 1
  x = x + 55 x = x * 1
  x = x + 56 x = x * 1
  x = x + 57 x = x * 1
  x = x + 58 x = x * 1
  x = x + 59 x = x * 1
  x = x + 60 x = x * 1
  x = x + 61 x = x * 1
  x = x + 62 x = x * 1
  x = x + 63 x = x * 1
  x = x + 64 x = x * 1
  x = x + 65 x = x * 1
  x = x + 66 x = x * 1
  x = x + 67 x = x * 1
  x = x + 68 x = x * 1
  x = x + 69 x = x * 1
  -- gap 0
  -- gap 1
  -- gap 2
  -- gap 3
  -- gap 4
  -- gap 5
  -- gap 6
  -- gap 7
  -- gap 8
  -- gap 9
  -- gap 10
  -- gap 11
  -- gap 12
  -- gap 13
  -- gap 14
  -- gap 15
  -- gap 16
  -- gap 17
  -- gap 18
  -- gap 19
  -- gap 20
  -- gap 21
  -- gap 22
  -- gap 23
  -- gap 24
  -- gap 25
  -- gap 26
  -- gap 27
  -- gap 28
  -- gap 29
  -- gap 30
  -- gap 31
  -- gap 32
  -- gap 33
  -- gap 34
  -- gap 35
  -- gap 36
  -- gap 37
  -- gap 38
  -- gap 39
  -- gap 40
  -- gap 41
  -- gap 42
  -- gap 43
  -- gap 44
  -- gap 45
  -- gap 46
  -- gap 47
  -- gap 48
  -- gap 49
  -- gap 50
  -- gap 51
  -- gap 52
  -- gap 53
  -- gap 54
  -- gap 55
  -- gap 56
  -- gap 57
  -- gap 58
  -- gap 59
  -- gap 60
  -- gap 61
  -- gap 62
  -- gap 63
  -- gap 64
  -- gap 65
  -- gap 66
  -- gap 67
  -- gap 68
  -- gap 69
  -- gap 70
  -- gap 71
  -- gap 72
  -- gap 73
  -- gap 74
  -- gap 75
  -- gap 76
  -- gap 77
  -- gap 78
  -- gap 79
  -- gap 80
  -- gap 81
  -- gap 82
  -- gap 83
  -- gap 84
  -- gap 85
  -- gap 86
  -- gap 87
  -- gap 88
  -- gap 89
  -- gap 90
  -- gap 91
  -- gap 92
  -- gap 93
  -- gap 94
  -- gap 95
  -- gap 96
  -- gap 97
  -- gap 98
  -- gap 99
  -- gap 100
  -- gap 101
  -- gap 102
  -- gap 103
  -- gap 104
  -- gap 105
  -- gap 106
  -- gap 107
  -- gap 108
  -- gap 109
  -- gap 110
  -- gap 111
  -- gap 112
  -- gap 113
  -- gap 114
  -- gap 115
  -- gap 116
  -- gap 117
  -- gap 118
  -- gap 119
  -- gap 120
  -- gap 121
  -- gap 122
  -- gap 123
  -- gap 124
  -- gap 125
  -- gap 126
  -- gap 127
  -- gap 128
  -- gap 129
  -- gap 130
  -- gap 131
  -- gap 132
  -- gap 133
  -- gap 134
  -- gap 135
  -- gap 136
  -- gap 137
  -- gap 138
  -- gap 139
  local ok, e = pcall(function() return x .. {} end)
  return x, e
end
out("long", long())

-- nesting
local function deep(n)
  return function() return function() return n * 3 end end
end
out("deep", deep(7)()())
out("format", string.format("%5.2f|%d|%s|%q", 3.14159, 42, "x", "a\nb"))

for _, line in ipairs(results) do print(line) end
