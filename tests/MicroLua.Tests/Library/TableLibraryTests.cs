// Expected outputs were produced by lua5.4 (chunk name "=t").
namespace MicroLua.Tests.Library;

public sealed partial class TableLibraryTests
{
    [Theory]
    [InlineData("print(table.concat({1, 2, 3}), table.concat({'a', 'b'}, ', '), '[' .. table.concat({}) .. ']')", "123\ta, b\t[]\n")]
    [InlineData("local t = {'a','b','c','d'} print(table.concat(t, '-', 2, 3), '[' .. table.concat(t, '-', 3, 2) .. ']', table.concat(t, '', 4, 4))", "b-c\t[]\td\n")]
    [InlineData("print(table.concat({1, 2.5, 3.0, -0.0, 1e100, math.mininteger}, ' '))", "1 2.5 3.0 -0.0 1e+100 -9223372036854775808\n")]
    [InlineData("print(table.concat({1, 2}, 3))", "132\n")]
    [InlineData("local t = setmetatable({}, {__index = function(_, i) return 'v' .. i end, __len = function() return 3 end}) print(table.concat(t, ','))", "v1,v2,v3\n")]
    [InlineData("print(table.concat({[math.maxinteger] = 'x'}, ',', math.maxinteger, math.maxinteger))", "x\n")]
    public void Concat_Values_JoinsLikeLua(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local s = table.concat({1, {}, 3}) return s end)", "false\tt:2: invalid value (table) at index 2 in table for 'concat'\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local s = table.concat({1, nil, 3}, ',', 1, 3) return s end)", "false\tt:2: invalid value (nil) at index 2 in table for 'concat'\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local s = table.concat({true}) return s end)", "false\tt:2: invalid value (boolean) at index 1 in table for 'concat'\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local s = table.concat(nil) return s end)", "false\tt:2: bad argument #1 to 'concat' (table expected, got nil)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local s = table.concat({}, {}) return s end)", "false\tt:2: bad argument #2 to 'concat' (string expected, got table)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local s = table.concat('abc') return s end)", "false\tt:2: bad argument #1 to 'concat' (table expected, got string)\n")]
    public void Concat_InvalidValue_RaisesLuaMessage(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("local t = {1, 2, 3} table.insert(t, 4) table.insert(t, 1, 0) table.insert(t, 3, 1.5) print(table.concat(t, ','), #t)", "0,1,1.5,2,3,4\t6\n")]
    [InlineData("local t = {1} table.insert(t, 2, 'x') print(table.concat(t, ','))", "1,x\n")]
    [InlineData("local t = {} for i = 1, 100 do table.insert(t, i) end for i = 1, 50 do table.remove(t) end print(#t, t[50], t[51])", "50\t50\tnil\n")]
    public void Insert_Positions_ShiftElements(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.insert({1, 2}, 5, 0) end)", "false\tt:2: bad argument #2 to 'insert' (position out of bounds)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.insert({1, 2}, 0, 0) end)", "false\tt:2: bad argument #2 to 'insert' (position out of bounds)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.insert({}, 1, 2, 3) end)", "false\tt:2: wrong number of arguments to 'insert'\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.insert({}) end)", "false\tt:2: wrong number of arguments to 'insert'\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.insert({}, 1.5, 1) end)", "false\tt:2: bad argument #2 to 'insert' (number has no integer representation)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.insert(nil, 1) end)", "false\tt:2: bad argument #1 to 'insert' (table expected, got nil)\n")]
    public void Insert_BadArguments_RaisesLuaMessage(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("local log, store = {}, {} local t = setmetatable({}, {__index = store, __newindex = function(_, k, v) log[#log + 1] = tostring(k) .. '=' .. tostring(v) store[k] = v end, __len = function() return #store end}) table.insert(t, 'a') table.insert(t, 'b') table.insert(t, 1, 'c') print(table.concat(log, ' '), #t, store[1], store[2], store[3])", "1=a 2=b 3=b 2=a 1=c\t3\tc\ta\tb\n")]
    public void Insert_WithMetamethods_UsesIndexAndNewIndex(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("local t = {'a','b','c','d'} local r1 = table.remove(t) local r2 = table.remove(t, 1) print(r1, r2, table.concat(t, ','), #t)", "d\ta\tb,c\t2\n")]
    [InlineData("local t = {} print(table.remove(t), table.remove({1, 2}, 3), table.remove({}, 0), #t)", "nil\tnil\tnil\t0\n")]
    [InlineData("local t = {1, 2, 3} print(table.remove(t, 4), #t)", "nil\t3\n")]
    [InlineData("local t = {[0] = 'z'} print(table.remove(t, 0), t[0])", "z\tnil\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local r = table.remove({1, 2}, 5) return r end)", "false\tt:2: bad argument #1 to 'remove' (position out of bounds)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local r = table.remove({1, 2}, -1) return r end)", "false\tt:2: bad argument #1 to 'remove' (position out of bounds)\n")]
    public void Remove_Positions_ReturnsElement(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("local a = {1, 2, 3, 4, 5} table.move(a, 1, 3, 3) local b = {1, 2, 3, 4, 5} table.move(b, 3, 5, 1) print(table.concat(a, ','), table.concat(b, ','))", "1,2,1,2,3\t3,4,5,4,5\n")]
    [InlineData("local src, dst = {1, 2, 3}, {'x'} local r = table.move(src, 1, 3, 2, dst) print(r == dst, table.concat(dst, ','))", "true\tx,1,2,3\n")]
    [InlineData("local t = {1, 2} table.move(t, 3, 2, 1) print(table.concat(t, ','))", "1,2\n")]
    [InlineData("local log = {} local d = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = k .. '=' .. v rawset(t, k, v) end}) table.move({7, 8, 9}, 1, 3, 1, d) print(table.concat(log, ' '))", "1=7 2=8 3=9\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local r = table.move({}, 0, math.maxinteger, 1) return r end)", "false\tt:2: bad argument #3 to 'move' (too many elements to move)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local r = table.move({}, 1, 2, math.maxinteger) return r end)", "false\tt:2: bad argument #4 to 'move' (destination wrap around)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local r = table.move({}, 1, 2) return r end)", "false\tt:2: bad argument #4 to 'move' (number expected, got no value)\n")]
    public void Move_Ranges_CopiesLikeLua(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("local t = table.pack() local u = table.pack(nil, nil) local v = table.pack(1, nil, 3) print(t.n, u.n, #table.pack(1, 2, 3), v.n, v[1], v[2], v[3])", "0\t2\t3\t3\t1\tnil\t3\n")]
    public void Pack_Arguments_SetsN(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("print(table.unpack({1, 2, 3})) print(table.unpack({1, 2, 3}, 2)) print(table.unpack({1, 2, 3}, 2, 5)) print(select('#', table.unpack({}, 3, 2)))", "1\t2\t3\n2\t3\n2\t3\tnil\tnil\n0\n")]
    [InlineData("local t = setmetatable({}, {__index = function(_, i) return i * 2 end}) print(table.unpack(t, 1, 4))", "2\t4\t6\t8\n")]
    [InlineData("print(select('#', table.unpack({}, math.maxinteger, math.maxinteger)), select('#', table.unpack({}, math.mininteger, math.mininteger + 2)))", "1\t3\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local a = table.unpack({}, 1, math.maxinteger) return a end)", "false\tt:2: too many results to unpack\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local a = table.unpack({}, math.mininteger, math.maxinteger) return a end)", "false\tt:2: too many results to unpack\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local a = table.unpack({}, 1, 1e7) return a end)", "false\tt:2: too many results to unpack\n")]
    public void Unpack_Ranges_ReturnsElements(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("local t = {5, 2, 8, 1, 9, 3, 3, -1, 0} table.sort(t) print(table.concat(t, ','))", "-1,0,1,2,3,3,5,8,9\n")]
    [InlineData("local t = {'pear', 'Apple', 'banana', 'apple', '10', '9'} table.sort(t) print(table.concat(t, ','))", "10,9,Apple,apple,banana,pear\n")]
    [InlineData("local t = {3, 1, 4, 1, 5, 9, 2, 6} table.sort(t, function(a, b) return a > b end) print(table.concat(t, ','))", "9,6,5,4,3,2,1,1\n")]
    [InlineData("local t = {2.5, 1, 3, 0.5, 2} table.sort(t) print(table.concat(t, ','))", "0.5,1,2,2.5,3\n")]
    [InlineData("local t, x = {}, 7 for i = 1, 500 do x = (x * 1103515245 + 12345) % 2147483648 t[i] = x % 1000 end table.sort(t) local ok = true for i = 2, #t do if t[i - 1] > t[i] then ok = false end end print(ok, t[1], t[250], t[500])", "true\t0\t485\t991\n")]
    [InlineData("local t = {} for i = 1, 300 do t[i] = (i * 7919) % 301 end table.sort(t, function(a, b) return a > b end) local ok = true for i = 2, #t do if t[i - 1] < t[i] then ok = false end end print(ok, t[1], t[300])", "true\t300\t1\n")]
    [InlineData("local mt = {__lt = function(a, b) return a.v < b.v end} local t = {} for _, v in ipairs({3, 1, 2}) do t[#t + 1] = setmetatable({v = v}, mt) end table.sort(t) print(t[1].v, t[2].v, t[3].v)", "1\t2\t3\n")]
    [InlineData("local p = {{n = 'bob', a = 30}, {n = 'al', a = 25}, {n = 'cy', a = 30}, {n = 'di', a = 20}, {n = 'ed', a = 25}} table.sort(p, function(x, y) return x.a < y.a end) local r = {} for i, v in ipairs(p) do r[i] = v.n end print(table.concat(r, ','))", "di,al,ed,cy,bob\n")]
    [InlineData("local t = {} table.sort(t) local u = {1} table.sort(u, 1) print(#t, u[1])", "0\t1\n")]
    [InlineData("local t = {5, 1, 4, 2, 3, 5, 1, 4, 2, 3, 5, 1} table.sort(t, function(a, b) return a < b end) print(table.concat(t, ','))", "1,1,1,2,2,3,3,4,4,5,5,5\n")]
    public void Sort_Values_OrdersLikeLua(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.sort({3, 2, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12}, function(a, b) return true end) end)", "false\tt:2: invalid order function for sorting\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.sort({2, 1}, 1) end)", "false\tt:2: bad argument #2 to 'sort' (function expected, got number)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.sort(setmetatable({}, {__len = function() return 2^40 end})) end)", "false\tt:2: bad argument #1 to 'sort' (array too big)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.sort({1, 2, 3}, function(a, b) error('boom') end) end)", "false\tt:2: boom\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.sort(setmetatable({}, {__len = function() return 'x' end})) end)", "false\tt:2: object length is not an integer\n")]
    public void Sort_Errors_RaiseLuaMessage(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    public static TheoryData<string, string> AllCases => new()
    {
        { "print(table.concat({1, 2, 3}), table.concat({'a', 'b'}, ', '), '[' .. table.concat({}) .. ']')", "123\ta, b\t[]\n" },
        { "local t = {'a','b','c','d'} print(table.concat(t, '-', 2, 3), '[' .. table.concat(t, '-', 3, 2) .. ']', table.concat(t, '', 4, 4))", "b-c\t[]\td\n" },
        { "print(table.concat({1, 2.5, 3.0, -0.0, 1e100, math.mininteger}, ' '))", "1 2.5 3.0 -0.0 1e+100 -9223372036854775808\n" },
        { "print(table.concat({1, 2}, 3))", "132\n" },
        { "local t = setmetatable({}, {__index = function(_, i) return 'v' .. i end, __len = function() return 3 end}) print(table.concat(t, ','))", "v1,v2,v3\n" },
        { "print(table.concat({[math.maxinteger] = 'x'}, ',', math.maxinteger, math.maxinteger))", "x\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local s = table.concat({1, {}, 3}) return s end)", "false\tt:2: invalid value (table) at index 2 in table for 'concat'\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local s = table.concat({1, nil, 3}, ',', 1, 3) return s end)", "false\tt:2: invalid value (nil) at index 2 in table for 'concat'\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local s = table.concat({true}) return s end)", "false\tt:2: invalid value (boolean) at index 1 in table for 'concat'\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local s = table.concat(nil) return s end)", "false\tt:2: bad argument #1 to 'concat' (table expected, got nil)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local s = table.concat({}, {}) return s end)", "false\tt:2: bad argument #2 to 'concat' (string expected, got table)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local s = table.concat('abc') return s end)", "false\tt:2: bad argument #1 to 'concat' (table expected, got string)\n" },
        { "local t = {1, 2, 3} table.insert(t, 4) table.insert(t, 1, 0) table.insert(t, 3, 1.5) print(table.concat(t, ','), #t)", "0,1,1.5,2,3,4\t6\n" },
        { "local t = {1} table.insert(t, 2, 'x') print(table.concat(t, ','))", "1,x\n" },
        { "local t = {} for i = 1, 100 do table.insert(t, i) end for i = 1, 50 do table.remove(t) end print(#t, t[50], t[51])", "50\t50\tnil\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.insert({1, 2}, 5, 0) end)", "false\tt:2: bad argument #2 to 'insert' (position out of bounds)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.insert({1, 2}, 0, 0) end)", "false\tt:2: bad argument #2 to 'insert' (position out of bounds)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.insert({}, 1, 2, 3) end)", "false\tt:2: wrong number of arguments to 'insert'\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.insert({}) end)", "false\tt:2: wrong number of arguments to 'insert'\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.insert({}, 1.5, 1) end)", "false\tt:2: bad argument #2 to 'insert' (number has no integer representation)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.insert(nil, 1) end)", "false\tt:2: bad argument #1 to 'insert' (table expected, got nil)\n" },
        { "local log, store = {}, {} local t = setmetatable({}, {__index = store, __newindex = function(_, k, v) log[#log + 1] = tostring(k) .. '=' .. tostring(v) store[k] = v end, __len = function() return #store end}) table.insert(t, 'a') table.insert(t, 'b') table.insert(t, 1, 'c') print(table.concat(log, ' '), #t, store[1], store[2], store[3])", "1=a 2=b 3=b 2=a 1=c\t3\tc\ta\tb\n" },
        { "local t = {'a','b','c','d'} local r1 = table.remove(t) local r2 = table.remove(t, 1) print(r1, r2, table.concat(t, ','), #t)", "d\ta\tb,c\t2\n" },
        { "local t = {} print(table.remove(t), table.remove({1, 2}, 3), table.remove({}, 0), #t)", "nil\tnil\tnil\t0\n" },
        { "local t = {1, 2, 3} print(table.remove(t, 4), #t)", "nil\t3\n" },
        { "local t = {[0] = 'z'} print(table.remove(t, 0), t[0])", "z\tnil\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local r = table.remove({1, 2}, 5) return r end)", "false\tt:2: bad argument #1 to 'remove' (position out of bounds)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local r = table.remove({1, 2}, -1) return r end)", "false\tt:2: bad argument #1 to 'remove' (position out of bounds)\n" },
        { "local a = {1, 2, 3, 4, 5} table.move(a, 1, 3, 3) local b = {1, 2, 3, 4, 5} table.move(b, 3, 5, 1) print(table.concat(a, ','), table.concat(b, ','))", "1,2,1,2,3\t3,4,5,4,5\n" },
        { "local src, dst = {1, 2, 3}, {'x'} local r = table.move(src, 1, 3, 2, dst) print(r == dst, table.concat(dst, ','))", "true\tx,1,2,3\n" },
        { "local t = {1, 2} table.move(t, 3, 2, 1) print(table.concat(t, ','))", "1,2\n" },
        { "local log = {} local d = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = k .. '=' .. v rawset(t, k, v) end}) table.move({7, 8, 9}, 1, 3, 1, d) print(table.concat(log, ' '))", "1=7 2=8 3=9\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local r = table.move({}, 0, math.maxinteger, 1) return r end)", "false\tt:2: bad argument #3 to 'move' (too many elements to move)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local r = table.move({}, 1, 2, math.maxinteger) return r end)", "false\tt:2: bad argument #4 to 'move' (destination wrap around)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local r = table.move({}, 1, 2) return r end)", "false\tt:2: bad argument #4 to 'move' (number expected, got no value)\n" },
        { "local t = table.pack() local u = table.pack(nil, nil) local v = table.pack(1, nil, 3) print(t.n, u.n, #table.pack(1, 2, 3), v.n, v[1], v[2], v[3])", "0\t2\t3\t3\t1\tnil\t3\n" },
        { "print(table.unpack({1, 2, 3})) print(table.unpack({1, 2, 3}, 2)) print(table.unpack({1, 2, 3}, 2, 5)) print(select('#', table.unpack({}, 3, 2)))", "1\t2\t3\n2\t3\n2\t3\tnil\tnil\n0\n" },
        { "local t = setmetatable({}, {__index = function(_, i) return i * 2 end}) print(table.unpack(t, 1, 4))", "2\t4\t6\t8\n" },
        { "print(select('#', table.unpack({}, math.maxinteger, math.maxinteger)), select('#', table.unpack({}, math.mininteger, math.mininteger + 2)))", "1\t3\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local a = table.unpack({}, 1, math.maxinteger) return a end)", "false\tt:2: too many results to unpack\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local a = table.unpack({}, math.mininteger, math.maxinteger) return a end)", "false\tt:2: too many results to unpack\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local a = table.unpack({}, 1, 1e7) return a end)", "false\tt:2: too many results to unpack\n" },
        { "local t = {5, 2, 8, 1, 9, 3, 3, -1, 0} table.sort(t) print(table.concat(t, ','))", "-1,0,1,2,3,3,5,8,9\n" },
        { "local t = {'pear', 'Apple', 'banana', 'apple', '10', '9'} table.sort(t) print(table.concat(t, ','))", "10,9,Apple,apple,banana,pear\n" },
        { "local t = {3, 1, 4, 1, 5, 9, 2, 6} table.sort(t, function(a, b) return a > b end) print(table.concat(t, ','))", "9,6,5,4,3,2,1,1\n" },
        { "local t = {2.5, 1, 3, 0.5, 2} table.sort(t) print(table.concat(t, ','))", "0.5,1,2,2.5,3\n" },
        { "local t, x = {}, 7 for i = 1, 500 do x = (x * 1103515245 + 12345) % 2147483648 t[i] = x % 1000 end table.sort(t) local ok = true for i = 2, #t do if t[i - 1] > t[i] then ok = false end end print(ok, t[1], t[250], t[500])", "true\t0\t485\t991\n" },
        { "local t = {} for i = 1, 300 do t[i] = (i * 7919) % 301 end table.sort(t, function(a, b) return a > b end) local ok = true for i = 2, #t do if t[i - 1] < t[i] then ok = false end end print(ok, t[1], t[300])", "true\t300\t1\n" },
        { "local mt = {__lt = function(a, b) return a.v < b.v end} local t = {} for _, v in ipairs({3, 1, 2}) do t[#t + 1] = setmetatable({v = v}, mt) end table.sort(t) print(t[1].v, t[2].v, t[3].v)", "1\t2\t3\n" },
        { "local p = {{n = 'bob', a = 30}, {n = 'al', a = 25}, {n = 'cy', a = 30}, {n = 'di', a = 20}, {n = 'ed', a = 25}} table.sort(p, function(x, y) return x.a < y.a end) local r = {} for i, v in ipairs(p) do r[i] = v.n end print(table.concat(r, ','))", "di,al,ed,cy,bob\n" },
        { "local t = {} table.sort(t) local u = {1} table.sort(u, 1) print(#t, u[1])", "0\t1\n" },
        { "local t = {5, 1, 4, 2, 3, 5, 1, 4, 2, 3, 5, 1} table.sort(t, function(a, b) return a < b end) print(table.concat(t, ','))", "1,1,1,2,2,3,3,4,4,5,5,5\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.sort({3, 2, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12}, function(a, b) return true end) end)", "false\tt:2: invalid order function for sorting\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.sort({2, 1}, 1) end)", "false\tt:2: bad argument #2 to 'sort' (function expected, got number)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.sort(setmetatable({}, {__len = function() return 2^40 end})) end)", "false\tt:2: bad argument #1 to 'sort' (array too big)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.sort({1, 2, 3}, function(a, b) error('boom') end) end)", "false\tt:2: boom\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() table.sort(setmetatable({}, {__len = function() return 'x' end})) end)", "false\tt:2: object length is not an integer\n" },
    };

    [Theory]
    [MemberData(nameof(AllCases))]
    public void AllCases_UnderGcStress_SameOutput(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code, gcStress: true));
}
