using System.Reflection;
using System.Runtime.Versioning;
using MicroLua.Compiler;
using MicroLua.Host;

namespace MicroLua.Tests;

/// <summary>The assemblies under test here are the netstandard2.1 builds (what Unity loads), not net8.0's.</summary>
public sealed class LoadedBuildTests
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
}
