// Expected outputs were produced by lua5.4 (chunk name "=t").
namespace MicroLua.Tests.Library;

public sealed partial class MathLibraryTests
{
    [Theory]
    [InlineData("print(math.abs(-3), math.abs(3.5), math.abs(-0.0), math.abs(math.mininteger), math.abs(-math.huge), math.abs('-2'), math.type(math.abs(-3)))", "3\t3.5\t0.0\t-9223372036854775808\tinf\t2.0\tinteger\n")]
    public void Abs_Numbers_KeepsType(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("print(math.floor(3.7), math.floor(-3.7), math.ceil(3.2), math.ceil(-3.2), math.floor(5), math.type(math.floor(2.0)), math.floor(1e100), math.ceil(-0.5))", "3\t-4\t4\t-3\t5\tinteger\t1e+100\t0\n")]
    [InlineData("print(math.type(math.floor(2^62)), math.type(math.floor(2^63)), math.floor(-2^63), math.ceil(2^63), math.floor('3.7'), math.floor(-0.0), math.ceil(-2^63 - 1025))", "integer\tfloat\t-9223372036854775808\t9.2233720368548e+18\t3\t0\t-9.2233720368548e+18\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.floor({}) return x end)", "false\tt:2: bad argument #1 to 'floor' (number expected, got table)\n")]
    public void FloorCeil_Numbers_IntegersWhenRepresentable(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("print(math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3), math.fmod(-7.5, 2), math.fmod(5.5, math.huge), math.type(math.fmod(7, 3)))", "1\t-1\t1\t-1.5\t5.5\tinteger\n")]
    [InlineData("print(math.fmod(math.mininteger, -1), math.fmod(3, math.mininteger), math.fmod(-6, 4), math.fmod(6, -4), math.fmod(6.0, 4))", "0\t3\t-2\t2\t2.0\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.fmod(1, 0) return x end)", "false\tt:2: bad argument #2 to 'fmod' (zero)\n")]
    [InlineData("local n = math.fmod(1, 0.0) print(n ~= n)", "true\n")]
    public void FMod_Operands_MatchesC(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("print(math.huge, -math.huge, math.pi, math.maxinteger, math.mininteger, math.maxinteger + 1 == math.mininteger)", "inf\t-inf\t3.1415926535898\t9223372036854775807\t-9223372036854775808\ttrue\n")]
    public void Constants_Values_MatchLua(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("print(math.modf(3.7)) print(math.modf(-3.7)) print(math.modf(5)) print(math.modf(math.huge)) print(math.modf(-math.huge)) print(math.modf(-0.5)) print(math.type(math.modf(3)), math.type(select(2, math.modf(3)))) print(math.modf(1e100))", "3\t0.7\n-3\t-0.7\n5\t0.0\ninf\t0.0\n-inf\t0.0\n0\t-0.5\ninteger\tfloat\n1e+100\t0.0\n")]
    [InlineData("local a, b = math.modf(0/0) print(a ~= a, b ~= b)", "true\ttrue\n")]
    public void ModF_Numbers_SplitsParts(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("print(math.sqrt(16), math.sqrt(2), math.exp(0), math.exp(1), math.log(1), math.log(math.exp(2)))", "4.0\t1.4142135623731\t1.0\t2.718281828459\t0.0\t2.0\n")]
    [InlineData("print(math.log(8, 2), math.log(100, 10), math.log(1000, 10), math.log(27, 3), math.log(1024, 4), math.log(0), math.log(2, 0))", "3.0\t2.0\t3.0\t3.0\t5.0\t-inf\t-0.0\n")]
    [InlineData("print(math.exp(-math.huge), math.exp(math.huge), math.log(math.huge), -math.log(0))", "0.0\tinf\tinf\tinf\n")]
    public void ExpLogSqrt_Values_MatchLua(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("print(math.sin(0), math.cos(0), math.tan(0), math.asin(1) == math.pi / 2, math.acos(1), math.atan(1), math.atan(1, 1) == math.pi / 4, math.atan(0, -1) == math.pi, math.atan(-0.0, -1), math.sin(1), math.cos(1))", "0.0\t1.0\t0.0\ttrue\t0.0\t0.78539816339745\ttrue\ttrue\t-3.1415926535898\t0.8414709848079\t0.54030230586814\n")]
    public void Trigonometry_Values_MatchLua(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("print(math.tointeger(3.0), math.tointeger(3.5), math.tointeger(2^63), math.tointeger(-2^63), math.tointeger({}), math.tointeger(7), math.tointeger(1e15), math.tointeger(-0.0))", "3\tnil\tnil\t-9223372036854775808\tnil\t7\t1000000000000000\t0\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.tointeger() return x end)", "false\tt:2: bad argument #1 to 'tointeger' (value expected)\n")]
    public void ToInteger_Values_ConvertsOnlyNumbers(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("print(math.type(1), math.type(1.0), math.type('1'), math.type(nil))", "integer\tfloat\tnil\tnil\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.type() return x end)", "false\tt:2: bad argument #1 to 'type' (value expected)\n")]
    public void Type_Values_NamesNumberSubtype(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("print(math.ult(1, 2), math.ult(1, -1), math.ult(-1, 1), math.ult(math.maxinteger, math.mininteger))", "true\ttrue\tfalse\ttrue\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.ult(1.5, 2) return x end)", "false\tt:2: bad argument #1 to 'ult' (number has no integer representation)\n")]
    public void Ult_Integers_ComparesUnsigned(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("print(math.max(1, 2.5, 2), math.min(1, 2.5, 2), math.max(3), math.max(1, 1.0), math.min(-0.0, 0), math.max(math.mininteger, -math.huge), math.min(3, 1, 2))", "2.5\t1\t3\t1\t-0.0\t-9223372036854775808\t1\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.max() return x end)", "false\tt:2: bad argument #1 to 'max' (value expected)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.min() return x end)", "false\tt:2: bad argument #1 to 'min' (value expected)\n")]
    public void MinMax_Values_KeepChosenType(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("math.randomseed(42) local r = {} for i = 1, 5 do r[i] = math.random() end print(table.concat(r, ' '))", "0.93081217803957 0.45178389935924 0.54688311243421 0.79358935263827 0.61731763595847\n")]
    [InlineData("math.randomseed(42) local r = {} for i = 1, 10 do r[i] = math.random(100) end for i = 11, 20 do r[i] = math.random(-5, 5) end print(table.concat(r, ' '))", "50 76 86 54 64 7 25 3 24 24 -5 -5 2 -5 4 3 0 3 -2 5\n")]
    [InlineData("math.randomseed(42) print(math.random(0), math.random(math.mininteger, math.maxinteger), math.random(1, 1000000007), math.random(3.0))", "-1276290044721465627\t-889430068752264143\t599768396\t2\n")]
    [InlineData("math.randomseed(1, 2) local a, b = math.random(1000), math.random(1000) math.randomseed(1, 2) print(a, b, a == math.random(1000), b == math.random(1000))", "130\t905\ttrue\ttrue\n")]
    [InlineData("print(math.randomseed(42)) print(math.randomseed(-7, 9))", "42\t0\n-7\t9\n")]
    [InlineData("math.randomseed(123) local ok = true for i = 1, 1000 do local x = math.random(3, 9) if x < 3 or x > 9 then ok = false end local f = math.random() if f < 0 or f >= 1 then ok = false end end print(ok, math.random(7, 7))", "true\t7\n")]
    public void Random_FixedSeed_MatchesLuaSequence(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.random(-1) return x end)", "false\tt:2: bad argument #1 to 'random' (interval is empty)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.random(5, 1) return x end)", "false\tt:2: bad argument #1 to 'random' (interval is empty)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.random(1, 2, 3) return x end)", "false\tt:2: wrong number of arguments\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.random(3.5) return x end)", "false\tt:2: bad argument #1 to 'random' (number has no integer representation)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.randomseed(1.5) return x end)", "false\tt:2: bad argument #1 to 'randomseed' (number has no integer representation)\n")]
    public void Random_BadArguments_RaisesLuaMessage(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("print(math.sqrt(-1), math.acos(2), math.asin(2), math.fmod(1, 0.0), math.fmod(0/0, 1), math.log(-1), math.log(-1, 3), math.log(-1, 2), math.log(-1, 10), math.sin(1/0), math.cos(-1/0), math.tan(1/0), math.exp(0/0), math.log(0/0), math.log(-(0/0)), math.fmod(1/0, 2), math.fmod(-1/0, 2), math.log(1, -1), math.log(8, 0/0), math.sqrt(0/0), math.abs(0/0), math.abs(-(0/0)), math.floor(0/0), math.ceil(-(0/0)), math.modf(0/0), math.modf(-(0/0)))\nprint(math.atan(0/0), math.log(-0.0), math.log(0.0, 2), math.log(-0.0, 10), math.log(2, -2), math.log(-2, -2), math.max(0/0), math.min(-(0/0)))\n", "-nan\tnan\tnan\t-nan\t-nan\t-nan\t-nan\t-nan\tnan\t-nan\t-nan\t-nan\t-nan\t-nan\tnan\t-nan\t-nan\t-nan\t-nan\t-nan\tnan\tnan\t-nan\tnan\t-nan\tnan\tnan\n-nan\t-inf\t-inf\t-inf\t-nan\t-nan\t-nan\tnan\n")]
    public void NaN_Results_SignAsCLibrary(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("math.randomseed(42) for i = 1, 5 do print(math.floor(math.random() * 2^53)) end math.randomseed(-1, math.mininteger) print(math.random(0), math.random(0))", "8384010756341838\n4069307601612554\n4925885162747895\n7148017425653835\n5560302950543626\n-1643677802752814401\t6269459204356468599\n")]
    public void Random_FixedSeed_AllFloatBitsMatch(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    public static TheoryData<string, string> AllCases => new()
    {
        { "print(math.abs(-3), math.abs(3.5), math.abs(-0.0), math.abs(math.mininteger), math.abs(-math.huge), math.abs('-2'), math.type(math.abs(-3)))", "3\t3.5\t0.0\t-9223372036854775808\tinf\t2.0\tinteger\n" },
        { "print(math.floor(3.7), math.floor(-3.7), math.ceil(3.2), math.ceil(-3.2), math.floor(5), math.type(math.floor(2.0)), math.floor(1e100), math.ceil(-0.5))", "3\t-4\t4\t-3\t5\tinteger\t1e+100\t0\n" },
        { "print(math.type(math.floor(2^62)), math.type(math.floor(2^63)), math.floor(-2^63), math.ceil(2^63), math.floor('3.7'), math.floor(-0.0), math.ceil(-2^63 - 1025))", "integer\tfloat\t-9223372036854775808\t9.2233720368548e+18\t3\t0\t-9.2233720368548e+18\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.floor({}) return x end)", "false\tt:2: bad argument #1 to 'floor' (number expected, got table)\n" },
        { "print(math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3), math.fmod(-7.5, 2), math.fmod(5.5, math.huge), math.type(math.fmod(7, 3)))", "1\t-1\t1\t-1.5\t5.5\tinteger\n" },
        { "print(math.fmod(math.mininteger, -1), math.fmod(3, math.mininteger), math.fmod(-6, 4), math.fmod(6, -4), math.fmod(6.0, 4))", "0\t3\t-2\t2\t2.0\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.fmod(1, 0) return x end)", "false\tt:2: bad argument #2 to 'fmod' (zero)\n" },
        { "local n = math.fmod(1, 0.0) print(n ~= n)", "true\n" },
        { "print(math.huge, -math.huge, math.pi, math.maxinteger, math.mininteger, math.maxinteger + 1 == math.mininteger)", "inf\t-inf\t3.1415926535898\t9223372036854775807\t-9223372036854775808\ttrue\n" },
        { "print(math.modf(3.7)) print(math.modf(-3.7)) print(math.modf(5)) print(math.modf(math.huge)) print(math.modf(-math.huge)) print(math.modf(-0.5)) print(math.type(math.modf(3)), math.type(select(2, math.modf(3)))) print(math.modf(1e100))", "3\t0.7\n-3\t-0.7\n5\t0.0\ninf\t0.0\n-inf\t0.0\n0\t-0.5\ninteger\tfloat\n1e+100\t0.0\n" },
        { "local a, b = math.modf(0/0) print(a ~= a, b ~= b)", "true\ttrue\n" },
        { "print(math.sqrt(16), math.sqrt(2), math.exp(0), math.exp(1), math.log(1), math.log(math.exp(2)))", "4.0\t1.4142135623731\t1.0\t2.718281828459\t0.0\t2.0\n" },
        { "print(math.log(8, 2), math.log(100, 10), math.log(1000, 10), math.log(27, 3), math.log(1024, 4), math.log(0), math.log(2, 0))", "3.0\t2.0\t3.0\t3.0\t5.0\t-inf\t-0.0\n" },
        { "print(math.exp(-math.huge), math.exp(math.huge), math.log(math.huge), -math.log(0))", "0.0\tinf\tinf\tinf\n" },
        { "print(math.sin(0), math.cos(0), math.tan(0), math.asin(1) == math.pi / 2, math.acos(1), math.atan(1), math.atan(1, 1) == math.pi / 4, math.atan(0, -1) == math.pi, math.atan(-0.0, -1), math.sin(1), math.cos(1))", "0.0\t1.0\t0.0\ttrue\t0.0\t0.78539816339745\ttrue\ttrue\t-3.1415926535898\t0.8414709848079\t0.54030230586814\n" },
        { "print(math.tointeger(3.0), math.tointeger(3.5), math.tointeger(2^63), math.tointeger(-2^63), math.tointeger({}), math.tointeger(7), math.tointeger(1e15), math.tointeger(-0.0))", "3\tnil\tnil\t-9223372036854775808\tnil\t7\t1000000000000000\t0\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.tointeger() return x end)", "false\tt:2: bad argument #1 to 'tointeger' (value expected)\n" },
        { "print(math.type(1), math.type(1.0), math.type('1'), math.type(nil))", "integer\tfloat\tnil\tnil\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.type() return x end)", "false\tt:2: bad argument #1 to 'type' (value expected)\n" },
        { "print(math.ult(1, 2), math.ult(1, -1), math.ult(-1, 1), math.ult(math.maxinteger, math.mininteger))", "true\ttrue\tfalse\ttrue\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.ult(1.5, 2) return x end)", "false\tt:2: bad argument #1 to 'ult' (number has no integer representation)\n" },
        { "print(math.max(1, 2.5, 2), math.min(1, 2.5, 2), math.max(3), math.max(1, 1.0), math.min(-0.0, 0), math.max(math.mininteger, -math.huge), math.min(3, 1, 2))", "2.5\t1\t3\t1\t-0.0\t-9223372036854775808\t1\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.max() return x end)", "false\tt:2: bad argument #1 to 'max' (value expected)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.min() return x end)", "false\tt:2: bad argument #1 to 'min' (value expected)\n" },
        { "math.randomseed(42) local r = {} for i = 1, 5 do r[i] = math.random() end print(table.concat(r, ' '))", "0.93081217803957 0.45178389935924 0.54688311243421 0.79358935263827 0.61731763595847\n" },
        { "math.randomseed(42) local r = {} for i = 1, 10 do r[i] = math.random(100) end for i = 11, 20 do r[i] = math.random(-5, 5) end print(table.concat(r, ' '))", "50 76 86 54 64 7 25 3 24 24 -5 -5 2 -5 4 3 0 3 -2 5\n" },
        { "math.randomseed(42) print(math.random(0), math.random(math.mininteger, math.maxinteger), math.random(1, 1000000007), math.random(3.0))", "-1276290044721465627\t-889430068752264143\t599768396\t2\n" },
        { "math.randomseed(1, 2) local a, b = math.random(1000), math.random(1000) math.randomseed(1, 2) print(a, b, a == math.random(1000), b == math.random(1000))", "130\t905\ttrue\ttrue\n" },
        { "print(math.randomseed(42)) print(math.randomseed(-7, 9))", "42\t0\n-7\t9\n" },
        { "math.randomseed(123) local ok = true for i = 1, 1000 do local x = math.random(3, 9) if x < 3 or x > 9 then ok = false end local f = math.random() if f < 0 or f >= 1 then ok = false end end print(ok, math.random(7, 7))", "true\t7\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.random(-1) return x end)", "false\tt:2: bad argument #1 to 'random' (interval is empty)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.random(5, 1) return x end)", "false\tt:2: bad argument #1 to 'random' (interval is empty)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.random(1, 2, 3) return x end)", "false\tt:2: wrong number of arguments\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.random(3.5) return x end)", "false\tt:2: bad argument #1 to 'random' (number has no integer representation)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = math.randomseed(1.5) return x end)", "false\tt:2: bad argument #1 to 'randomseed' (number has no integer representation)\n" },
        { "print(math.sqrt(-1), math.acos(2), math.asin(2), math.fmod(1, 0.0), math.fmod(0/0, 1), math.log(-1), math.log(-1, 3), math.log(-1, 2), math.log(-1, 10), math.sin(1/0), math.cos(-1/0), math.tan(1/0), math.exp(0/0), math.log(0/0), math.log(-(0/0)), math.fmod(1/0, 2), math.fmod(-1/0, 2), math.log(1, -1), math.log(8, 0/0), math.sqrt(0/0), math.abs(0/0), math.abs(-(0/0)), math.floor(0/0), math.ceil(-(0/0)), math.modf(0/0), math.modf(-(0/0)))\nprint(math.atan(0/0), math.log(-0.0), math.log(0.0, 2), math.log(-0.0, 10), math.log(2, -2), math.log(-2, -2), math.max(0/0), math.min(-(0/0)))\n", "-nan\tnan\tnan\t-nan\t-nan\t-nan\t-nan\t-nan\tnan\t-nan\t-nan\t-nan\t-nan\t-nan\tnan\t-nan\t-nan\t-nan\t-nan\t-nan\tnan\tnan\t-nan\tnan\t-nan\tnan\tnan\n-nan\t-inf\t-inf\t-inf\t-nan\t-nan\t-nan\tnan\n" },
        { "math.randomseed(42) for i = 1, 5 do print(math.floor(math.random() * 2^53)) end math.randomseed(-1, math.mininteger) print(math.random(0), math.random(0))", "8384010756341838\n4069307601612554\n4925885162747895\n7148017425653835\n5560302950543626\n-1643677802752814401\t6269459204356468599\n" },
    };

    [Theory]
    [MemberData(nameof(AllCases))]
    public void AllCases_UnderGcStress_SameOutput(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code, gcStress: true));
}
