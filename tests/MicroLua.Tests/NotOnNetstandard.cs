namespace MicroLua.Tests;

/// <summary>
/// Why a test of this suite is skipped when tests/MicroLua.Netstandard.InternalTests compiles it
/// against the netstandard2.1 assemblies (that project defines MICROLUA_NETSTANDARD); here every
/// reason is null, so nothing is skipped. Whole files left out there are listed, with their
/// reasons, in its csproj.
/// </summary>
internal static class NotOnNetstandard
{
#if MICROLUA_NETSTANDARD
    /// <summary>The test runs the mlua program, a net10.0 executable built on the net8.0 assemblies: it never loads the netstandard2.1 ones.</summary>
    public const string? Mlua = "runs mlua, a net10.0 program built on the net8.0 assemblies (never the netstandard2.1 ones)";
#else
    public const string? Mlua = null;
#endif
}
