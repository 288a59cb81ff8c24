using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MicroLua.Generators;

namespace MicroLua.Tests.Generators;

/// <summary>
/// The binding generator run on sources in memory: what it refuses is an error that names the
/// member and the reason (never a member silently left out), and what it accepts compiles.
/// The bindings' behaviour from Lua is tested in MicroLua.Api.Tests (BindingTests).
/// </summary>
public sealed class GeneratorTests
{
    private static readonly Lazy<MetadataReference[]> s_references = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(LuaState).Assembly.Location)
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    /// <summary>Runs the generator; returns its diagnostics and the errors of the compilation with its output.</summary>
    private static (ImmutableArray<Diagnostic> Generator, Diagnostic[] Compile) Run(string source)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Bound",
            [CSharpSyntaxTree.ParseText("using MicroLua;\nusing System;\n" + source, options)],
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new BindingGenerator().AsSourceGenerator()], parseOptions: options);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return (diagnostics, output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray());
    }

    private static string OnlyError(string source)
    {
        (ImmutableArray<Diagnostic> gen, _) = Run(source);
        Diagnostic d = Assert.Single(gen);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        return d.Id + ": " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void ABoundType_Compiles_WithNoDiagnostics()
    {
        (ImmutableArray<Diagnostic> gen, Diagnostic[] compile) = Run("""
            [LuaUserdata] public partial class P
            {
                public P(int x) { X = x; }
                public int X { get; set; }
                public string Name = "";
                public long this[long i] => i;
                public (int, string) Both() => (X, Name);
                public int? Maybe(string? s = null, double k = 1.5) => null;
                public static P operator +(P a, P b) => new(a.X + b.X);
                public static bool operator ==(P a, P b) => a.X == b.X;
                public static bool operator !=(P a, P b) => a.X != b.X;
                public override bool Equals(object? o) => o is P p && p.X == X;
                public override int GetHashCode() => X;
                public override string ToString() => "P";
                [LuaIgnore] public static implicit operator int(P p) => p.X;
                [LuaMember("__call")] public int Call(int y) => X + y;
                public const string Kind = "p";
                private int Hidden() => 0;
            }
            [LuaLibrary("lib")] public static partial class Lib
            {
                public static P Make(int x) => new(x);
                public static void Log(ReadOnlySpan<byte> text, LuaValue any, LuaTableRef t, LuaFunction f) { }
            }
            """);
        Assert.Empty(gen);
        Assert.Empty(compile);
    }

    [Theory]
    [InlineData("public event Action? Changed;", "MLUA003: 'P.Changed' cannot be bound to Lua: events have no Lua equivalent (mark it [LuaIgnore] to leave it out)")]
    [InlineData("public static int Count { get; set; }", "MLUA003: 'P.Count' cannot be bound to Lua: static properties are not supported (give a static method, or a const or static readonly field) (mark it [LuaIgnore] to leave it out)")]
    [InlineData("public static int Total;", "MLUA003: 'P.Total' cannot be bound to Lua: a mutable static field has no Lua equivalent (a const or static readonly field is copied into the table at registration) (mark it [LuaIgnore] to leave it out)")]
    [InlineData("public void Get(out int x) { x = 1; }", "MLUA003: 'P.Get(out int)' cannot be bound to Lua: parameter 'x' is ref, out or in, which Lua cannot pass (mark it [LuaIgnore] to leave it out)")]
    [InlineData("public T Id<T>(T x) => x;", "MLUA003: 'P.Id<T>(T)' cannot be bound to Lua: generic methods are not supported (mark it [LuaIgnore] to leave it out)")]
    [InlineData("public void Sum(params int[] xs) { }", "MLUA003: 'P.Sum(params int[])' cannot be bound to Lua: params parameter 'xs' is not supported (take LuaValue arguments, or a table) (mark it [LuaIgnore] to leave it out)")]
    [InlineData("public void Take(System.Text.StringBuilder sb) { }", "MLUA003: 'P.Take(System.Text.StringBuilder)' cannot be bound to Lua: parameter 'sb': System.Text.StringBuilder is not a Lua value (bind the class with [LuaUserdata], or take LuaValue) (mark it [LuaIgnore] to leave it out)")]
    [InlineData("public ulong Big() => 0;", "MLUA003: 'P.Big()' cannot be bound to Lua: its result: ulong has values no Lua integer holds; take long (mark it [LuaIgnore] to leave it out)")]
    [InlineData("public System.Threading.Tasks.Task Wait() => System.Threading.Tasks.Task.CompletedTask;", "MLUA003: 'P.Wait()' cannot be bound to Lua: its result: asynchronous members are not supported by the generator (mark it [LuaIgnore] to leave it out)")]
    [InlineData("public static implicit operator int(P p) => 0;", "MLUA003: 'P.implicit operator int(P)' cannot be bound to Lua: conversion operators have no Lua equivalent (mark it [LuaIgnore] to leave it out)")]
    [InlineData("public static P operator ++(P p) => p;", "MLUA003: 'P.operator ++(P)' cannot be bound to Lua: operator op_Increment has no Lua metamethod (mark it [LuaIgnore] to leave it out)")]
    [InlineData("public int X; [LuaMember(\"X\")] public void Y() { }", "MLUA004: 'P.Y()' has the Lua name 'X', already used by 'P.X' (rename one with [LuaMember(\"name\")] or mark it [LuaIgnore])")]
    public void AnUnsupportedMember_IsAnError_NamingIt(string member, string expected)
    {
        Assert.Equal(expected, OnlyError("[LuaUserdata] public partial class P { " + member + " }"));
    }

    [Theory]
    [InlineData("[LuaUserdata] public class P { }", "MLUA001: 'P' cannot be a Lua userdata type: it must be declared partial")]
    [InlineData("[LuaUserdata] public partial class P<T> { }", "MLUA001: 'P<T>' cannot be a Lua userdata type: generic types are not supported")]
    [InlineData("public partial class O { [LuaUserdata] public partial class P { } }", "MLUA001: 'O.P' cannot be a Lua userdata type: nested types are not supported")]
    [InlineData("[LuaUserdata] public static partial class P { }", "MLUA001: 'P' cannot be a Lua userdata type: a static class is a library: use [LuaLibrary]")]
    [InlineData("[LuaLibrary] public partial class L { }", "MLUA002: 'L' cannot be a Lua library: a library must be a static class")]
    [InlineData("[LuaLibrary] public static partial class L { public static int N { get; } }", "MLUA003: 'L.N' cannot be bound to Lua: static properties are not supported (give a static method, or a const or static readonly field) (mark it [LuaIgnore] to leave it out)")]
    public void AnUnsupportedType_IsAnError(string source, string expected)
    {
        Assert.Equal(expected, OnlyError(source));
    }

    [Fact]
    public void IgnoredMembers_AreLeftOut()
    {
        (ImmutableArray<Diagnostic> gen, Diagnostic[] compile) = Run("""
            [LuaUserdata] public partial class P
            {
                [LuaIgnore] public event Action? Changed;
                [LuaIgnore] public static int Total;
                [LuaIgnore] public void Get(out int x) { x = 1; }
            }
            """);
        Assert.Empty(gen);
        Assert.Empty(compile);
    }
}
