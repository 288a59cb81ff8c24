namespace MicroLua.Api.Tests;

public sealed class ValueAndTableTests
{
    [Fact]
    public void LuaValue_InlineKinds_RoundTrip()
    {
        Assert.True(LuaValue.Nil.IsNil);
        Assert.Equal(LuaType.Number, ((LuaValue)3).Type);
        Assert.True(((LuaValue)3).IsInteger);
        Assert.False(((LuaValue)3.5).IsInteger);
        Assert.Equal(3.5, ((LuaValue)3.5).ToNumber());
        Assert.Equal(4L, ((LuaValue)4.0).ToInteger());
        Assert.Throws<InvalidCastException>(() => ((LuaValue)4.5).ToInteger());
        Assert.True(((LuaValue)true).ToBoolean());
        Assert.False(LuaValue.Nil.ToBoolean());
        Assert.Equal("1e+100", ((LuaValue)1e100).ToString());
        Assert.Equal("2.0", ((LuaValue)2.0).ToString());
        Assert.Equal((LuaValue)1, (LuaValue)1.0);
        Assert.Equal(((LuaValue)1).GetHashCode(), ((LuaValue)1.0).GetHashCode());
        Assert.Equal(2, new HashSet<LuaValue> { 1, 1.0, "1" }.Count);
        Assert.NotEqual((LuaValue)1, (LuaValue)"1");
        Assert.Equal(LuaType.LightUserdata, LuaValue.FromLightUserdata(42).Type);
        Assert.Equal(42, LuaValue.FromLightUserdata(42).ToPointer());
    }

    [Fact]
    public void Results_OfEveryType_ComeBack()
    {
        using var lua = new Lua();
        LuaValue[] r = lua.Do("return nil, true, 7, 2.5, 'héllo', {}, print, coroutine.create(print)");
        Assert.Equal(8, r.Length);
        Assert.True(r[0].IsNil);
        Assert.True(r[1].ToBoolean());
        Assert.Equal(7L, r[2].ToInteger());
        Assert.Equal(2.5, r[3].ToNumber());
        Assert.Equal("héllo", r[4].AsString());
        Assert.Equal(LuaType.Table, r[5].Type);
        Assert.IsType<LuaTableRef>(r[5].Reference);
        Assert.IsType<LuaFunction>(r[6].Reference);
        Assert.IsType<LuaCoroutine>(r[7].Reference);
    }

    [Fact]
    public void Globals_ReadAndWrite()
    {
        using var lua = new Lua();
        lua.State["answer"] = 42;
        lua.State["name"] = "lua";
        Assert.Equal(84L, lua.Eval("answer * 2").ToInteger());
        lua.Do("result = name .. '!'");
        Assert.Equal("lua!", lua.State["result"].ToString());
        using LuaTableRef g = lua.State.GetGlobals();
        Assert.Equal(42L, g["answer"].ToInteger());
    }

    [Fact]
    public void Table_CreateFillAndReadFromLua()
    {
        using var lua = new Lua();
        using LuaTableRef t = lua.State.CreateTable(3, 1);
        t[1] = 10;
        t[2] = 20;
        t[3] = 30;
        t["name"] = "point";
        lua.State["t"] = t;
        Assert.Equal(3L, t.RawLength);
        Assert.Equal("60 point", lua.Eval("(t[1] + t[2] + t[3]) .. ' ' .. t.name").ToString());
        lua.Do("t.extra = true");
        Assert.True(t["extra"].ToBoolean());
    }

    [Fact]
    public void Table_Pairs_VisitsEveryField()
    {
        using var lua = new Lua();
        using LuaTableRef t = lua.Eval("{10, 20, 30, x = 'a', y = 'b'}").AsTable();
        var seen = new Dictionary<string, string>();
        foreach (var (k, v) in t.Pairs())
        {
            seen[k.ToString()] = v.ToString();
        }

        Assert.Equal(5, seen.Count);
        Assert.Equal("20", seen["2"]);
        Assert.Equal("b", seen["y"]);
    }

    [Fact]
    public void Table_Indexer_UsesMetamethods_RawGetDoesNot()
    {
        using var lua = new Lua();
        using LuaTableRef t = lua.Eval("setmetatable({}, {__index = function(_, k) return k .. '?' end})").AsTable();
        Assert.Equal("a?", t["a"].ToString());
        Assert.True(t.RawGet("a").IsNil);
        using LuaTableRef? mt = t.Metatable;
        Assert.NotNull(mt);
        t.Metatable = null;
        Assert.True(t["a"].IsNil);
    }

    [Fact]
    public void Table_NilKey_RaisesLuaMessage()
    {
        using var lua = new Lua();
        using LuaTableRef t = lua.State.CreateTable();
        var e = Assert.Throws<LuaException>(() => t[LuaValue.Nil] = 1);
        Assert.Contains("index is nil", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Handles_SameObject_AreEqual()
    {
        using var lua = new Lua();
        lua.Do("t = {}");
        LuaValue a = lua.State["t"];
        LuaValue b = lua.State["t"];
        Assert.Equal(a, b);
        Assert.NotSame(a.Reference, b.Reference);
        a.Reference!.Dispose();
        b.Reference!.Dispose();
        Assert.True(a.Reference.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => a.AsTable()[1]);
    }

    [Fact]
    public void Handle_KeepsObjectAlive_UntilDisposed()
    {
        using var lua = new Lua();
        int collected = 0;
        LuaUserdata ud = lua.State.CreateUserdata(new object(), collected: _ => collected++);
        lua.State.CollectGarbage();
        Assert.Equal(0, collected);
        ud.Dispose();
        lua.State.CollectGarbage();
        Assert.Equal(1, collected);
    }

    [Fact]
    public void Handles_OfDisposedState_AreDisposed()
    {
        var lua = new Lua();
        LuaTableRef t = lua.State.CreateTable();
        lua.Dispose();
        Assert.True(t.IsDisposed);
        t.Dispose();
    }
}
