namespace MicroLua;

/// <summary>Where print and warnings write: the bytes and what kind of output they are.</summary>
public delegate void LuaOutputHandler(ReadOnlySpan<byte> bytes, LuaOutputKind kind);

/// <summary>What a piece of output is.</summary>
public enum LuaOutputKind
{
    /// <summary>Output of print and io.write to standard output.</summary>
    Standard,
    /// <summary>A warning (warn) or an error report.</summary>
    Warning,
}
