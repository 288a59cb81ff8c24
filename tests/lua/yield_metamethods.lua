-- A metamethod that is a host function yields its coroutine, and the resume finishes the
-- instruction that called it (Lua 5.4 allows a yield in any metamethod called from Lua code).
-- Every metamethod here is coroutine.yield itself, or a Lua function that yields.

local mt = {}
for _, e in ipairs({"__index", "__newindex", "__add", "__sub", "__mul", "__div", "__mod",
                    "__pow", "__unm", "__idiv", "__band", "__bor", "__bxor", "__shl", "__shr",
                    "__bnot", "__concat", "__len", "__eq", "__lt", "__le", "__call"}) do
  mt[e] = coroutine.yield
end
local t = setmetatable({}, mt)
local u = setmetatable({}, mt)

local function describe(...)
  local out = {}
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    out[i] = rawequal(v, t) and "t" or rawequal(v, u) and "u" or tostring(v)
  end
  return table.concat(out, " ")
end

local co = coroutine.create(function()
  local r = {}
  r[#r + 1] = "index " .. tostring(t.foo)
  r[#r + 1] = "index[k] " .. tostring(t[10])
  t.bar = 5
  r[#r + 1] = "newindex done, rawget " .. tostring(rawget(t, "bar"))
  r[#r + 1] = "add " .. tostring(t + 1)
  r[#r + 1] = "add k " .. tostring(2 + t)
  r[#r + 1] = "sub " .. tostring(t - u)
  r[#r + 1] = "mul " .. tostring(t * 3.5)
  r[#r + 1] = "div " .. tostring(t / 2)
  r[#r + 1] = "mod " .. tostring(t % 2)
  r[#r + 1] = "pow " .. tostring(t ^ 2)
  r[#r + 1] = "unm " .. tostring(-t)
  r[#r + 1] = "idiv " .. tostring(t // 2)
  r[#r + 1] = "band " .. tostring(t & 1)
  r[#r + 1] = "bor " .. tostring(t | 1)
  r[#r + 1] = "bxor " .. tostring(t ~ 1)
  r[#r + 1] = "shl " .. tostring(t << 1)
  r[#r + 1] = "shr " .. tostring(t >> 1)
  r[#r + 1] = "bnot " .. tostring(~t)
  r[#r + 1] = "concat " .. tostring(t .. "x")
  r[#r + 1] = "concat3 " .. tostring("a" .. t .. "b")
  r[#r + 1] = "len " .. tostring(#t)
  r[#r + 1] = "eq " .. tostring(t == u)
  r[#r + 1] = "ne " .. tostring(t ~= u)
  r[#r + 1] = "lt " .. tostring(t < u)
  r[#r + 1] = "le " .. tostring(t <= u)
  r[#r + 1] = "gt " .. tostring(t > u)
  if t < 1 then r[#r + 1] = "lt imm: then" else r[#r + 1] = "lt imm: else" end
  r[#r + 1] = "call " .. describe(t(1, 2))
  local s = t:method("arg")
  r[#r + 1] = "self " .. tostring(s)
  return table.concat(r, "\n")
end)

-- The resume values, one per yield above, in order: what each metamethod returns.
local answers = {"I", "I2", nil, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140,
                 150, "C", "C1", 7, false, false, true, true, nil, 0, "x",
                 function(self, a) return "called with " .. a end}
local i, value = 0, nil
while true do
  local res = table.pack(coroutine.resume(co, value))
  if coroutine.status(co) == "dead" then
    print(describe(table.unpack(res, 1, res.n)))
    break
  end
  print("yielded:", describe(table.unpack(res, 2, res.n)))
  i = i + 1
  value = answers[i]
end

-- A Lua metamethod that yields from inside, and one that calls a yielding host function.
local lmt = setmetatable({}, {
  __index = function(_, k) return coroutine.yield("L " .. k) end,
  __lt = function(a, b) return coroutine.yield("lt") end,
})
local wrapped = coroutine.wrap(function()
  local v = lmt.key
  local c = lmt < lmt
  return v, c
end)
print(wrapped())
print(wrapped("got"))
print(wrapped(1))

-- Outside a coroutine the yield is an error, caught as usual.
print(pcall(function() return t.x end))
-- Across a C-call boundary (a library function calling the metamethod) as well.
local ts = setmetatable({}, {__tostring = coroutine.yield})
print(coroutine.resume(coroutine.create(function() return tostring(ts) end)))
