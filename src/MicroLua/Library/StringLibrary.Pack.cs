using MicroLua.Core;
using MicroLua.Vm;

namespace MicroLua.Library;

/// <summary>string.pack, string.packsize and string.unpack over the StringPack engine.</summary>
internal static unsafe partial class StringLibrary
{
    static partial void OpenPack(LuaRuntime rt, uint table)
    {
        rt.Register(table, "pack", Pack, "string.pack");
        rt.Register(table, "packsize", PackSize, "string.packsize");
        rt.Register(table, "unpack", Unpack, "string.unpack");
    }

    private static int Pack(ref CallContext c)
    {
        Value fmt = c.CheckStringValue(1);
        LuaRuntime rt = LuaRuntime.Of(c.Vm);
        ByteBuilder output = rt.RentBuilder();
        try
        {
            var args = new Args(c);
            StringPack.Pack(c.G.StringSpan(fmt), ref args, output);
            return c.Return(output.WrittenSpan);
        }
        finally
        {
            rt.ReturnBuilder(output);
        }
    }

    private static int PackSize(ref CallContext c)
    {
        Value fmt = c.CheckStringValue(1);
        var errors = new PackSizeErrors(c);
        return c.Return(StringPack.PackSize(c.G.StringSpan(fmt), ref errors));
    }

    private readonly struct PackSizeErrors(CallContext c) : IArgumentErrors
    {
        public Exception ArgumentError(int arg, string message) => c.ArgError(arg, message);
    }

    /// <summary>Unpacked values go straight onto the Lua stack.</summary>
    private struct UnpackResults : IUnpackResults
    {
        private CallContext _c;

        public UnpackResults(CallContext c) => _c = c;

        public int Count;

        public void PushInteger(long value)
        {
            _c.CheckStack(2, LuaErrors.TooManyResults);
            _c.Push(Value.Integer(value));
            Count++;
        }

        public void PushNumber(double value)
        {
            _c.CheckStack(2, LuaErrors.TooManyResults);
            _c.Push(Value.Float(value));
            Count++;
        }

        public void PushString(ReadOnlySpan<byte> value)
        {
            _c.CheckStack(2, LuaErrors.TooManyResults);
            _c.ChargeBytes(value.Length);
            _c.Push(_c.G.NewString(value));
            Count++;
        }

        public readonly Exception ArgumentError(int arg, string message) => _c.ArgError(arg, message);
    }

    private static int Unpack(ref CallContext c)
    {
        Value fmt = c.CheckStringValue(1);
        Value data = c.CheckStringValue(2);
        int len = c.G.StringSpan(data).Length;
        long pos = StartPos(c.OptInteger(3, 1), len) - 1; // 5.4 clips as string.sub does: 0 and below -len are 1
        if ((ulong)pos > (ulong)len)
        {
            throw c.ArgError(3, "initial position out of string");
        }

        var results = new UnpackResults(c);
        int end = StringPack.Unpack(c.G.StringSpan(fmt), c.G.StringSpan(data), (int)pos, ref results);
        c.Push(Value.Integer(end + 1));
        return results.Count + 1;
    }
}
