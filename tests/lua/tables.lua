-- tables.lua: table library (concat, insert, remove, move, pack, unpack, sort)
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

local function list(t, n) return table.concat(t, ",", 1, n or #t) end

-- 1 concat basics
do
  check("tab-01 concat", table.concat({1, 2, 3}) == "123", table.concat({1, 2, 3}), table.concat({"a", "b"}, ", "), "[" .. table.concat({}) .. "]")
end

-- 2 concat with ranges
do
  local t = {"a", "b", "c", "d"}
  check("tab-02 concat-range", table.concat(t, "-", 2, 3) == "b-c", table.concat(t, "-", 2, 3), "[" .. table.concat(t, "-", 3, 2) .. "]", table.concat(t, "", 4, 4))
end

-- 3 concat with numbers (integers and floats)
do
  check("tab-03 concat-numbers", table.concat({1, 2.5, 3.0, -0.0}, " ") == "1 2.5 3.0 -0.0", table.concat({1, 2.5, 3.0, -0.0}, " "))
end

-- 4 concat errors (wording differs between 5.4 releases: only the stable parts are printed)
do
  local function cerr(...)
    local ok, m = pcall(table.concat, ...)
    assert(not ok and m:find("invalid value", 1, true) and m:find("in table for 'concat'", 1, true), m)
    return "idx" .. m:match("at index (%d+)")
  end
  check("tab-04 concat-errors", true, cerr({{}}), cerr({1, nil, 3}, ",", 1, 3), cerr({true}), cerr({"a", "b", print}))
end

-- 5 insert at end and at position
do
  local t = {1, 2, 3}
  table.insert(t, 4)
  table.insert(t, 1, 0)
  table.insert(t, 3, 1.5)
  check("tab-05 insert", #t == 6, list(t))
end

-- 6 insert at n+1 is allowed
do
  local t = {1}
  table.insert(t, 2, "x")
  check("tab-06 insert-end-pos", t[2] == "x", list(t))
end

-- 7 insert position errors
do
  local m1 = checkerror("bad argument #2 to 'insert' (position out of bounds)", function() table.insert({1, 2}, 5, 0) end)
  local m2 = checkerror("bad argument #2 to 'insert' (position out of bounds)", function() table.insert({1, 2}, 0, 0) end)
  local m3 = checkerror("wrong number of arguments to 'insert'", function() table.insert({}, 1, 2, 3) end)
  check("tab-07 insert-errors", true, m1, m2, m3)
end

-- 8 remove from end and position, return values
do
  local t = {"a", "b", "c", "d"}
  local r1 = table.remove(t)
  local r2 = table.remove(t, 1)
  check("tab-08 remove", r1 == "d" and r2 == "a", r1, r2, list(t), #t)
end

-- 9 remove on empty table and boundary positions
do
  local t = {}
  local r = table.remove(t)
  local t2 = {1, 2}
  local r2 = table.remove(t2, 3)
  local r3 = table.remove({}, 0)
  check("tab-09 remove-empty", r == nil and r2 == nil, r, r2, r3, #t2)
end

-- 10 remove position errors (the argument number in this message changed between 5.4 releases)
do
  local m = checkerror("to 'remove' (position out of bounds)", function() table.remove({1, 2}, 5) end)
  check("tab-10 remove-errors", true, "position out of bounds")
end

-- 11 remove from #t+1 / position 0 of empty table
do
  local t = {1, 2, 3}
  local r = table.remove(t, 4)
  check("tab-11 remove-n-plus-1", r == nil and #t == 3, r, #t)
end

-- 12 move within a table forward and backward (overlapping)
do
  local a = {1, 2, 3, 4, 5}
  table.move(a, 1, 3, 3)
  local b = {1, 2, 3, 4, 5}
  table.move(b, 3, 5, 1)
  check("tab-12 move-overlap", list(a) == "1,2,1,2,3" and list(b) == "3,4,5,4,5", list(a), list(b))
end

-- 13 move to another table, return value is the destination
do
  local src, dst = {1, 2, 3}, {"x"}
  local r = table.move(src, 1, 3, 2, dst)
  check("tab-13 move-other", r == dst and list(dst) == "x,1,2,3", list(dst))
end

-- 14 move with empty range
do
  local t = {1, 2}
  table.move(t, 3, 2, 1)
  check("tab-14 move-empty", list(t) == "1,2", list(t))
end

-- 15 pack sets n
do
  local t = table.pack()
  local u = table.pack(nil, nil)
  check("tab-15 pack-n", t.n == 0 and u.n == 2, t.n, u.n, #table.pack(1, 2, 3))
end

-- 16 unpack defaults and explicit ranges
do
  check("tab-16 unpack", true, table.unpack({1, 2, 3}), table.unpack({1, 2, 3}, 2), table.unpack({1, 2, 3}, 2, 5))
end

-- 17 unpack respects __index
do
  local t = setmetatable({}, {__index = function(_, i) return i * 2 end})
  check("tab-17 unpack-index", true, table.unpack(t, 1, 4))
end

-- 18 sort numbers
do
  local t = {5, 2, 8, 1, 9, 3, 3, -1, 0}
  table.sort(t)
  check("tab-18 sort-numbers", list(t) == "-1,0,1,2,3,3,5,8,9", list(t))
end

-- 19 sort strings
do
  local t = {"pear", "Apple", "banana", "apple", "10", "9"}
  table.sort(t)
  check("tab-19 sort-strings", true, list(t))
end

-- 20 sort with a comparator (descending)
do
  local t = {3, 1, 4, 1, 5, 9, 2, 6}
  table.sort(t, function(a, b) return a > b end)
  check("tab-20 sort-desc", list(t) == "9,6,5,4,3,2,1,1", list(t))
end

-- 21 sort records by key with tie breaker
do
  local people = {{n = "bob", a = 30}, {n = "al", a = 25}, {n = "cy", a = 30}, {n = "di", a = 20}}
  table.sort(people, function(x, y) if x.a ~= y.a then return x.a < y.a end return x.n < y.n end)
  local r = {}
  for i, p in ipairs(people) do r[i] = p.n end
  check("tab-21 sort-records", list(r) == "di,al,bob,cy", list(r))
end

-- 22 sort mixed integers and floats
do
  local t = {2.5, 1, 3, 0.5, 2}
  table.sort(t)
  check("tab-22 sort-mixed", true, list(t))
end

-- 23 sort a larger pseudo-random array deterministically generated
do
  local t, x = {}, 7
  for i = 1, 500 do x = (x * 1103515245 + 12345) % 2147483648; t[i] = x % 1000 end
  table.sort(t)
  local ok = true
  for i = 2, #t do if t[i - 1] > t[i] then ok = false end end
  check("tab-23 sort-large", ok, t[1], t[250], t[500])
end

-- 24 sort errors on incomparable values
do
  local m = checkerror("attempt to compare", table.sort, {1, "x", 2})
  check("tab-24 sort-incomparable", true, m:match("attempt to compare %a+ with %a+") ~= nil)
end

-- 25 sort with __lt metamethod
do
  local mt = {__lt = function(a, b) return a.v < b.v end}
  local t = {}
  for _, v in ipairs({3, 1, 2}) do t[#t + 1] = setmetatable({v = v}, mt) end
  table.sort(t)
  check("tab-25 sort-lt", t[1].v == 1 and t[3].v == 3, t[1].v, t[2].v, t[3].v)
end

-- 26 insert/remove use __index/__newindex (5.4 table library respects metamethods)
do
  local log = {}
  local store = {}
  local t = setmetatable({}, {
    __index = store,
    __newindex = function(_, k, v) log[#log + 1] = tostring(k) .. "=" .. tostring(v); store[k] = v end,
    __len = function() return #store end,
  })
  table.insert(t, "a")
  table.insert(t, "b")
  check("tab-26 insert-metamethods", store[2] == "b", table.concat(log, " "), #t)
end

-- 27 length of tables built by insert and constructors
do
  local t = {}
  for i = 1, 100 do table.insert(t, i) end
  for i = 1, 50 do table.remove(t) end
  check("tab-27 length-after-ops", #t == 50, #t, t[50], t[51])
end

-- 28 table functions argument type errors
do
  local m1 = checkerror("bad argument #1 to 'concat' (table expected, got nil)", function() table.concat(nil) end)
  local m2 = checkerror("bad argument #2 to 'concat' (string expected, got table)", function() table.concat({}, {}) end)
  local m3 = checkerror("bad argument #2 to 'sort' (function expected, got number)", function() table.sort({2, 1}, 1) end)
  check("tab-28 arg-errors", true, m1, m2, m3)
end

-- 29 table.unpack with huge ranges
do
  local m = checkerror("too many results to unpack", function() return table.unpack({}, 1, math.maxinteger) end)
  local n = select("#", table.unpack({}, math.maxinteger, math.maxinteger))
  check("tab-29 unpack-huge", n == 1, m, n)
end

-- 30 move with wrap-around errors
do
  local m = checkerror("too many elements to move", function() table.move({}, 0, math.maxinteger, 1) end)
  check("tab-30 move-errors", true, m)
end

-- 31 nested tables and references
do
  local inner = {1}
  local outer = {inner, inner}
  outer[1][1] = 99
  check("tab-31 references", outer[2][1] == 99, outer[2][1], #outer)
end

-- 32 table keys of all types
do
  local f = function() end
  local t = {}
  t[1] = "int"; t[1.5] = "float"; t["1"] = "str"; t[true] = "bool"; t[f] = "func"; t[t] = "self"
  check("tab-32 key-types", t[1] == "int" and t["1"] == "str" and t[f] == "func" and t[t] == "self", t[1], t[1.5], t["1"], t[true], t[f], t[t])
end

-- 33 nil and NaN keys are invalid for assignment
do
  local m1 = checkerror("index is nil", function() local t = {}; t[nil] = 1 end)
  local m2 = checkerror("index is NaN", function() local t = {}; t[0/0] = 1 end)
  local t = {}
  check("tab-33 invalid-keys", t[nil] == nil and t[0/0] == nil, m1, m2)
end

-- 34 sort a table of strings with a case-insensitive comparator
do
  local t = {"b", "A", "c", "B", "a"}
  table.sort(t, function(x, y) local lx, ly = x:lower(), y:lower(); if lx ~= ly then return lx < ly end return x < y end)
  check("tab-34 sort-ci", list(t) == "A,a,B,b,c", list(t))
end

-- 35 insert and remove shifting a list: in the array part, across parts, through __index, while collecting
do
  local t = {1, 2, 3, 4, 5}
  table.insert(t, 1, 0); table.insert(t, 3, "x"); table.insert(t, #t + 1, "e")
  local r1, r2, r3 = table.remove(t, 1), table.remove(t, 4), table.remove(t)
  check("tab-35 shift-array", list(t) == "1,x,2,4,5", list(t), r1, r2, r3, table.remove(t, #t + 1))
  local g = {}
  for i = 10, 1, -1 do g[i] = i end -- the hash part
  table.insert(g, 1, "a")
  local r = table.remove(g, 2)
  check("tab-35 shift-hash", list(g) == "a,2,3,4,5,6,7,8,9,10", list(g), r)
  local a = {}
  for i = 1, 100 do table.insert(a, 1, i) end
  local first = a[1]
  for i = 1, 60 do table.remove(a, 1) end
  check("tab-35 shift-grow", #a == 40 and a[1] == 40 and a[41] == nil, #a, first, a[1], a[40])
  local p = setmetatable({}, {__index = function(s, k) return rawget(s, "v" .. k) end})
  rawset(p, 1, "p1"); rawset(p, 2, "p2")
  table.insert(p, 1, "p0")
  check("tab-35 shift-index", rawget(p, 3) == "p2", rawget(p, 1), rawget(p, 2), rawget(p, 3))
  collectgarbage("incremental")
  local big = {}
  for i = 1, 20000 do big[i] = {i} end
  for r = 1, 200 do
    collectgarbage("step", 1)
    table.insert(big, 1, {r})
    table.remove(big, 10000)
  end
  collectgarbage()
  local sum = 0
  for i = 1, #big do sum = sum + big[i][1] end
  check("tab-35 shift-collect", #big == 20000 and sum == 198050200, #big, sum)
end

-- 36 stores of new keys: into a table without a metatable (record constructors, t.k = v, nil
-- values that add nothing), then the same keys into one with __newindex, which still decides;
-- a nil or NaN key is an error either way
do
  local recs, sum = {}, 0
  for i = 1, 50 do
    local r = { name = "n", id = i }
    r.score = i % 7
    r.tag = nil
    r[i] = i
    recs[i] = r
    sum = sum + r.id + r.score + r[i]
  end
  local seen = {}
  local mt = setmetatable({}, { __newindex = function(t, k, v) seen[#seen + 1] = k; rawset(t, k, v) end })
  mt.a = 1
  mt.a = 2
  mt.b = nil
  local m1 = checkerror("index is nil", function() local t = {} t[nil] = 1 end)
  local m2 = checkerror("index is NaN", function() local t = {} t[0 / 0] = 1 end)
  local n = 0
  for _ in pairs(recs[50]) do n = n + 1 end
  check("tab-36 new-key-stores", sum == 2698 and n == 4 and recs[3].tag == nil and mt.a == 2 and #seen == 2,
        sum, n, recs[50].score, mt.a, table.concat(seen, ","), m1, m2)
end

print("# cases", ncase)
