using System.Text;
using MicroLua.Api.Tests;

namespace MicroLua.Netstandard.Tests;

/// <summary>
/// The netstandard2.1 build's stand-ins for .NET 5-8 members (src/MicroLua/Polyfills), checked
/// through the public API against the real members of the .NET running the tests.
/// </summary>
public sealed class StandInTests
{
    public static TheoryData<byte[]> Utf8Cases() => new()
    {
        Array.Empty<byte>(),
        "plain ascii"u8.ToArray(),
        "h\u00e9llo \u20ac \U0001F600"u8.ToArray(),
        new byte[] { 0x80 },                   // lone continuation
        new byte[] { 0xC3 },                   // truncated 2-byte
        new byte[] { 0xE2, 0x82 },             // truncated 3-byte
        new byte[] { 0xF0, 0x9F, 0x98 },       // truncated 4-byte
        new byte[] { 0xC0, 0x80 },             // overlong NUL
        new byte[] { 0xE0, 0x80, 0xAF },       // overlong '/'
        new byte[] { 0xF0, 0x80, 0x80, 0xAF }, // overlong, 4 bytes
        new byte[] { 0xED, 0xA0, 0x80 },       // surrogate U+D800
        new byte[] { 0xED, 0x9F, 0xBF },       // U+D7FF, the last before the surrogates
        new byte[] { 0xF4, 0x8F, 0xBF, 0xBF }, // U+10FFFF
        new byte[] { 0xF4, 0x90, 0x80, 0x80 }, // past U+10FFFF
        new byte[] { 0xF8, 0x88, 0x80, 0x80, 0x80 },
        new byte[] { 0xFF, 0xFE },
        new byte[] { 0x41, 0xC3, 0xA9, 0xC3 }, // valid, then truncated
    };

    [Theory]
    [MemberData(nameof(Utf8Cases))]
    public void FromBytes_TakesAsTextExactlyWhatUtf8IsValidAccepts(byte[] bytes)
    {
        bool asText = LuaValue.FromBytes(bytes) == LuaValue.FromString(Encoding.UTF8.GetString(bytes));
        Assert.Equal(System.Text.Unicode.Utf8.IsValid(bytes), asText);
    }

    [Theory]
    [InlineData("0x1p-1074", -1074)]
    [InlineData("0x1p-1022", -1022)]
    [InlineData("0x1p-1075", -1075)]
    [InlineData("0x1p1023", 1023)]
    [InlineData("0x1p1024", 1024)]
    [InlineData("0x1p-2000", -2000)]
    [InlineData("0x1p2000", 2000)]
    [InlineData("0x1.8p1", 1)]
    public void HexFloats_ScaleAsMathScaleB(string text, int exponent)
    {
        using var lua = new Lua();
        double mantissa = text.StartsWith("0x1.8", StringComparison.Ordinal) ? 1.5 : 1.0;
        Assert.Equal(Math.ScaleB(mantissa, exponent), lua.Eval($"tonumber('{text}')").ToNumber());
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(8.0)]
    [InlineData(1024.0)]
    [InlineData(0.125)]
    [InlineData(4.9406564584124654E-324)] // 2^-1074, the smallest subnormal
    [InlineData(8.98846567431158e307)]    // 2^1023
    public void Log2_IsExactAtPowersOfTwo(double x)
    {
        using var lua = new Lua();
        lua.State["x"] = x;
        Assert.Equal(Math.Log2(x), lua.Eval("math.log(x, 2)").ToNumber());
    }

    [Theory]
    [InlineData(3.0)]
    [InlineData(10.0)]
    [InlineData(0.3)]
    [InlineData(1e300)]
    [InlineData(1e-310)]
    public void Log2_ElsewhereIsWithinTwoUlps(double x)
    {
        using var lua = new Lua();
        lua.State["x"] = x;
        double expected = Math.Log2(x), actual = lua.Eval("math.log(x, 2)").ToNumber();
        Assert.True(Math.Abs(actual - expected) <= 2 * Math.Abs(Math.BitIncrement(expected) - expected), $"{actual:R} vs {expected:R}");
    }

    [Theory]
    [InlineData("math.log(0, 2)", double.NegativeInfinity)]
    [InlineData("math.log(1/0, 2)", double.PositiveInfinity)]
    public void Log2_AtTheEnds(string code, double expected)
    {
        using var lua = new Lua();
        Assert.Equal(expected, lua.Eval(code).ToNumber());
    }

    [Theory]
    [InlineData("string.format('%d|%5d|%-5d|%x|%X|%o', -42, 7, 7, 255, 255, 8)", "-42|    7|7    |ff|FF|10")]
    [InlineData("tostring(1/3) .. ' ' .. tostring(-0.0) .. ' ' .. tostring(1e300 * 1e10) .. ' ' .. tostring(2^63)", "0.33333333333333 -0.0 inf 9.2233720368548e+18")]
    [InlineData("math.tointeger(3.0) .. ' ' .. math.maxinteger .. ' ' .. math.mininteger", "3 9223372036854775807 -9223372036854775808")]
    [InlineData("tostring(tonumber('  0x10  ')) .. tostring(tonumber('1e2')) .. tostring(tonumber('.5'))", "16100.00.5")]
    [InlineData("('a+b'):find('+', 1, true) .. ('a.b'):find('%.') .. tostring(('abc'):find('[xyz]'))", "22nil")]
    [InlineData("(string.format('%q', 1/0)) .. ' ' .. string.format('%.3f', 2/3)", "1e9999 0.667")]
    public void NumberTextAndPatterns_AsLua54(string code, string expected)
    {
        using var lua = new Lua();
        Assert.Equal(expected, lua.Eval(code).ToString());
    }
}
