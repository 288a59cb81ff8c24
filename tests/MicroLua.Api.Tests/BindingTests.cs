namespace MicroLua.Api.Tests;

/// <summary>
/// The generated bindings (BoundTypes.cs through MicroLua.Generators) driven from Lua, and the
/// metatable registry they share with hand-written host functions.
/// </summary>
public sealed class BindingTests
{
    private static Lua Bound()
    {
        var lua = new Lua();
        Vec2.LuaRegister(lua.State);
        Inventory.LuaRegister(lua.State);
        MathX.LuaRegister(lua.State);
        return lua;
    }

    private static string Error(Lua lua, string code) => Assert.Throws<LuaException>(() => lua.Do(code)).Message;

    [Fact]
    public void Properties_Methods_Constructors_FromLua()
    {
        using Lua lua = Bound();
        lua.Do("v = Vec2.new(3, 4) v.X = v.X + 1 w = v:Scaled() u = v:Scaled(0.5)");
        Assert.Equal(4.0, lua.Eval("v.X").ToNumber());
        Assert.Equal(Math.Sqrt(32), lua.Eval("v.Length").ToNumber());
        Assert.Equal("8.0 8.0", lua.Eval("w.X .. ' ' .. w.Y").ToString());
        Assert.Equal("2.0 2.0", lua.Eval("u.X .. ' ' .. u.Y").ToString());
        Assert.Equal(32.0, lua.Eval("v:Dot(v)").ToNumber());
        Assert.Equal("4.0 4.0", lua.Eval("select(1, v:Unpack()) .. ' ' .. select(2, v:Unpack())").ToString());
        lua.Do("v:Set(1, 2)");
        Assert.Equal("1.0 2.0", lua.Eval("v.X .. ' ' .. v.Y").ToString());
        lua.Do("v:Set(w)");
        Assert.Equal("(8, 8)", lua.Eval("tostring(v)").ToString());
        Assert.Equal(2L, lua.Eval("Vec2.Dimensions").ToInteger());
        Assert.Equal("(0, 0)", lua.Eval("tostring(Vec2.Zero)").ToString());
        Assert.Equal(5.0, lua.Eval("Vec2.Distance(Vec2.new(0, 0), Vec2.new(3, 4))").ToNumber());
        using LuaUserdata ud = lua.State["v"].AsUserdata();
        Assert.Equal(new Vec2(8, 8), ud.Target);
    }

    [Fact]
    public void Operators_BecomeMetamethods()
    {
        using Lua lua = Bound();
        lua.Do("a = Vec2.new(1, 2) b = Vec2.new(3, 4)");
        Assert.Equal("(4, 6)", lua.Eval("tostring(a + b)").ToString());
        Assert.Equal("(-2, -2)", lua.Eval("tostring(a - b)").ToString());
        Assert.Equal("(-1, -2)", lua.Eval("tostring(-a)").ToString());
        Assert.Equal("(2, 4)", lua.Eval("tostring(a * 2)").ToString());
        Assert.Equal("(3, 6)", lua.Eval("tostring(3 * a)").ToString());
        Assert.True(lua.Eval("a == Vec2.new(1, 2)").ToBoolean());
        Assert.True(lua.Eval("a ~= b").ToBoolean());
        Assert.True(lua.Eval("a < b and a <= b and b > a and b >= a and not (b < a)").ToBoolean());
        Assert.Equal(2L, lua.Eval("#a").ToInteger());
        Assert.Equal("userdata|x", lua.Eval("a .. 'x'").ToString());
        Assert.Equal("Vec2", lua.Eval("getmetatable(a).__name").ToString());
    }

    [Fact]
    public void ArgumentChecks_GiveLuasMessages()
    {
        using Lua lua = Bound();
        lua.Do("a = Vec2.new(1, 2)");
        Assert.Equal("test:1: bad argument #1 to 'Dot' (Vec2 expected, got number)", Error(lua, "a:Dot(5)"));
        Assert.Equal("test:1: calling 'Dot' on bad self (Vec2 expected, got table)", Error(lua, "local t = setmetatable({}, {__index = {Dot = a.Dot}}) t:Dot(a)"));
        Assert.Equal("test:1: bad argument #2 to 'new' (number expected, got no value)", Error(lua, "Vec2.new(1)"));
        Assert.Equal("test:1: bad argument #1 to 'Dot' (Vec2 expected, got Bag)", Error(lua, "a:Dot(Bag.Create('x'))"));
        Assert.Equal("test:1: bad argument #1 to 'ToByte' (value out of range)", Error(lua, "mathx.ToByte(256)"));
        Assert.Equal("test:1: bad argument #1 to 'Add' (number has no integer representation)", Error(lua, "mathx.Add(1.5, 2)"));
        Assert.Equal("test:1: bad argument #2 to 'Add' (number expected, got string)", Error(lua, "mathx.Add(1, 'x')"));
        Assert.Equal("test:1: field 'Length' of Vec2 is read-only", Error(lua, "a.Length = 3"));
        Assert.Equal("test:1: Vec2 has no field 'Z'", Error(lua, "a.Z = 3"));
        Assert.Equal("test:1: bad argument #2 to 'add' (Vec2 expected, got number)", Error(lua, "local _ = a + 1"));
    }

    [Fact]
    public void Indexers_NamesAndClose()
    {
        using Lua lua = Bound();
        lua.Do("bag = Bag.Create('ann') bag:add('apple') bag:add('pear', 3) bag.apple = bag.apple + 10");
        Assert.Equal(11L, lua.Eval("bag.apple").ToInteger());
        Assert.Equal(3L, lua.Eval("bag['pear']").ToInteger());
        Assert.Equal("pear", lua.Eval("bag[2]").ToString());
        Assert.Equal(2L, lua.Eval("bag.Count").ToInteger());
        Assert.Equal("ann", lua.Eval("bag.Owner").ToString());
        lua.Do("bag.Owner = 'bob'");
        Assert.Equal("bob", lua.Eval("bag.Owner").ToString());
        Assert.Equal("test:1: field 'Capacity' of Bag is read-only", Error(lua, "bag.Capacity = 1"));
        Assert.Equal(3L, lua.Eval("bag:Find('pear')").ToInteger());
        Assert.True(lua.Eval("bag:Find('plum') == nil").ToBoolean());
        Assert.Equal("bag:2 x:2", lua.Eval("bag:Describe() .. ' ' .. bag:Describe('x')").ToString());
        Assert.StartsWith("Bag: ", lua.Eval("tostring(bag)").ToString(), StringComparison.Ordinal);
        Assert.Equal("function", lua.Eval("type(bag.add)").ToString());
        lua.Do("do local b <close> = bag end");
        using LuaUserdata ud = lua.State["bag"].AsUserdata();
        Assert.True(((Inventory)ud.Target!).Disposed);
    }

    [Fact]
    public void Library_FunctionsConstantsAndDefaults()
    {
        using Lua lua = Bound();
        Assert.Equal(5L, lua.Eval("mathx.Add(2, 3)").ToInteger());
        Assert.Equal("10 0 5 7", lua.Eval("mathx.Clamp(99) .. ' ' .. mathx.Clamp(-3) .. ' ' .. mathx.Clamp(5) .. ' ' .. mathx.Clamp(9, 0, 7)").ToString());
        Assert.Equal(Math.Tau, lua.Eval("mathx.Tau").ToNumber());
        Assert.Equal("1.0", lua.Eval("mathx.Version").ToString());
        Assert.False(lua.Eval("mathx.Not(true)").ToBoolean());
        Assert.Equal(3L, lua.Eval("mathx.Bytes('a\\0b')").ToInteger());
        Assert.Equal(11.0, lua.Eval("mathx.Dot(mathx.Make(1, 2), Vec2.new(3, 4))").ToNumber());
        Assert.Equal(2L, lua.Eval("mathx.Next(1)").ToInteger());
        Assert.Empty(lua.Do("return mathx.Nothing()"));
        Assert.True(lua.Eval("mathx.Hidden == nil").ToBoolean());
        Assert.Equal(42L, lua.Eval("mathx.secret()").ToInteger());
        Assert.Equal("table", lua.Eval("type(require('mathx'))").ToString());
    }

    [Fact]
    public void Register_IsOncePerState_AndTypesUsedAreRegisteredToo()
    {
        using var lua = new Lua();
        MathX.LuaRegister(lua.State);
        Assert.False(lua.State.IsRegistered<Vec2>()); // a library is not a userdata: its types come when used
        Vec2.LuaRegister(lua.State);
        Vec2.LuaRegister(lua.State);
        Assert.True(lua.State.IsRegistered<Vec2>());
        Assert.Equal(11.0, lua.Eval("mathx.Dot(mathx.Make(1, 2), Vec2.new(3, 4))").ToNumber());
        using LuaTableRef? byType = lua.State.GetMetatable<Vec2>();
        using LuaTableRef? byName = lua.State.GetMetatable("Vec2");
        Assert.NotNull(byType);
        Assert.Equal(LuaValue.FromReference(byType), LuaValue.FromReference(byName));
    }

    [Fact]
    public void Registry_SharedWithHandWrittenFunctions()
    {
        using Lua lua = Bound();
        LuaState s = lua.State;
        s.Register("len", c => c.Return(c.CheckUserdata<Vec2>(1).Length));
        s.Register("origin", c => c.ReturnUserdata(new Vec2(0, 0)));
        s.Register("byname", c => c.Return(((Vec2)c.CheckUserdata(1, "Vec2")!).X));
        Assert.Equal(5.0, lua.Eval("len(Vec2.new(3, 4))").ToNumber());
        Assert.Equal("(0, 0)", lua.Eval("tostring(origin())").ToString());
        Assert.Equal(3.0, lua.Eval("byname(Vec2.new(3, 4))").ToNumber());
        Assert.Equal("test:1: bad argument #1 to 'len' (Vec2 expected, got number)", Error(lua, "len(1)"));
        Assert.Equal("test:1: bad argument #1 to 'byname' (Vec2 expected, got table)", Error(lua, "byname(setmetatable({}, {}))"));
        Assert.Equal("test:1: bad argument #1 to 'byname' (Vec2 expected, got no value)", Error(lua, "byname()"));
    }

    [Fact]
    public void AStateFromASnapshot_KeepsTheBindings_AfterLuaRegisterAgain()
    {
        using Lua lua = Bound();
        lua.Do("v = Vec2.new(3, 4)");
        using LuaState fork = lua.State.Fork();
        Vec2.LuaRegister(fork);
        Assert.True(fork.IsRegistered<Vec2>());
        Assert.Equal("(6, 8) 25.0 5.0", fork.DoString("return tostring(v * 2) .. ' ' .. v:Dot(v) .. ' ' .. v.Length")[0].ToString());
        using LuaUserdata made = fork.NewUserdata(new Vec2(1, 1));
        fork["w"] = made;
        Assert.Equal(7.0, fork.DoString("return v:Dot(w)")[0].ToNumber());
    }

    [Fact]
    public void Close_FromAPublicCloseMethod()
    {
        using Lua lua = Bound();
        Door.LuaRegister(lua.State);
        var door = new Door();
        using (LuaUserdata d = lua.State.NewUserdata(door))
        {
            lua.State["door"] = d;
        }

        lua.Do("do local d <close> = door end");
        Assert.True(door.Closed);
    }

    private sealed class Point
    {
        public double X;
    }

    [Fact]
    public void Registry_ByHand_AsLuaL()
    {
        using var lua = new Lua();
        LuaState s = lua.State;
        Assert.True(s.NewMetatable<Point>("Point", out LuaTableRef mt));
        using (mt)
        {
            using LuaFunction getX = s.CreateFunction("getX", c => c.Return(c.CheckUserdata<Point>(1).X));
            mt["__index"] = mt;
            mt["getX"] = getX;
        }

        Assert.False(s.NewMetatable<Point>("Point", out LuaTableRef again));
        again.Dispose();
        Assert.Throws<ArgumentException>(() => s.NewMetatable<Point>("Other", out _));
        Assert.Throws<ArgumentException>(() => s.NewMetatable<Vec2>("Point", out _));
        Assert.True(s.NewMetatable("Untyped", out LuaTableRef untyped));
        untyped.Dispose();
        Assert.Null(s.GetMetatable("Nothing"));
        Assert.Throws<InvalidOperationException>(() => s.NewUserdata(new Vec2(1, 2)));
        s.Register("f", c => c.Return(c.CheckUserdata<Point>(1).X));
        using LuaUserdata p = s.NewUserdata(new Point { X = 7 });
        s["p"] = p;
        Assert.Equal(7.0, lua.Eval("p:getX()").ToNumber());
        Assert.Equal("Point", lua.Eval("getmetatable(p).__name").ToString());
        Assert.Equal("test:1: bad argument #1 to 'f' (Point expected, got number)", Error(lua, "f(1)"));
        Assert.Equal("test:1: bad argument #1 to 'f' (Point expected, got boolean)", Error(lua, "f(true)"));
    }

    public static TheoryData<string> Calls() => new()
    {
        "v.X",
        "v.Length",
        "v.X = i",
        "v:Dot(w)",
        "v:Set(i, 2)",
        "v == w",
        "v < w",
        "#v",
        "mathx.Add(i, 1)",
        "mathx.Clamp(i)",
        "mathx.Dot(v, w)",
        "bag.Count",
        "bag.Capacity",
        "v:Unpack()",
        "mathx.Not(true)",
        "mathx.Next(1)",
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public void GeneratedCall_InALoop_AllocatesNothing(string call)
    {
        using Lua lua = Bound();
        lua.Do("v = Vec2.new(3, 4) w = Vec2.new(1, 2) bag = Bag.Create('x') bag:add('apple') bag:add('pear')");
        string statement = call.Contains(" = ", StringComparison.Ordinal) ? call : "local _ = " + call;
        using LuaFunction loop = lua.State.Load($"local n = ... for i = 1, n do {statement} end", "=loop");
        loop.Invoke(20_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        loop.Invoke(20_000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
