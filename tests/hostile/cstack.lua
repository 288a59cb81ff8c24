-- Library functions that call back into Lua, recursing until the C stack guard stops them.
-- Every case must end in a Lua error ("C stack overflow" or "stack overflow"), never in a
-- dead process; the state stays usable afterwards. Depths are not printed: they depend on
-- the .NET stack the host gave the thread.

local function check(name, ok, msg)
  msg = tostring(msg)
  print(name, ok, (msg:gsub("[%w_.]+:%d+: ", "")))
end

local function f(s) return (string.gsub(s, '.', f)) end
check("gsub", pcall(f, 'a'))

local mt = {}
mt.__tostring = function() return tostring(setmetatable({}, mt)) end
check("__tostring", pcall(tostring, setmetatable({}, mt)))

local function cmp(a, b) table.sort({3, 2, 1}, cmp) return a < b end
check("sort comparator", pcall(table.sort, {3, 2, 1}, cmp))

local mt2 = {}
mt2.__lt = function() table.sort({setmetatable({}, mt2), setmetatable({}, mt2)}) return true end
check("sort __lt", pcall(table.sort, {setmetatable({}, mt2), setmetatable({}, mt2)}))

local mt3 = {}
mt3.__index = function(t, k) return rawequal(t, t) and string.format("%s", setmetatable({}, mt3)[k]) end
check("__index via format", pcall(function() return setmetatable({}, mt3).x end))

local mt4 = {}
mt4.__tostring = function(x) return string.format("%s", setmetatable({}, mt4)) end
check("format %s __tostring", pcall(string.format, "%s", setmetatable({}, mt4)))

local mt5 = {}
mt5.__close = function() local x <close> = setmetatable({}, mt5) end
check("__close", pcall(function() local x <close> = setmetatable({}, mt5) end))

local function h(m) return select(2, xpcall(error, h, m)) end
check("xpcall handler", xpcall(error, h, "boom"))

local function g() return 1 + g() end
check("xpcall(g, g)", xpcall(g, g))

local e = setmetatable({}, {__tostring = function(x) return tostring(x) end})
check("error object __tostring", pcall(function() local ok, v = pcall(error, e) return tostring(v) end))

local wrapped
wrapped = coroutine.wrap(function() return wrapped() end)
check("wrap calling itself", pcall(wrapped))

local function nest(n)
  local co = coroutine.wrap(nest)
  return co(n + 1)
end
check("nested wrap chain", pcall(nest, 0))

local function resumeNest()
  local co = coroutine.create(resumeNest)
  local ok, err = coroutine.resume(co)
  if not ok then error(err, 0) end
  return err
end
check("nested resume chain", pcall(resumeNest))

package.preload.selfreq = function() return require("selfreq") end
check("require itself", pcall(require, "selfreq"))

local mt6 = {}
mt6.__eq = function(a, b) return setmetatable({}, mt6) == setmetatable({}, mt6) end
check("__eq", pcall(function() return setmetatable({}, mt6) == setmetatable({}, mt6) end))

local mt7 = {}
mt7.__concat = function(a, b) return table.concat({setmetatable({}, mt7) .. "x"}) end
check("__concat", pcall(function() return setmetatable({}, mt7) .. "x" end))

local function gm(s) for w in string.gmatch(s, ".") do gm(w) end end
check("gmatch loop body", pcall(gm, "ab"))

local mt8 = {}
mt8.__index = function(t, k) return rawlen(t) + setmetatable({}, mt8)[k] end
check("__index recursion", pcall(function() return setmetatable({}, mt8).x end))

-- after all that, the state still works
print("still usable", select('#', string.gsub("abc", "%w", "%0%0")), ("x"):rep(3))
