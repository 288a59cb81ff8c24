# Lua snippets for the library tests: (class, method, [code, ...]). Expected outputs come from lua5.4 (see regen.py).
# (class, method, [code...]) ; expected output produced by lua5.4 with chunk name "=t"
E = "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\n"
CASES = [
 ("TableLibraryTests", "Concat_Values_JoinsLikeLua", [
   "print(table.concat({1, 2, 3}), table.concat({'a', 'b'}, ', '), '[' .. table.concat({}) .. ']')",
   "local t = {'a','b','c','d'} print(table.concat(t, '-', 2, 3), '[' .. table.concat(t, '-', 3, 2) .. ']', table.concat(t, '', 4, 4))",
   "print(table.concat({1, 2.5, 3.0, -0.0, 1e100, math.mininteger}, ' '))",
   "print(table.concat({1, 2}, 3))",
   "local t = setmetatable({}, {__index = function(_, i) return 'v' .. i end, __len = function() return 3 end}) print(table.concat(t, ','))",
   "print(table.concat({[math.maxinteger] = 'x'}, ',', math.maxinteger, math.maxinteger))",
 ]),
 ("TableLibraryTests", "Concat_InvalidValue_RaisesLuaMessage", [
   E + "e(function() local s = table.concat({1, {}, 3}) return s end)",
   E + "e(function() local s = table.concat({1, nil, 3}, ',', 1, 3) return s end)",
   E + "e(function() local s = table.concat({true}) return s end)",
   E + "e(function() local s = table.concat(nil) return s end)",
   E + "e(function() local s = table.concat({}, {}) return s end)",
   E + "e(function() local s = table.concat('abc') return s end)",
 ]),
 ("TableLibraryTests", "Insert_Positions_ShiftElements", [
   "local t = {1, 2, 3} table.insert(t, 4) table.insert(t, 1, 0) table.insert(t, 3, 1.5) print(table.concat(t, ','), #t)",
   "local t = {1} table.insert(t, 2, 'x') print(table.concat(t, ','))",
   "local t = {} for i = 1, 100 do table.insert(t, i) end for i = 1, 50 do table.remove(t) end print(#t, t[50], t[51])",
 ]),
 ("TableLibraryTests", "Insert_BadArguments_RaisesLuaMessage", [
   E + "e(function() table.insert({1, 2}, 5, 0) end)",
   E + "e(function() table.insert({1, 2}, 0, 0) end)",
   E + "e(function() table.insert({}, 1, 2, 3) end)",
   E + "e(function() table.insert({}) end)",
   E + "e(function() table.insert({}, 1.5, 1) end)",
   E + "e(function() table.insert(nil, 1) end)",
 ]),
 ("TableLibraryTests", "Insert_WithMetamethods_UsesIndexAndNewIndex", [
   "local log, store = {}, {} local t = setmetatable({}, {__index = store, __newindex = function(_, k, v) log[#log + 1] = tostring(k) .. '=' .. tostring(v) store[k] = v end, __len = function() return #store end}) table.insert(t, 'a') table.insert(t, 'b') table.insert(t, 1, 'c') print(table.concat(log, ' '), #t, store[1], store[2], store[3])",
 ]),
 ("TableLibraryTests", "Remove_Positions_ReturnsElement", [
   "local t = {'a','b','c','d'} local r1 = table.remove(t) local r2 = table.remove(t, 1) print(r1, r2, table.concat(t, ','), #t)",
   "local t = {} print(table.remove(t), table.remove({1, 2}, 3), table.remove({}, 0), #t)",
   "local t = {1, 2, 3} print(table.remove(t, 4), #t)",
   "local t = {[0] = 'z'} print(table.remove(t, 0), t[0])",
   E + "e(function() local r = table.remove({1, 2}, 5) return r end)",
   E + "e(function() local r = table.remove({1, 2}, -1) return r end)",
 ]),
 ("TableLibraryTests", "Move_Ranges_CopiesLikeLua", [
   "local a = {1, 2, 3, 4, 5} table.move(a, 1, 3, 3) local b = {1, 2, 3, 4, 5} table.move(b, 3, 5, 1) print(table.concat(a, ','), table.concat(b, ','))",
   "local src, dst = {1, 2, 3}, {'x'} local r = table.move(src, 1, 3, 2, dst) print(r == dst, table.concat(dst, ','))",
   "local t = {1, 2} table.move(t, 3, 2, 1) print(table.concat(t, ','))",
   "local log = {} local d = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = k .. '=' .. v rawset(t, k, v) end}) table.move({7, 8, 9}, 1, 3, 1, d) print(table.concat(log, ' '))",
   E + "e(function() local r = table.move({}, 0, math.maxinteger, 1) return r end)",
   E + "e(function() local r = table.move({}, 1, 2, math.maxinteger) return r end)",
   E + "e(function() local r = table.move({}, 1, 2) return r end)",
 ]),
 ("TableLibraryTests", "Pack_Arguments_SetsN", [
   "local t = table.pack() local u = table.pack(nil, nil) local v = table.pack(1, nil, 3) print(t.n, u.n, #table.pack(1, 2, 3), v.n, v[1], v[2], v[3])",
 ]),
 ("TableLibraryTests", "Unpack_Ranges_ReturnsElements", [
   "print(table.unpack({1, 2, 3})) print(table.unpack({1, 2, 3}, 2)) print(table.unpack({1, 2, 3}, 2, 5)) print(select('#', table.unpack({}, 3, 2)))",
   "local t = setmetatable({}, {__index = function(_, i) return i * 2 end}) print(table.unpack(t, 1, 4))",
   "print(select('#', table.unpack({}, math.maxinteger, math.maxinteger)), select('#', table.unpack({}, math.mininteger, math.mininteger + 2)))",
   E + "e(function() local a = table.unpack({}, 1, math.maxinteger) return a end)",
   E + "e(function() local a = table.unpack({}, math.mininteger, math.maxinteger) return a end)",
   E + "e(function() local a = table.unpack({}, 1, 1e7) return a end)",
 ]),
 ("TableLibraryTests", "Sort_Values_OrdersLikeLua", [
   "local t = {5, 2, 8, 1, 9, 3, 3, -1, 0} table.sort(t) print(table.concat(t, ','))",
   "local t = {'pear', 'Apple', 'banana', 'apple', '10', '9'} table.sort(t) print(table.concat(t, ','))",
   "local t = {3, 1, 4, 1, 5, 9, 2, 6} table.sort(t, function(a, b) return a > b end) print(table.concat(t, ','))",
   "local t = {2.5, 1, 3, 0.5, 2} table.sort(t) print(table.concat(t, ','))",
   "local t, x = {}, 7 for i = 1, 500 do x = (x * 1103515245 + 12345) % 2147483648 t[i] = x % 1000 end table.sort(t) local ok = true for i = 2, #t do if t[i - 1] > t[i] then ok = false end end print(ok, t[1], t[250], t[500])",
   "local t = {} for i = 1, 300 do t[i] = (i * 7919) % 301 end table.sort(t, function(a, b) return a > b end) local ok = true for i = 2, #t do if t[i - 1] < t[i] then ok = false end end print(ok, t[1], t[300])",
   "local mt = {__lt = function(a, b) return a.v < b.v end} local t = {} for _, v in ipairs({3, 1, 2}) do t[#t + 1] = setmetatable({v = v}, mt) end table.sort(t) print(t[1].v, t[2].v, t[3].v)",
   "local p = {{n = 'bob', a = 30}, {n = 'al', a = 25}, {n = 'cy', a = 30}, {n = 'di', a = 20}, {n = 'ed', a = 25}} table.sort(p, function(x, y) return x.a < y.a end) local r = {} for i, v in ipairs(p) do r[i] = v.n end print(table.concat(r, ','))",
   "local t = {} table.sort(t) local u = {1} table.sort(u, 1) print(#t, u[1])",
   "local t = {5, 1, 4, 2, 3, 5, 1, 4, 2, 3, 5, 1} table.sort(t, function(a, b) return a < b end) print(table.concat(t, ','))",
 ]),
 ("TableLibraryTests", "Sort_Errors_RaiseLuaMessage", [
   E + "e(function() table.sort({3, 2, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12}, function(a, b) return true end) end)",
   E + "e(function() table.sort({2, 1}, 1) end)",
   E + "e(function() table.sort(setmetatable({}, {__len = function() return 2^40 end})) end)",
   E + "e(function() table.sort({1, 2, 3}, function(a, b) error('boom') end) end)",
   E + "e(function() table.sort(setmetatable({}, {__len = function() return 'x' end})) end)",
 ]),
 ("MathLibraryTests", "Abs_Numbers_KeepsType", [
   "print(math.abs(-3), math.abs(3.5), math.abs(-0.0), math.abs(math.mininteger), math.abs(-math.huge), math.abs('-2'), math.type(math.abs(-3)))",
 ]),
 ("MathLibraryTests", "FloorCeil_Numbers_IntegersWhenRepresentable", [
   "print(math.floor(3.7), math.floor(-3.7), math.ceil(3.2), math.ceil(-3.2), math.floor(5), math.type(math.floor(2.0)), math.floor(1e100), math.ceil(-0.5))",
   "print(math.type(math.floor(2^62)), math.type(math.floor(2^63)), math.floor(-2^63), math.ceil(2^63), math.floor('3.7'), math.floor(-0.0), math.ceil(-2^63 - 1025))",
   E + "e(function() local x = math.floor({}) return x end)",
 ]),
 ("MathLibraryTests", "FMod_Operands_MatchesC", [
   "print(math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3), math.fmod(-7.5, 2), math.fmod(5.5, math.huge), math.type(math.fmod(7, 3)))",
   "print(math.fmod(math.mininteger, -1), math.fmod(3, math.mininteger), math.fmod(-6, 4), math.fmod(6, -4), math.fmod(6.0, 4))",
   E + "e(function() local x = math.fmod(1, 0) return x end)",
   "local n = math.fmod(1, 0.0) print(n ~= n)",
 ]),
 ("MathLibraryTests", "Constants_Values_MatchLua", [
   "print(math.huge, -math.huge, math.pi, math.maxinteger, math.mininteger, math.maxinteger + 1 == math.mininteger)",
 ]),
 ("MathLibraryTests", "ModF_Numbers_SplitsParts", [
   "print(math.modf(3.7)) print(math.modf(-3.7)) print(math.modf(5)) print(math.modf(math.huge)) print(math.modf(-math.huge)) print(math.modf(-0.5)) print(math.type(math.modf(3)), math.type(select(2, math.modf(3)))) print(math.modf(1e100))",
   "local a, b = math.modf(0/0) print(a ~= a, b ~= b)",
 ]),
 ("MathLibraryTests", "ExpLogSqrt_Values_MatchLua", [
   "print(math.sqrt(16), math.sqrt(2), math.exp(0), math.exp(1), math.log(1), math.log(math.exp(2)))",
   "print(math.log(8, 2), math.log(100, 10), math.log(1000, 10), math.log(27, 3), math.log(1024, 4), math.log(0), math.log(2, 0))",
   "print(math.exp(-math.huge), math.exp(math.huge), math.log(math.huge), -math.log(0))",
 ]),
 ("MathLibraryTests", "Trigonometry_Values_MatchLua", [
   "print(math.sin(0), math.cos(0), math.tan(0), math.asin(1) == math.pi / 2, math.acos(1), math.atan(1), math.atan(1, 1) == math.pi / 4, math.atan(0, -1) == math.pi, math.atan(-0.0, -1), math.sin(1), math.cos(1))",
 ]),
 ("MathLibraryTests", "ToInteger_Values_ConvertsOnlyNumbers", [
   "print(math.tointeger(3.0), math.tointeger(3.5), math.tointeger(2^63), math.tointeger(-2^63), math.tointeger({}), math.tointeger(7), math.tointeger(1e15), math.tointeger(-0.0))",
   E + "e(function() local x = math.tointeger() return x end)",
 ]),
 ("MathLibraryTests", "Type_Values_NamesNumberSubtype", [
   "print(math.type(1), math.type(1.0), math.type('1'), math.type(nil))",
   E + "e(function() local x = math.type() return x end)",
 ]),
 ("MathLibraryTests", "Ult_Integers_ComparesUnsigned", [
   "print(math.ult(1, 2), math.ult(1, -1), math.ult(-1, 1), math.ult(math.maxinteger, math.mininteger))",
   E + "e(function() local x = math.ult(1.5, 2) return x end)",
 ]),
 ("MathLibraryTests", "MinMax_Values_KeepChosenType", [
   "print(math.max(1, 2.5, 2), math.min(1, 2.5, 2), math.max(3), math.max(1, 1.0), math.min(-0.0, 0), math.max(math.mininteger, -math.huge), math.min(3, 1, 2))",
   E + "e(function() local x = math.max() return x end)",
   E + "e(function() local x = math.min() return x end)",
 ]),
 ("MathLibraryTests", "Random_FixedSeed_MatchesLuaSequence", [
   "math.randomseed(42) local r = {} for i = 1, 5 do r[i] = math.random() end print(table.concat(r, ' '))",
   "math.randomseed(42) local r = {} for i = 1, 10 do r[i] = math.random(100) end for i = 11, 20 do r[i] = math.random(-5, 5) end print(table.concat(r, ' '))",
   "math.randomseed(42) print(math.random(0), math.random(math.mininteger, math.maxinteger), math.random(1, 1000000007), math.random(3.0))",
   "math.randomseed(1, 2) local a, b = math.random(1000), math.random(1000) math.randomseed(1, 2) print(a, b, a == math.random(1000), b == math.random(1000))",
   "print(math.randomseed(42)) print(math.randomseed(-7, 9))",
   "math.randomseed(123) local ok = true for i = 1, 1000 do local x = math.random(3, 9) if x < 3 or x > 9 then ok = false end local f = math.random() if f < 0 or f >= 1 then ok = false end end print(ok, math.random(7, 7))",
 ]),
 ("MathLibraryTests", "Random_BadArguments_RaisesLuaMessage", [
   E + "e(function() local x = math.random(-1) return x end)",
   E + "e(function() local x = math.random(5, 1) return x end)",
   E + "e(function() local x = math.random(1, 2, 3) return x end)",
   E + "e(function() local x = math.random(3.5) return x end)",
   E + "e(function() local x = math.randomseed(1.5) return x end)",
 ]),
 ("Utf8LibraryTests", "Char_CodePoints_EncodesUtf8", [
   "print(utf8.char(72, 233, 8364, 128512), utf8.char() == '') print(utf8.char(0), utf8.char(0x7F), utf8.char(0x80), utf8.char(0x7FF), utf8.char(0x800), utf8.char(0xFFFF), utf8.char(0x10000), utf8.char(0x10FFFF), utf8.char(0x110000), utf8.char(0x7FFFFFFF), utf8.char(0x3FFFFFF), utf8.char(0x4000000), utf8.char('65'))",
   E + "e(function() local x = utf8.char(-1) return x end)",
   E + "e(function() local x = utf8.char(65, 0x80000000) return x end)",
 ]),
 ("Utf8LibraryTests", "CharPattern_Value_MatchesLua", [
   "print(utf8.charpattern == '[\\0-\\x7F\\xC2-\\xFD][\\x80-\\xBF]*', #utf8.charpattern)",
 ]),
 ("Utf8LibraryTests", "Len_Strings_CountsCharacters", [
   "local s = 'h\\u{E9}\\u{20AC}\\u{1F600}!' print(utf8.len(s), utf8.len(''), utf8.len('abc'), utf8.len(s, 2), utf8.len(s, -5), utf8.len(s, 1, 1))",
   "print(utf8.len('ab\\xffcd')) print(utf8.len('\\x80')) print(utf8.len('a\\xE2\\x82')) print(utf8.len('\\xC3')) print(utf8.len('ok\\xC3\\xA9\\xC3')) print(utf8.len('h\\u{E9}', 3))",
   "print(utf8.len('\\xed\\xa0\\x80')) print(utf8.len('\\xed\\xa0\\x80', 1, -1, true)) print(utf8.len('\\xf4\\x90\\x80\\x80')) print(utf8.len('\\xf4\\x90\\x80\\x80', 1, -1, true)) print(utf8.len('\\xc0\\x80', 1, -1, true)) print(utf8.len('\\u{7FFFFFFF}', 1, -1, true))",
   E + "e(function() local x = utf8.len('abc', 5) return x end)",
   E + "e(function() local x = utf8.len('abc', 1, 4) return x end)",
   E + "e(function() local x = utf8.len('abc', 0) return x end)",
 ]),
 ("Utf8LibraryTests", "CodePoint_Ranges_DecodesCharacters", [
   "local s = 'h\\u{E9}\\u{20AC}\\u{1F600}!' print(utf8.codepoint(s)) print(utf8.codepoint(s, 2)) print(utf8.codepoint(s, 1, -1)) print(select('#', utf8.codepoint('abc', 4, 3)))",
   "print(utf8.codepoint('\\xed\\xa0\\x80', 1, 1, true), utf8.codepoint('\\u{7FFFFFFF}', 1, 1, true))",
   E + "e(function() local x = utf8.codepoint('\\xff') return x end)",
   E + "e(function() local x = utf8.codepoint('abc', 4) return x end)",
   E + "e(function() local x = utf8.codepoint('abc', 0) return x end)",
   E + "e(function() local x = utf8.codepoint('\\xed\\xa0\\x80') return x end)",
 ]),
 ("Utf8LibraryTests", "Codes_Strings_IteratesCharacters", [
   "local r = {} for p, c in utf8.codes('h\\u{E9}\\u{20AC}\\u{1F600}!') do r[#r + 1] = p .. ':' .. c end print(table.concat(r, ' '))",
   "local r = {} for p, c in utf8.codes('a\\u{D7FF}\\xed\\xa0\\x80', true) do r[#r + 1] = p .. ':' .. c end print(table.concat(r, ' '))",
   "for p, c in utf8.codes('') do print(p, c) end print('empty')",
   E + "e(function() for p, c in utf8.codes('a\\xffb') do end end)",
   E + "e(function() for p, c in utf8.codes('\\xed\\xa0\\x80') do end end)",
 ]),
 ("Utf8LibraryTests", "Offset_Positions_FindsCharacterStarts", [
   "local s = 'h\\u{E9}\\u{20AC}\\u{1F600}!' print(utf8.offset(s, 1), utf8.offset(s, 2), utf8.offset(s, 3), utf8.offset(s, 4), utf8.offset(s, 5), utf8.offset(s, 6), utf8.offset(s, 7))",
   "local s = 'h\\u{E9}\\u{20AC}\\u{1F600}!' print(utf8.offset(s, -1), utf8.offset(s, -2), utf8.offset(s, -5), utf8.offset(s, -6), utf8.offset(s, 1, 4), utf8.offset(s, 2, 4))",
   "local s = 'h\\u{E9}\\u{20AC}\\u{1F600}!' print(utf8.offset(s, 0, 5), utf8.offset(s, 0, 6), utf8.offset(s, 0, 1), utf8.offset(s, 0, 12), utf8.offset('', 1), utf8.offset('', -1))",
   E + "e(function() local x = utf8.offset('h\\u{E9}', 1, 3) return x end)",
   E + "e(function() local x = utf8.offset('abc', 1, 5) return x end)",
   E + "e(function() local x = utf8.offset('abc', 1, 0) return x end)",
 ]),
]

CASES += [
 ("MathLibraryTests", "NaN_Results_SignAsCLibrary", ['print(math.sqrt(-1), math.acos(2), math.asin(2), math.fmod(1, 0.0), math.fmod(0/0, 1), math.log(-1), math.log(-1, 3), math.log(-1, 2), math.log(-1, 10), math.sin(1/0), math.cos(-1/0), math.tan(1/0), math.exp(0/0), math.log(0/0), math.log(-(0/0)), math.fmod(1/0, 2), math.fmod(-1/0, 2), math.log(1, -1), math.log(8, 0/0), math.sqrt(0/0), math.abs(0/0), math.abs(-(0/0)), math.floor(0/0), math.ceil(-(0/0)), math.modf(0/0), math.modf(-(0/0)))\nprint(math.atan(0/0), math.log(-0.0), math.log(0.0, 2), math.log(-0.0, 10), math.log(2, -2), math.log(-2, -2), math.max(0/0), math.min(-(0/0)))\n']),
 ("MathLibraryTests", "Random_FixedSeed_AllFloatBitsMatch", ["math.randomseed(42) for i = 1, 5 do print(math.floor(math.random() * 2^53)) end math.randomseed(-1, math.mininteger) print(math.random(0), math.random(0))"]),
 ("TableLibraryTests", "Sort_TiesAndBadComparators_SameArrangementAsLua", ['local seed = 12345\nlocal function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648 return seed % n end\nlocal out = {}\nfor trial = 1, 300 do\n  local n = rnd(99) + 1\n  local t = {}\n  for i = 1, n do t[i] = {k = rnd(5), id = i} end\n  table.sort(t, function(a, b) return a.k < b.k end)\n  local ids = {}\n  for i = 1, n do ids[i] = t[i].id end\n  out[#out + 1] = table.concat(ids, ",")\nend\n-- inconsistent comparators: error or not, and the final arrangement\nfor trial = 1, 200 do\n  local n = rnd(60) + 2\n  local t = {}\n  for i = 1, n do t[i] = rnd(10) end\n  local ok, err = pcall(table.sort, t, function(a, b) return a <= b end)\n  out[#out + 1] = tostring(ok) .. " " .. table.concat(t, ",")\nend\nfor trial = 1, 100 do\n  local n = rnd(150) + 2\n  local t = {}\n  for i = 1, n do t[i] = rnd(1000) end\n  table.sort(t)\n  out[#out + 1] = table.concat(t, ",")\nend\nlocal h = 0\nfor i = 1, #out do print(out[i]) end\n']),
 ("TableLibraryTests", "EdgeCases_AllLibraries_MatchLua", ['local function show(...) local t = table.pack(...) for i = 1, t.n do t[i] = tostring(t[i]) end return table.concat(t, " ") end\nlocal cases = {\n "math.floor(-0.0)", "math.ceil(0.5)", "math.floor(2^53+0.5)", "math.floor(-2^63)", "math.ceil(-2^63)", "math.floor(0/0)", "math.ceil(1/0)",\n "math.fmod(5, 2.5)", "math.fmod(-0.0, 1)", "math.fmod(1, math.huge)", "math.fmod(math.huge, 1)", "math.fmod(\'7\', 3)", "math.fmod(7, \'3\')", "math.fmod(math.mininteger, math.mininteger)",\n "math.modf(2^63)", "math.modf(-2^63)", "math.modf(\'3.5\')", "math.modf(0.0)", "math.modf(-0.0)",\n "math.abs(\'3\')", "math.abs(-2^63)",  "math.max(\'5\')", "math.min(0.0, -0.0)", "math.max(-0.0, 0.0)", "math.max(0/0, 1)", "math.max(1, 0/0)",\n "math.log(8, 2)", "math.log(-8, 2)", "math.log(0, 10)", "math.log(2, 1)", "math.log(1, 1)", "math.log(100, \'10\')", "math.log(9, 3.0)",\n "math.ult(0, 0)", "math.ult(-2, -1)", "math.tointeger(2^53)", "math.tointeger(0/0)", "math.tointeger(math.huge)", "math.tointeger(-2^63 - 2048)",\n "math.atan(1, 0)", "math.atan(-1, -0.0)", "math.sqrt(-0.0)", "math.exp(710)", "math.sin(math.huge)",\n "math.random(math.mininteger, math.mininteger)", "math.random(math.maxinteger, math.maxinteger)",\n "utf8.char(0x7FF, 0x800)", "utf8.len(\'abc\', -1)", "utf8.len(\'abc\', 4)", "utf8.len(\'abc\', 3, 2)", "utf8.len(\'\', 1, 0)", "utf8.len(\'abc\', -10)", "utf8.len(\'abc\', 1, -10)",\n "utf8.codepoint(\'abc\', -1)", "utf8.codepoint(\'abc\', 2, 1)", "utf8.codepoint(\'abc\', 1, -1)", "utf8.codepoint(\'\', 1, 0)", "utf8.codepoint(\'\\\\xF4\\\\x8F\\\\xBF\\\\xBF\')", "utf8.codepoint(\'\\\\xF4\\\\x90\\\\x80\\\\x80\', 1, 1, true)",\n "utf8.codepoint(\'\\\\xFC\\\\x84\\\\x80\\\\x80\\\\x80\\\\x80\', 1, 1, true)", "utf8.codepoint(\'\\\\xFD\\\\xBF\\\\xBF\\\\xBF\\\\xBF\\\\xBF\', 1, 1, true)", "utf8.codepoint(\'\\\\xFE\\\\xBF\', 1, 1, true)", "utf8.codepoint(\'\\\\xE0\\\\x80\\\\x80\', 1, 1, true)",\n "utf8.offset(\'abc\', 0)", "utf8.offset(\'abc\', 4)", "utf8.offset(\'abc\', 5)", "utf8.offset(\'abc\', -3)", "utf8.offset(\'abc\', -4)", "utf8.offset(\'abc\', 0, 4)", "utf8.offset(\'abc\', 1, 4)", "utf8.offset(\'abc\', -1, 4)", "utf8.offset(\'\\\\xC3\\\\xA9\', 0, 2)", "utf8.offset(\'\\\\xC3\\\\xA9\', -1, 3)", "utf8.offset(\'abc\', 2, -1)",\n "utf8.len(123)", "utf8.codepoint(65)", "utf8.char(65.0)", "utf8.len(\'\\\\xC3\\\\xA9\', 2)",\n "table.concat({1, 2, 3}, \', \', 2)", "table.concat({\'a\'}, nil, 1, 1)", "table.concat({}, \'x\', 1, 0)", "table.concat({1,2}, 1, 1, 2)",\n "table.unpack({1, 2, 3}, -1, 1)", "table.unpack({1, 2}, \'1\', \'2\')", \n "table.remove({1, 2, 3}, \'1\')", "table.remove({n = 1})", "table.move({1, 2, 3}, 1, 3, 2)[3]", "table.move({1,2,3}, -1, 1, 1)[1]",\n "select(\'#\', table.remove({}))", "table.pack(1, nil).n", "#table.pack(nil, 2)",\n "math.random(1, 2, 3)",  "math.random(-3, -3)", "math.floor(\'x\')", "math.abs()", "math.sqrt()", "math.ult(1)", "math.log()", "math.fmod(1)", "math.fmod(1, 0.0) ~= math.fmod(1, 0.0)",\n "table.insert({}, 1, 2, 3)", "table.insert({}, 3, 1)", "table.insert({}, 2, 1)", "table.insert()", "table.concat({{}})", "table.concat({1, 2}, nil, 1, 3)", "table.sort({1, 2}, \'x\')", "table.sort(1)", "table.move()", "table.move({}, 1, 1, 1, 5)",\n "utf8.char(\'x\')", "utf8.char(1.5)", "utf8.offset(\'abc\')", "utf8.offset(\'abc\', 1.5)", "utf8.len()", "utf8.codes()",\n}\nfor _, c in ipairs(cases) do\n  local f = load("local r = table.pack(" .. c .. ") return table.unpack(r, 1, r.n)", "=x")\n  local function run() local r = table.pack(f()) return table.unpack(r, 1, r.n) end\n  print(c, "=>", show(pcall(run)))\nend\n']),
]

CASES += [("TableLibraryTests", "Hostile_CallbacksThatCollect_MatchLua", ['-- comparator that empties the table mid-sort: values held by the sort must stay alive\nlocal t = {} for i = 1, 50 do t[i] = {v = (i * 37) % 50} end\nlocal n = 0\nprint(pcall(function() table.sort(t, function(a, b) n = n + 1 if n == 20 then for i = 1, 50 do t[i] = nil end collectgarbage() end return (a and a.v or 0) < (b and b.v or 0) end) end))\n-- __index producing fresh strings for concat and unpack\nlocal p = setmetatable({}, {__index = function(_, i) return "xxxxxxxxxxxxxxxxxxxxxxxxx" .. i .. "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy" end, __len = function() return 20 end})\nprint(#table.concat(p, ","), select("#", table.unpack(p)), (select(20, table.unpack(p))))\n-- __newindex that allocates while insert/remove/move shift\nlocal store = {}\nlocal q = setmetatable({}, {__index = store, __newindex = function(_, k, v) store[k] = v and {v} or nil; collectgarbage() end, __len = function() return #store end})\nfor i = 1, 10 do table.insert(q, 1, "s" .. i) end\nprint(#store, type(store[1][1]), type(store[2][1]))\nlocal r = table.pack(table.unpack({1, 2, 3}, 1, 3))\nprint(r.n, r[3])\nlocal big = {} for i = 1, 2000 do big[i] = tostring(i) end\ntable.sort(big) print(big[1], big[2000])\nprint(table.concat(big, "", 1, 5))\n'])]
