using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace MicroLua.Generators;

/// <summary>
/// What one attributed type turns into: the file's text and the diagnostics, as plain values
/// (no symbols, no syntax trees), so that the incremental pipeline can compare a new result
/// with the last one and skip the output step when nothing changed.
/// </summary>
internal sealed class GenerationResult(string hintName, string source, ImmutableArray<DiagnosticInfo> diagnostics) : IEquatable<GenerationResult>
{
    public string HintName { get; } = hintName;

    public string Source { get; } = source;

    public ImmutableArray<DiagnosticInfo> Diagnostics { get; } = diagnostics;

    public bool Equals(GenerationResult? other) =>
        other != null && HintName == other.HintName && Source == other.Source && Diagnostics.SequenceEqual(other.Diagnostics);

    public override bool Equals(object? obj) => Equals(obj as GenerationResult);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Source);
}

/// <summary>A diagnostic as values: the descriptor, its message arguments and where it points.</summary>
internal sealed class DiagnosticInfo(DiagnosticDescriptor descriptor, Location? location, params string[] args) : IEquatable<DiagnosticInfo>
{
    private readonly string? _path = location?.SourceTree?.FilePath;
    private readonly TextSpan _span = location?.SourceSpan ?? default;
    private readonly LinePositionSpan _lines = location?.GetLineSpan().Span ?? default;

    public DiagnosticDescriptor Descriptor { get; } = descriptor;

    public IReadOnlyList<string> Args { get; } = args;

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, _path == null ? Location.None : Location.Create(_path, _span, _lines), Args.Cast<object>().ToArray());

    public bool Equals(DiagnosticInfo? other) =>
        other != null && Descriptor.Id == other.Descriptor.Id && _path == other._path && _span == other._span && Args.SequenceEqual(other.Args);

    public override bool Equals(object? obj) => Equals(obj as DiagnosticInfo);

    public override int GetHashCode() => Descriptor.Id.GetHashCode() ^ _span.GetHashCode();
}

/// <summary>The generator's diagnostics: every member it cannot bind is an error that names the member and the way out.</summary>
internal static class Descriptors
{
    private const string Category = "MicroLua.Bindings";

    public static readonly DiagnosticDescriptor BadUserdataType = new(
        "MLUA001", "A [LuaUserdata] type must be a top-level, non-generic partial class",
        "'{0}' cannot be a Lua userdata type: {1}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor BadLibraryType = new(
        "MLUA002", "A [LuaLibrary] type must be a top-level, non-generic static partial class",
        "'{0}' cannot be a Lua library: {1}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedMember = new(
        "MLUA003", "A member cannot be bound to Lua",
        "'{0}' cannot be bound to Lua: {1} (mark it [LuaIgnore] to leave it out)", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NameClash = new(
        "MLUA004", "Two members have the same Lua name",
        "'{0}' has the Lua name '{1}', already used by {2} (rename one with [LuaMember(\"name\")] or mark it [LuaIgnore])", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
