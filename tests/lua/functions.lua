-- functions.lua: calls, varargs, multiple results, closures, tail calls, recursion
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

local function pk(...) return {n = select("#", ...), ...} end
local function show(t) -- render a packed list deterministically
  local r = {}
  for i = 1, t.n do r[i] = tostring(t[i]) end
  return t.n .. ":" .. table.concat(r, ",")
end

-- 1 missing arguments are nil, extra are discarded
do
  local function f(a, b, c) return a, b, c end
  check("functions-01 arg-adjust", show(pk(f(1))) == "3:1,nil,nil", show(pk(f(1))), show(pk(f(1, 2, 3, 4))))
end

-- 2 select('#') counts trailing nils
do
  check("functions-02 select-count", select("#") == 0 and select("#", nil, nil) == 2,
        select("#"), select("#", nil), select("#", nil, nil), select("#", 1, nil, 3, nil))
end

-- 3 select with positive and negative indices
do
  check("functions-03 select-index", select(2, "a", "b", "c") == "b",
        select(2, "a", "b", "c"), select(-1, "a", "b", "c"), select(-3, "a", "b", "c"), select(4, "a", "b", "c"))
end

-- 4 select errors
do
  local m1 = checkerror("bad argument #1 to 'select' (index out of range)", select, 0, 1)
  local m2 = checkerror("bad argument #1 to 'select' (index out of range)", select, -3, 1, 2)
  local m3 = checkerror("bad argument #1 to 'select' (number expected, got string)", select, "x")
  check("functions-04 select-errors", true, m1, m2, m3)
end

-- 5 varargs in the middle are truncated to one value
do
  local function three() return 1, 2, 3 end
  check("functions-05 multret-middle", show(pk(three(), three())) == "4:1,1,2,3",
        show(pk(three(), three())), show(pk(three(), 10)), show(pk((three()))))
end

-- 6 functions returning nothing
do
  local function none() end
  local t = pk(none())
  local a = none()
  check("functions-06 no-results", t.n == 0 and a == nil, t.n, show(pk(none(), 1)), show(pk(1, none())))
end

-- 7 ... in a vararg function
do
  local function f(a, ...)
    local x, y = ...
    return a, select("#", ...), x, y
  end
  check("functions-07 varargs", true, f(1), f(1, 2), f(1, 2, 3, 4))
end

-- 8 ... outside vararg function is a syntax error
do
  local f, m = load("local function g() return ... end")
  check("functions-08 vararg-outside", f == nil and m:find("cannot use '...' outside a vararg function", 1, true), m)
end

-- 9 main chunk is vararg
do
  local f = load("return select('#', ...), ...")
  check("functions-09 chunk-vararg", true, f(7, 8, 9))
end

-- 10 table.pack and table.unpack
do
  local t = table.pack(1, nil, 3, nil)
  check("functions-10 pack-unpack", t.n == 4, t.n, table.unpack(t, 1, t.n))
end

-- 11 table.unpack ranges
do
  local t = {10, 20, 30, 40}
  check("functions-11 unpack-ranges", select("#", table.unpack(t, 3, 2)) == 0,
        table.unpack(t, 2, 3), select("#", table.unpack(t, 3, 2)), table.unpack(t, -1, 1))
end

-- 12 unpack with too many results errors
do
  local m = checkerror("too many results to unpack", table.unpack, {}, 1, 1e8)
  check("functions-12 unpack-too-many", true, m)
end

-- 13 parenthesized call yields exactly one value
do
  local function two() return "a", "b" end
  local t = {(two())}
  check("functions-13 paren-one", #t == 1, #t, (two()))
end

-- 14 return f() passes all results through
do
  local function inner() return 1, 2, 3 end
  local function outer() return inner() end
  local function outer2() return (inner()) end
  check("functions-14 return-multret", select("#", outer()) == 3 and select("#", outer2()) == 1, outer())
end

-- 15 closures share upvalues
do
  local function counter()
    local n = 0
    return function() n = n + 1; return n end, function() return n end
  end
  local inc, get = counter()
  inc(); inc()
  local inc2, get2 = counter()
  inc2()
  check("functions-15 shared-upvalue", get() == 2 and get2() == 1, get(), get2())
end

-- 16 upvalue still shared after the enclosing function returned
do
  local function mk()
    local v = "init"
    local function set(x) v = x end
    local function getv() return v end
    return set, getv
  end
  local set, getv = mk()
  set("changed")
  check("functions-16 upvalue-after-return", getv() == "changed", getv())
end

-- 17 nested closures three levels deep
do
  local function a()
    local x = 1
    return function()
      local y = 10
      return function() x = x + 1; y = y + 1; return x + y end
    end
  end
  local c = a()()
  c()
  check("functions-17 nested-closures", c() == 15, c())
end

-- 18 closures in a while loop capture distinct locals
do
  local fs, i = {}, 1
  while i <= 3 do
    local j = i
    fs[i] = function() j = j + 100; return j end
    i = i + 1
  end
  check("functions-18 loop-closures", fs[1]() == 101 and fs[2]() == 102, fs[1](), fs[3]())
end

-- 19 proper tail calls run in constant stack space
do
  local function loop(n, acc)
    if n == 0 then return acc end
    return loop(n - 1, acc + 1)
  end
  check("functions-19 tail-call-deep", loop(1000000, 0) == 1000000, loop(1000000, 0))
end

-- 20 mutual tail recursion
do
  local even, odd
  function even(n) if n == 0 then return true end return odd(n - 1) end
  function odd(n) if n == 0 then return false end return even(n - 1) end
  check("functions-20 mutual-tail", even(1000001) == false, even(1000000), odd(777777))
end

-- 21 tail call through a method and a vararg
do
  local obj = {n = 0}
  function obj:step(k, ...) if k == 0 then return self.n, ... end self.n = self.n + 1; return self:step(k - 1, ...) end
  check("functions-21 tail-method", obj:step(300000, "x", "y") == 300000, obj:step(3, "x", "y"))
end

-- 22 non-tail deep recursion gives stack overflow
do
  local function deep(n) return 1 + deep(n + 1) end
  local ok, m = pcall(deep, 1)
  check("functions-22 stack-overflow", not ok and type(m) == "string" and m:find("stack overflow", 1, true) ~= nil,
        ok, m:find("stack overflow", 1, true) ~= nil)
end

-- 23 moderately deep non-tail recursion is fine
do
  local function sum(n) if n == 0 then return 0 end return n + sum(n - 1) end
  check("functions-23 recursion-10000", sum(10000) == 50005000, sum(10000))
end

-- 24 method call syntax and self
do
  local Account = {}
  Account.__index = Account
  function Account.new(b) return setmetatable({balance = b}, Account) end
  function Account:deposit(v) self.balance = self.balance + v; return self end
  local a = Account.new(10):deposit(5):deposit(7)
  check("functions-24 methods", a.balance == 22, a.balance)
end

-- 25 function definitions with dotted names and methods
do
  local M = {sub = {}}
  function M.sub.f(x) return x * 2 end
  function M.sub:g(x) return self == M.sub, x end
  check("functions-25 dotted-names", M.sub.f(4) == 8, M.sub.f(4), M.sub:g(1))
end

-- 26 call sugar: string and table arguments
do
  local function id(x) return x end
  local s = id"lit"
  local t = id{1, 2}
  local l = id[[long]]
  check("functions-26 call-sugar", s == "lit" and #t == 2 and l == "long", s, #t, l, ("x"):rep(3))
end

-- 27 string methods via string metatable
do
  local s = "Hello"
  check("functions-27 string-methods", s:upper() == "HELLO", s:upper(), s:len(), #s:rep(2, "-"), ("%d"):format(5))
end

-- 28 variadic function storing ... in a table with nils
do
  local function f(...)
    local t = {...}
    return #t >= 0, select("#", ...), (select(3, ...))
  end
  check("functions-28 vararg-table", true, f(1, nil, 3))
end

-- 29 recursion with local function inside loop
do
  local out = {}
  for i = 1, 3 do
    local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
    out[i] = fib(i * 5)
  end
  check("functions-29 fib", out[3] == 610, table.concat(out, ","))
end

-- 30 many arguments and results
do
  local args = {}
  for i = 1, 200 do args[i] = i end
  local function sumall(...) local s = 0; for i = 1, select("#", ...) do s = s + select(i, ...) end; return s end
  check("functions-30 many-args", sumall(table.unpack(args)) == 20100, sumall(table.unpack(args)),
        select("#", table.unpack(args)))
end

-- 31 functions are first-class values, compared by identity
do
  local function f() end
  local g = f
  local function mk() return function() end end
  check("functions-31 identity", f == g and mk() ~= mk() and type(f) == "function", f == g, mk() ~= mk())
end

-- 32 vararg with select('#') after adjustment in assignment
do
  local function f(...) return ... end
  local a, b, c = f(1, 2)
  local d, e = f(1, 2, 3)
  check("functions-32 vararg-adjust", c == nil and e == 2, a, b, c, d, e)
end

-- 33 returns of none or one value into calls that want none, one or many (a call statement,
-- a local, a table constructor), the callee's frame on a deeper stack each time
do
  local n = 0
  local function none() n = n + 1 return end
  local function one(x) n = n + 1 return x end
  local function none2() n = n + 1 end
  local out = {}
  for i = 1, 3 do
    none(); one(i); none2()
    local a = none()
    local b = one(i * 10)
    local c = none2()
    local t = {none(), one(i), none2()}
    out[#out + 1] = tostring(a) .. "," .. b .. "," .. tostring(c) .. "," .. #t .. "," .. tostring(t[2]) .. "," .. select("#", none()) .. "," .. select("#", one(1))
  end
  check("functions-33 return-none-or-one", n == 33, n, table.concat(out, " "))
end

-- 34 calls with fixed arguments into Lua functions: missing parameters are nil, extra
-- arguments of a vararg callee stay reachable, and recursion deep enough to grow the frame
-- array and the stack many times over keeps every frame's registers
do
  local function three(a, b, c) return tostring(a) .. tostring(b) .. tostring(c) end
  local function va(a, ...) return a, select("#", ...), ... end
  local function depth(n, acc) if n == 0 then return acc end local r = depth(n - 1, acc + n) return r end
  local function wide(n) local a, b, c, d, e, f, g, h = n, n, n, n, n, n, n, n if n == 0 then return 0 end return wide(n - 1) + a + h end
  local x1, x2, x3, x4 = va(1, 2, 3)
  check("functions-34 fixed-arg-calls", three(1) == "1nilnil" and three(1, 2, 3, 4) == "123" and x2 == 2 and x4 == 3
        and depth(15000, 0) == 112507500 and wide(3000) == 9003000,
        three(1), three(), three(1, 2, 3, 4), x1, x2, x3, x4, select("#", va()), depth(15000, 0), wide(3000))
end

-- 35 host functions called for fewer results than they return, as many, and more; s:byte for one byte, none and several
do
  local a = select(2, "x", "y", "z")
  local b, c = select(2, "x", "y", "z")
  local d, e, f = math.floor(1.5)
  local s = "abc"
  local g, h = s:byte(2)
  local t = {s:byte(5)}
  check("functions-35 host-results", a == "y" and c == "z" and e == nil and h == nil and #t == 0,
        a, b, c, d, e, f, g, h, s:byte(-1), #t, s:byte(1, 3))
end

-- 36 a Lua function returning none or one value to a call that wants all of them (f(g(x)),
-- {g(x)}, return g(x) after a tail call), also from a tail-called callee: exactly its results
-- reach the caller, the count seen by select and table constructors included
do
  local function none() return end
  local function one(x) return x end
  local function tailnone() return none() end
  local function tailone(x) return one(x) end
  local function compose(f, g) return function(x) return f(g(x)) end end
  local inc = function(x) return x + 1 end
  local h = compose(inc, compose(function(x) return x * 2 end, inc))
  local t1, t2 = { one(7) }, { none() }
  local n1, n2, n3, n4 = select("#", one(nil)), select("#", none()), select("#", tailone(5)), select("#", tailnone())
  local acc = 0
  for i = 1, 200 do acc = acc + h(i) end
  check("functions-36 return-all-results", #t1 == 1 and #t2 == 0 and n1 == 1 and n2 == 0 and n3 == 1 and n4 == 0 and acc == 40800,
        #t1, #t2, n1, n2, n3, n4, h(1), acc, select("#", one(one(3))), (tailone(9)))
end

-- 37 tail calls: B = 0 (the arguments up to the top, `return f(g(x))`), missing and extra
-- arguments, a vararg callee, a chain of tail calls from a tail-called frame, deep tail
-- recursion (the stack never grows), a tail call as pcall's function and from a method,
-- the error position and traceback of a tail-called function
do
  local function three() return 1, 2, 3 end
  local function cnt(...) return select("#", ...), ... end
  local function allargs() return cnt(three()) end
  local function f3(a, b, c) return a, b, c end
  local function missing() return f3(1) end
  local function extra() return f3(1, 2, 3, 4, 5) end
  local function va(...) local n = select("#", ...) return n, (...) end
  local function tva() return va(7, nil, 9) end
  local function even(n) if n == 0 then return true end return odd(n - 1) end
  function odd(n) if n == 0 then return false end return even(n - 1) end
  local function loop(n, acc) if n == 0 then return acc end return loop(n - 1, acc + n) end
  local function boom(x) return x.field end
  local function tailboom(x) return boom(x) end
  local obj = { v = 5 }
  function obj:get(d) return self.v + d end
  function obj:tget(d) return self:get(d) end
  local ok, err = pcall(tailboom, nil)
  local tb = select(2, xpcall(tailboom, debug.traceback, nil))
  local tailline = tb:find("tail calls", 1, true) ~= nil
  check("functions-37 tail-calls", loop(100000, 0) == 5000050000 and even(10001) == false and not ok,
        show(pk(allargs())), show(pk(missing())), show(pk(extra())), show(pk(tva())),
        loop(100000, 0), even(10001), select(2, pcall(loop, 10, 0)), obj:tget(2), err, tailline)
  odd = nil
end

print("# cases", ncase)
