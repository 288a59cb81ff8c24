using MicroLua.Core;
using MicroLua.Memory;
using MicroLua.Values;

namespace MicroLua.Bytecode;

/// <summary>
/// Turns a verified <see cref="FunctionProto"/> into prototypes in the heap. The collector is
/// held off while a chunk loads (its parts are not reachable until the whole tree is built);
/// running out of memory still raises "not enough memory".
/// </summary>
internal static unsafe class ProtoLoader
{
    /// <summary>Builds the heap prototypes of <paramref name="fp"/> (already verified) and returns the main one.</summary>
    public static uint Load(LuaGlobal g, FunctionProto fp)
    {
        g.GcBlocked++;
        try
        {
            return LoadProto(g, fp, null, new Dictionary<string, Value>(StringComparer.Ordinal));
        }
        finally
        {
            g.GcBlocked--;
        }
    }

    // strings: the string constants made so far for this chunk. Equal constants anywhere in
    // one chunk are one string object, as Lua's scanner makes them; this matters for long
    // strings, which are not interned (visible through string.format("%p")).
    private static uint LoadProto(LuaGlobal g, FunctionProto fp, uint? parentSource, Dictionary<string, Value> strings)
    {
        uint p = g.Allocate((nuint)(sizeof(ProtoObj) - sizeof(ObjHeader)), ObjType.Proto);
        var po = (ProtoObj*)g.Heap.Ptr(p);
        new Span<byte>((byte*)po + sizeof(ObjHeader), sizeof(ProtoObj) - sizeof(ObjHeader)).Clear();
        po->LineDefined = fp.LineDefined;
        po->LastLineDefined = fp.LastLineDefined;
        po->NumParams = fp.NumParams;
        po->IsVararg = fp.IsVararg ? (byte)1 : (byte)0;
        po->MaxStackSize = fp.MaxStackSize;

        uint source = parentSource ?? g.NewString(fp.Source).R;
        ((ProtoObj*)g.Heap.Ptr(p))->Source = source;

        if (fp.InPlaceCode != null)
        {
            // In place: the chunk's memory outlives the state (the host promised, or a pin holds it).
            po = (ProtoObj*)g.Heap.Ptr(p);
            po->InPlaceCode = (ulong)fp.InPlaceCode;
            po->InPlaceLineInfo = (ulong)fp.InPlaceLineInfo;
            po->SizeCode = (uint)fp.InPlaceCodeLength;
        }
        else
        {
            uint code = AllocBytes(g, fp.Code.Length * 4);
            fp.Code.AsSpan().CopyTo(new Span<uint>(g.Heap.Ptr(code) + 8, fp.Code.Length));
            po = (ProtoObj*)g.Heap.Ptr(p);
            po->Code = code;
            po->SizeCode = (uint)fp.Code.Length;
        }

        uint ks = g.Allocate((nuint)(fp.Constants.Length * sizeof(Value)), ObjType.ValueArray);
        var kv = (Value*)(g.Heap.Ptr(ks) + 8);
        new Span<Value>(kv, fp.Constants.Length).Clear();
        po = (ProtoObj*)g.Heap.Ptr(p);
        po->Constants = ks;
        po->SizeConstants = (uint)fp.Constants.Length;
        for (int i = 0; i < fp.Constants.Length; i++)
        {
            Constant c = fp.Constants[i];
            kv[i] = c.Kind switch
            {
                ConstantKind.Nil => Value.Nil,
                ConstantKind.False => Value.False,
                ConstantKind.True => Value.True,
                ConstantKind.Integer => Value.Integer(c.Integer),
                ConstantKind.Float => Value.Float(c.Float),
                _ => ChunkString(g, c.String!, strings),
            };
        }

        uint protos = AllocRefs(g, fp.Protos.Length);
        ((ProtoObj*)g.Heap.Ptr(p))->Protos = protos;
        ((ProtoObj*)g.Heap.Ptr(p))->SizeProtos = (uint)fp.Protos.Length;
        for (int i = 0; i < fp.Protos.Length; i++)
        {
            uint child = LoadProto(g, fp.Protos[i], source, strings);
            ((uint*)(g.Heap.Ptr(protos) + 8))[i] = child;
        }

        uint upvals = AllocBytes(g, fp.Upvalues.Length * 4);
        byte* ud = g.Heap.Ptr(upvals) + 8;
        bool hasNames = false;
        for (int i = 0; i < fp.Upvalues.Length; i++)
        {
            ud[(i * 4) + 0] = fp.Upvalues[i].InStack ? (byte)1 : (byte)0;
            ud[(i * 4) + 1] = fp.Upvalues[i].Index;
            ud[(i * 4) + 2] = fp.Upvalues[i].Kind;
            ud[(i * 4) + 3] = 0;
            hasNames |= fp.Upvalues[i].Name != null;
        }

        po = (ProtoObj*)g.Heap.Ptr(p);
        po->Upvals = upvals;
        po->SizeUpvals = (uint)fp.Upvalues.Length;
        if (hasNames)
        {
            uint names = AllocRefs(g, fp.Upvalues.Length);
            ((ProtoObj*)g.Heap.Ptr(p))->UpvalNames = names;
            for (int i = 0; i < fp.Upvalues.Length; i++)
            {
                string? name = fp.Upvalues[i].Name;
                uint nr = name == null ? 0 : g.NewString(name).R;
                ((uint*)(g.Heap.Ptr(names) + 8))[i] = nr;
            }
        }

        if (fp.InPlaceCode == null && fp.LineInfo.Length == fp.Code.Length && fp.LineInfo.Length > 0)
        {
            uint li = AllocBytes(g, fp.LineInfo.Length * 4);
            fp.LineInfo.AsSpan().CopyTo(new Span<int>(g.Heap.Ptr(li) + 8, fp.LineInfo.Length));
            ((ProtoObj*)g.Heap.Ptr(p))->LineInfo = li;
        }

        if (fp.LocalVars.Length > 0)
        {
            uint lv = AllocBytes(g, fp.LocalVars.Length * ProtoObj.LocVarSize);
            ((ProtoObj*)g.Heap.Ptr(p))->LocVars = lv;
            ((ProtoObj*)g.Heap.Ptr(p))->SizeLocVars = (uint)fp.LocalVars.Length;
            for (int i = 0; i < fp.LocalVars.Length; i++)
            {
                uint nr = g.NewString(fp.LocalVars[i].Name).R;
                byte* rec = g.Heap.Ptr(lv) + 8 + (i * ProtoObj.LocVarSize);
                *(uint*)rec = nr;
                *(int*)(rec + 4) = fp.LocalVars[i].StartPc;
                *(int*)(rec + 8) = fp.LocalVars[i].EndPc;
            }
        }

        return p;
    }

    private static Value ChunkString(LuaGlobal g, byte[] bytes, Dictionary<string, Value> strings)
    {
        string key = System.Text.Encoding.Latin1.GetString(bytes);
        if (!strings.TryGetValue(key, out Value v))
        {
            v = g.NewString(bytes); // the collector is held off while the chunk loads
            strings.Add(key, v);
        }

        return v;
    }

    private static uint AllocBytes(LuaGlobal g, int n)
    {
        uint r = g.Allocate((nuint)n, ObjType.Bytes);
        new Span<byte>(g.Heap.Ptr(r) + 8, (int)g.Heap.BlockSize(r) - 8).Clear();
        return r;
    }

    private static uint AllocRefs(LuaGlobal g, int n)
    {
        uint r = g.Allocate((nuint)(n * 4), ObjType.RefArray);
        new Span<byte>(g.Heap.Ptr(r) + 8, (int)g.Heap.BlockSize(r) - 8).Clear();
        return r;
    }
}
