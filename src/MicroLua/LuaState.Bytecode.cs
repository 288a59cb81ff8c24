using MicroLua.Values;
using MicroLua.Vm;

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
        ObjectDisposedException.ThrowIf(_disposed, this);
        fixed (byte* data = chunk)
        {
            Value fn = LoadBytecode(data, (nuint)chunk.Length, false, chunkName);
            return RunLoaded(fn);
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
        ObjectDisposedException.ThrowIf(_disposed, this);
        System.Buffers.MemoryHandle pin = chunk.Pin();
        Value fn;
        try
        {
            fn = LoadBytecode((byte*)pin.Pointer, (nuint)chunk.Length, true, chunkName);
        }
        catch
        {
            pin.Dispose();
            throw;
        }

        _g.ChunkPins.Add(pin);
        return RunLoaded(fn);
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
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (chunk == null && length != 0)
        {
            throw new ArgumentNullException(nameof(chunk));
        }

        return RunLoaded(LoadBytecode(chunk, length, true, chunkName));
    }

    /// <summary>
    /// Reads, verifies and instantiates a binary chunk (main function with the globals as
    /// _ENV) and returns the closure. The caller anchors it before the next allocation.
    /// With <paramref name="inPlace"/> the memory must outlive the state.
    /// </summary>
    /// <exception cref="LuaException">The chunk is malformed (Lua's "bad binary format" message).</exception>
    internal Value LoadBytecode(byte* chunk, nuint length, bool inPlace, string chunkName)
    {
        if (length == 0 || chunk[0] != 0x1B)
        {
            throw new LuaException("attempt to load a text chunk (expected a binary chunk)", (string?)null);
        }

        if (!_rt.TryLoadBinary(chunk, length, inPlace, chunkName, Value.Object(Tag.Table, _rt.Globals), out Value fn, out string? error))
        {
            throw new LuaException(error!, (string?)null);
        }

        return fn;
    }

    /// <summary>Calls a loaded main function with no arguments and converts its results.</summary>
    private LuaValue[] RunLoaded(Value fn)
    {
        Coroutine co = _vm.Main;
        int baseTop = _vm.GetTop(co);
        int baseFrames = co.FrameCount;
        try
        {
            _vm.Push(co, fn);
            _vm.Call(co, baseTop, -1);
            int top = _vm.GetTop(co);
            var results = new LuaValue[top - baseTop];
            for (int i = 0; i < results.Length; i++)
            {
                results[i] = LuaValue.From(_rt, _vm.StackOf(co)[baseTop + i]);
            }

            return results;
        }
        catch (LuaError e)
        {
            Value err = _vm.ErrorValue(co, e);
            string traceback = _vm.Traceback(co, null, 0);
            string message = err.IsString ? _g.ToHostString(err)
                : err.IsNil ? "nil"
                : err.IsNumber ? Library.BaseLibrary.FormatNumber(err)
                : $"(error object is a {LuaTypeNames.Name(err.Type)} value)";
            throw new LuaException(message, traceback);
        }
        finally
        {
            co.FrameCount = baseFrames;
            _vm.SetTop(co, baseTop);
            _vm.CCalls = 0;
        }
    }
}
