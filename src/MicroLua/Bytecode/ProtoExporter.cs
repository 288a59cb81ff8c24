using MicroLua.Core;
using MicroLua.Values;

namespace MicroLua.Bytecode;

/// <summary>
/// The reverse of <see cref="ProtoLoader"/>: a heap prototype back to a
/// <see cref="FunctionProto"/>, which the compiler's chunk writer turns into bytes
/// (string.dump). Code read in place is copied out.
/// </summary>
internal static unsafe class ProtoExporter
{
    public static FunctionProto Export(LuaGlobal g, uint proto) => Export(g, proto, null);

    private static FunctionProto Export(LuaGlobal g, uint proto, string? parentSource)
    {
        var p = (ProtoObj*)g.Heap.Ptr(proto);
        int n = (int)p->SizeCode;
        uint* code = p->InPlaceCode != 0 ? (uint*)p->InPlaceCode : (uint*)(g.Heap.Ptr(p->Code) + 8);
        int* lines = p->InPlaceLineInfo != 0 ? (int*)p->InPlaceLineInfo
            : p->LineInfo != 0 ? (int*)(g.Heap.Ptr(p->LineInfo) + 8) : null;
        string source = g.ToDotNetString(Value.Object(Tag.ShortString, p->Source));
        var f = new FunctionProto
        {
            Source = source,
            LineDefined = p->LineDefined,
            LastLineDefined = p->LastLineDefined,
            NumParams = p->NumParams,
            IsVararg = p->IsVararg != 0,
            MaxStackSize = p->MaxStackSize,
            Code = new ReadOnlySpan<uint>(code, n).ToArray(),
            LineInfo = lines == null ? [] : new ReadOnlySpan<int>(lines, n).ToArray(),
        };

        var k = new Constant[p->SizeConstants];
        var kv = (Value*)(g.Heap.Ptr(p->Constants) + 8);
        for (int i = 0; i < k.Length; i++)
        {
            Value v = kv[i];
            k[i] = v.Tag switch
            {
                Tag.Nil => Constant.Nil,
                Tag.False => Constant.FromBoolean(false),
                Tag.True => Constant.FromBoolean(true),
                Tag.Integer => Constant.FromInteger(v.I),
                Tag.Float => Constant.FromFloat(v.D),
                _ => Constant.FromString(g.StringSpan(v).ToArray()),
            };
        }

        f.Constants = k;

        var ups = new UpvalueDesc[p->SizeUpvals];
        byte* ud = g.Heap.Ptr(p->Upvals) + 8;
        uint* names = p->UpvalNames != 0 ? (uint*)(g.Heap.Ptr(p->UpvalNames) + 8) : null;
        for (int i = 0; i < ups.Length; i++)
        {
            string? name = names == null || names[i] == 0 ? null : g.ToDotNetString(Value.Object(Tag.ShortString, names[i]));
            ups[i] = new UpvalueDesc(name, ud[i * 4] != 0, ud[(i * 4) + 1], ud[(i * 4) + 2]);
        }

        f.Upvalues = ups;

        var locals = new LocalVarInfo[p->SizeLocVars];
        for (int i = 0; i < locals.Length; i++)
        {
            byte* rec = g.Heap.Ptr(p->LocVars) + 8 + (i * ProtoObj.LocVarSize);
            string name = g.ToDotNetString(Value.Object(Tag.ShortString, *(uint*)rec));
            locals[i] = new LocalVarInfo(name, *(int*)(rec + 4), *(int*)(rec + 8));
        }

        f.LocalVars = locals;

        var protos = new FunctionProto[p->SizeProtos];
        for (int i = 0; i < protos.Length; i++)
        {
            p = (ProtoObj*)g.Heap.Ptr(proto);
            uint child = ((uint*)(g.Heap.Ptr(p->Protos) + 8))[i];
            protos[i] = Export(g, child, source);
        }

        f.Protos = protos;
        return f;
    }
}
