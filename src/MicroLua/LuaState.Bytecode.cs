using MicroLua.Core;

namespace MicroLua;

/// <summary>Running .mlu chunks (docs/bytecode.md), copied or in place.</summary>
public sealed unsafe partial class LuaState
{
    /// <summary>
    /// Loads a binary chunk (copying what it needs into the heap) and runs it, returning its
    /// results. Source text is refused: use <see cref="DoBuffer(ReadOnlySpan{byte}, string)"/>.
    /// </summary>
    /// <exception cref="LuaException">The chunk is not a valid chunk, or raised an error.</exception>
    public LuaValue[] DoBytecode(ReadOnlySpan<byte> chunk, string chunkName)
    {
        ArgumentNullException.ThrowIfNull(chunkName);
        fixed (byte* data = chunk)
        {
            return RunBytecode(data, (nuint)chunk.Length, false, chunkName);
        }
    }

    /// <summary>
    /// <see cref="DoBytecode(ReadOnlySpan{byte}, string)"/> with arguments: the chunk sees
    /// <paramref name="args"/> as <c>...</c>.
    /// </summary>
    /// <exception cref="LuaException">The chunk is not a valid chunk, or raised an error.</exception>
    public LuaValue[] DoBytecode(ReadOnlySpan<byte> chunk, string chunkName, params ReadOnlySpan<LuaValue> args)
    {
        ArgumentNullException.ThrowIfNull(chunkName);
        fixed (byte* data = chunk)
        {
            return RunBytecode(data, (nuint)chunk.Length, false, chunkName, args);
        }
    }

    /// <summary>
    /// Loads a binary chunk in place and runs it: its instructions and line information are
    /// executed from <paramref name="chunk"/> (pinned until the state is disposed) instead of
    /// being copied, when the chunk is little-endian (on a little-endian host) and 8-byte
    /// aligned; otherwise it is copied. The memory must not change while the state lives.
    /// </summary>
    /// <exception cref="LuaException">The chunk is not a valid chunk, or raised an error.</exception>
    public LuaValue[] DoBytecodeInPlace(ReadOnlyMemory<byte> chunk, string chunkName)
    {
        ArgumentNullException.ThrowIfNull(chunkName);
        byte* data = Pin(chunk);
        return RunBytecode(data, (nuint)chunk.Length, true, chunkName);
    }

    /// <summary>
    /// As <see cref="DoBytecodeInPlace(ReadOnlyMemory{byte}, string)"/> for memory the host
    /// owns (a memory-mapped file, a static image): the host promises that the
    /// <paramref name="length"/> bytes at <paramref name="chunk"/> stay readable and unchanged
    /// for as long as the state exists.
    /// </summary>
    /// <exception cref="LuaException">The chunk is not a valid chunk, or raised an error.</exception>
    public LuaValue[] DoBytecodeInPlace(byte* chunk, nuint length, string chunkName)
    {
        ArgumentNullException.ThrowIfNull(chunkName);
        CheckPointer(chunk, length);
        return RunBytecode(chunk, length, true, chunkName);
    }

    /// <summary>
    /// Loads a binary chunk in place without running it (see
    /// <see cref="DoBytecodeInPlace(ReadOnlyMemory{byte}, string)"/>): the main function,
    /// whose _ENV is the globals table.
    /// </summary>
    /// <exception cref="LuaException">The chunk is not a valid binary chunk.</exception>
    public LuaFunction LoadInPlace(ReadOnlyMemory<byte> chunk, string chunkName)
    {
        ArgumentNullException.ThrowIfNull(chunkName);
        byte* data = Pin(chunk);
        return LoadBytecodeFunction(data, (nuint)chunk.Length, chunkName);
    }

    /// <summary>
    /// Loads a binary chunk from host-owned memory in place without running it; the memory
    /// must stay readable and unchanged for as long as the state exists.
    /// </summary>
    /// <exception cref="LuaException">The chunk is not a valid binary chunk.</exception>
    public LuaFunction LoadInPlace(byte* chunk, nuint length, string chunkName)
    {
        ArgumentNullException.ThrowIfNull(chunkName);
        CheckPointer(chunk, length);
        return LoadBytecodeFunction(chunk, length, chunkName);
    }

    private static void CheckPointer(byte* chunk, nuint length)
    {
        if (chunk == null && length != 0)
        {
            throw new ArgumentNullException(nameof(chunk));
        }
    }

    /// <summary>Pins host memory for the life of the state (released when the heap is freed).</summary>
    private byte* Pin(ReadOnlyMemory<byte> chunk)
    {
        CheckAccess();
        System.Buffers.MemoryHandle pin = chunk.Pin();
        _g.ChunkPins.Add(pin);
        return (byte*)pin.Pointer;
    }

    private LuaFunction LoadBytecodeFunction(byte* chunk, nuint length, string chunkName)
    {
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            return (LuaFunction)Handle(LoadBytecode(chunk, length, true, chunkName));
        }
        catch (LuaError e)
        {
            failure = Fail(s, e); // thrown after the catch block (see Interpreter.SeeStop)
        }
        finally
        {
            Leave(s);
        }

        throw failure;
    }

    private LuaValue[] RunBytecode(byte* chunk, nuint length, bool inPlace, string chunkName, ReadOnlySpan<LuaValue> args = default)
    {
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            return RunMain(s, LoadBytecode(chunk, length, inPlace, chunkName), null, args);
        }
        catch (LuaError e)
        {
            failure = Fail(s, e); // thrown after the catch block (see Interpreter.SeeStop)
        }
        finally
        {
            Leave(s);
        }

        throw failure;
    }

    /// <summary>
    /// Reads, verifies and instantiates a binary chunk (main function with the globals as
    /// _ENV) and returns the closure. The caller anchors it before the next allocation.
    /// With <paramref name="inPlace"/> the memory must outlive the state.
    /// </summary>
    /// <exception cref="LuaError">The chunk is malformed (Lua's "bad binary format" message).</exception>
    internal Value LoadBytecode(byte* chunk, nuint length, bool inPlace, string chunkName)
    {
        string? error = "attempt to load a text chunk (expected a binary chunk)";
        if (length != 0 && chunk[0] == 0x1B &&
            _rt.Chunks.TryLoadBinary(chunk, length, inPlace, chunkName, Value.Object(Tag.Table, _rt.Globals), out Value fn, out error))
        {
            return fn;
        }

        throw LoadError(error!);
    }
}
