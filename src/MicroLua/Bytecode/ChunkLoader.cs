using MicroLua.Core;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua.Bytecode;

/// <summary>
/// Chunk loading, one per state: source text through the compiler or a binary chunk through
/// its reader, every prototype through <see cref="Verifier"/>, then into the heap
/// (<see cref="ProtoLoader"/>) as a closure; and string.dump's way back
/// (<see cref="ProtoExporter"/>). The libraries (load, require, string.dump) and the embedding
/// API call it; nothing else reads chunk bytes.
/// </summary>
internal sealed unsafe class ChunkLoader(LuaGlobal g, Interpreter vm)
{
    private readonly LuaGlobal _g = g;
    private readonly Interpreter _vm = vm;

    /// <summary>The compiler for source text, or null in a state that runs bytecode only.</summary>
    public ILuaCompiler? Compiler { get; set; }

    /// <summary>Whether chunks a script loads may be binary (LuaLibraries.BinaryChunks).</summary>
    public bool AllowBinaryChunks { get; set; } = true;

    /// <summary>Called after each chunk loads, with its prototype and its source text (empty for a binary chunk), while a debugger is attached (LuaState.Debugging.cs).</summary>
    public Action<FunctionProto, byte[]?>? ChunkLoaded { get; set; }

    /// <summary>
    /// Compiles or reads a chunk and makes its main function with <paramref name="env"/> as _ENV.
    /// Binary chunks that a script loads (load, loadfile, require from files) need
    /// <see cref="AllowBinaryChunks"/>; the host's own loads (<paramref name="fromHost"/>) do not.
    /// </summary>
    public bool TryLoad(ReadOnlySpan<byte> bytes, string chunkName, string mode, in Value env, out Value fn, out string? error, bool fromHost = false)
    {
        fn = default;
        bool binary = bytes.Length > 0 && bytes[0] == 0x1B;
        if (binary && !fromHost && !AllowBinaryChunks)
        {
            error = "attempt to load a binary chunk (binary chunks are disabled in this state)";
            return false;
        }

        if (binary && !mode.Contains('b'))
        {
            error = $"attempt to load a binary chunk (mode is '{mode}')";
            return false;
        }

        if (!binary && !mode.Contains('t'))
        {
            error = $"attempt to load a text chunk (mode is '{mode}')";
            return false;
        }

        if (binary)
        {
            fixed (byte* data = bytes)
            {
                return TryLoadBinary(data, (nuint)bytes.Length, false, chunkName, env, out fn, out error);
            }
        }

        if (Compiler == null)
        {
            error = $"{ChunkId.Format(chunkName)}: cannot load source text: this state has no compiler (load bytecode instead)";
            return false;
        }

        FunctionProto proto;
        try
        {
            proto = Compiler.Compile(bytes, chunkName);
            Verifier.Verify(proto); // compiled code enters like any other chunk
        }
        catch (LuaCompileException e)
        {
            error = e.Message;
            return false;
        }
        catch (ChunkFormatException e)
        {
            error = $"{ChunkId.Format(chunkName)}: compiler produced invalid code ({e.Message})";
            return false;
        }

        fn = Instantiate(proto, env);
        ChunkLoaded?.Invoke(proto, bytes.ToArray());
        error = null;
        return true;
    }

    /// <summary>
    /// Reads, verifies and instantiates a binary chunk. With <paramref name="inPlace"/> the
    /// caller guarantees the memory stays alive and unchanged as long as the state: code and
    /// line information are then used where they lie (when byte order and alignment allow).
    /// </summary>
    public bool TryLoadBinary(byte* data, nuint length, bool inPlace, string chunkName, in Value env, out Value fn, out string? error)
    {
        fn = default;
        FunctionProto proto;
        try
        {
            proto = ChunkReader.Read(data, length, inPlace, out _);
            Verifier.Verify(proto);
        }
        catch (ChunkFormatException e)
        {
            error = $"{BinaryChunkName(chunkName)}: bad binary format ({e.Message})";
            return false;
        }

        fn = Instantiate(proto, env);
        ChunkLoaded?.Invoke(proto, null);
        error = null;
        return true;
    }

    /// <summary>The name Lua's undump puts in front of a format error.</summary>
    private static string BinaryChunkName(string chunkName) =>
        chunkName.StartsWith('=') || chunkName.StartsWith('@') ? chunkName[1..]
        : chunkName.StartsWith('\x1B') ? "binary string"
        : chunkName;

    /// <summary>
    /// A closure of a verified main prototype: every upvalue fresh and nil, except the first,
    /// which holds <paramref name="env"/> (as lua_load does).
    /// </summary>
    private Value Instantiate(FunctionProto proto, in Value env)
    {
        // Nothing of the new function is reachable until it is complete: hold the collector off.
        _g.GcBlocked++;
        try
        {
            uint p = ProtoLoader.Load(_g, proto);
            int n = proto.Upvalues.Length;
            uint c = _vm.NewLuaClosure(p, n);
            for (int i = 0; i < n; i++)
            {
                uint uv = _vm.NewClosedUpval(i == 0 ? env : Value.Nil);
                LuaClosureObj.Upvals((LuaClosureObj*)_g.Heap.Ptr(c))[i] = uv;
            }

            return Value.Object(Tag.LuaClosure, c);
        }
        finally
        {
            _g.GcBlocked--;
        }
    }

    /// <summary>string.dump: the chunk bytes of Lua function <paramref name="closure"/>, or null without a compiler.</summary>
    public byte[]? Dump(uint closure, bool strip)
    {
        if (Compiler == null)
        {
            return null;
        }

        FunctionProto proto = ProtoExporter.Export(_g, _vm.ProtoOfClosure(closure));
        return Compiler.Dump(proto, strip);
    }
}
