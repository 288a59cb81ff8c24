using System.Reflection;
using System.Runtime.Versioning;
using MicroLua.Api.Tests;
using MicroLua.Compiler;
using MicroLua.Host;

namespace MicroLua.Netstandard.Tests;

/// <summary>The assemblies under test are the netstandard2.1 builds (what Unity loads), not net8.0's.</summary>
public sealed class BuildTargetFrameworkTests
{
    [Theory]
    [InlineData(typeof(LuaState))]
    [InlineData(typeof(LuaCompiler))]
    [InlineData(typeof(LuaHostLibraries))]
    public void TheLoadedAssembly_IsTheNetstandard21Build(Type anchor)
    {
        string? framework = anchor.Assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName;
        Assert.Equal(".NETStandard,Version=v2.1", framework);
    }

    [Fact]
    public void AScriptRuns_OnTheNetstandard21Build()
    {
        // integer and float formatting, the pattern matcher and math.log's base 2: each a netstandard2.1 stand-in
        using var lua = new Lua();
        Assert.Equal("7 ok 1.5 3.0 3 2", lua.Eval("string.format('%d %s %.1f %.1f %s %s', 3 + 4, 'ok', 3 / 2, math.log(8, 2), math.log(8, 2) == 3 and 3, ('a.b'):find('.', 1, true) + 0)").ToString());
    }
}
