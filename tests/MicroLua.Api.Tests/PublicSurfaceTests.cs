using MicroLua.Compiler;
using MicroLua.Host;

namespace MicroLua.Api.Tests;

/// <summary>
/// The public surface is the embedding API and nothing of the implementation: every exported
/// type is listed here, and each lives in its assembly's root namespace (no `using
/// MicroLua.Library;` to reach an output handler). A new public type is a decision: add it here.
/// </summary>
public sealed class PublicSurfaceTests
{
    private static readonly string[] s_runtime =
    [
        "ILuaCompiler", "LuaAllocationSite", "LuaAsyncCallback", "LuaAsyncCallContext", "LuaBudgetExceededException", "LuaCallback", "LuaCallContext",
        "LuaChunkInfo", "LuaCompactionResult", "LuaCompileException", "LuaCoroutine", "LuaCoroutineStatus",
        "LuaDebugHook", "LuaDebugThread", "LuaDebugVariable", "LuaException", "LuaFunction", "LuaGcMode", "LuaGcStatistics",
        "LuaHeapBlock", "LuaHeapMap", "LuaIgnoreAttribute", "LuaLibraries", "LuaLibraryAttribute", "LuaMemberAttribute", "LuaModuleSource", "LuaOptions", "LuaOutputHandler",
        "LuaOutputKind", "LuaReference", "LuaRequireHandler", "LuaSnapshot", "LuaStackFrame", "LuaState",
        "LuaTableRef", "LuaType", "LuaUserdata", "LuaUserdataAttribute", "LuaValue", "MemoryStats",
    ];

    private static string[] Exported(Type anchor) =>
        [.. anchor.Assembly.GetExportedTypes().Where(t => !t.IsNested).Select(t => t.FullName!).Order(StringComparer.Ordinal)];

    [Fact]
    public void TheRuntimeExportsOnlyTheEmbeddingApi() =>
        Assert.Equal(s_runtime.Select(n => "MicroLua." + n).Order(StringComparer.Ordinal), Exported(typeof(LuaState)));

    [Fact]
    public void TheCompilerExportsOnlyItsEntryPoints() =>
        Assert.Equal(["MicroLua.Compiler.LuaBytecode", "MicroLua.Compiler.LuaCompiler"], Exported(typeof(LuaCompiler)));

    [Fact]
    public void TheHostLibrariesExportOnlyTheirOptionsAndEntryPoints() =>
        Assert.Equal(["MicroLua.Host.LuaHostLibraries", "MicroLua.Host.LuaHostOptions", "MicroLua.Host.LuaStateFileExtensions"], Exported(typeof(LuaHostLibraries)));
}
