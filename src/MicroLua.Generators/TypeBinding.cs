using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MicroLua.Generators;

/// <summary>
/// The binding of one attributed class: reads its members, reports the ones it cannot bind,
/// and writes the partial class with <c>LuaRegister</c> and the host functions.
/// </summary>
internal sealed class TypeBinding
{
    private const string Ns = Conversions.Ns;
    private const string Bind = Conversions.Bind;
    private const string Call = "global::MicroLua.LuaCallContext call";

    private readonly INamedTypeSymbol _type;
    private readonly string _luaName;
    private readonly bool _library;
    private readonly CancellationToken _ct;
    private readonly string _full;

    /// <summary>Instance fields and properties by Lua name (the __index / __newindex dispatch).</summary>
    private readonly List<FieldBinding> _fields = [];

    /// <summary>Instance methods by Lua name: functions stored in the metatable, found through __index.</summary>
    private readonly Dictionary<string, List<Callable>> _methods = [];

    /// <summary>Metamethods by event name ("__add" ...): operators and members named "__...".</summary>
    private readonly Dictionary<string, List<Callable>> _metamethods = [];

    /// <summary>Functions of the library or class table ("new" for constructors).</summary>
    private readonly Dictionary<string, List<Callable>> _statics = [];

    /// <summary>Constants (const and static readonly fields) copied into the library or class table at registration.</summary>
    private readonly List<(string Name, IFieldSymbol Field)> _constants = [];

    private readonly List<IPropertySymbol> _indexers = [];

    /// <summary>Other [LuaUserdata] types the members use: registered first, so that checks and pushes find their metatables.</summary>
    private readonly HashSet<INamedTypeSymbol> _dependencies = new(SymbolEqualityComparer.Default);

    /// <summary>Which member took each Lua name, per table ("i:" instance, "s:" static), for the clash diagnostic.</summary>
    private readonly Dictionary<string, string> _taken = [];

    private bool _toString;
    private string? _close;

    public TypeBinding(INamedTypeSymbol type, string luaName, bool library, CancellationToken ct)
    {
        _type = type;
        _luaName = luaName;
        _library = library;
        _ct = ct;
        _full = Conversions.Full(type);
    }

    public ImmutableArray<DiagnosticInfo>.Builder Diagnostics { get; } = ImmutableArray.CreateBuilder<DiagnosticInfo>();

    private sealed class FieldBinding(string name, ISymbol member, ITypeSymbol type, bool canGet, bool canSet)
    {
        public string Name { get; } = name;
        public ISymbol Member { get; } = member;
        public ITypeSymbol Type { get; } = type;
        public bool CanGet { get; } = canGet;
        public bool CanSet { get; } = canSet;
    }

    /// <summary>One .NET member callable from Lua: a method, constructor or operator; overloads share a Lua name.</summary>
    private sealed class Callable(IMethodSymbol method, bool self, string? op)
    {
        public IMethodSymbol Method { get; } = method;

        /// <summary>Whether argument 1 is the instance (methods, instance metamethods).</summary>
        public bool Self { get; } = self;

        /// <summary>The C# operator token for an operator, else null.</summary>
        public string? Op { get; } = op;
    }

    public string Write()
    {
        if (!CheckType())
        {
            return "";
        }

        Collect();
        if (Diagnostics.Count > 0)
        {
            return "";
        }

        return Emit();
    }

    // ---- reading the type ----

    private bool CheckType()
    {
        string? why = null;
        if (_type.ContainingType != null)
        {
            why = "nested types are not supported";
        }
        else if (_type.IsGenericType)
        {
            why = "generic types are not supported";
        }
        else if (_type.TypeKind != TypeKind.Class)
        {
            why = "only classes can be bound";
        }
        else if (!_type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(_ct) is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax c
                     && c.Modifiers.Any(m => m.Text == "partial")))
        {
            why = "it must be declared partial";
        }
        else if (_library && !_type.IsStatic)
        {
            why = "a library must be a static class";
        }
        else if (!_library && _type.IsStatic)
        {
            why = "a static class is a library: use [LuaLibrary]";
        }

        if (why != null)
        {
            Report(_library ? Descriptors.BadLibraryType : Descriptors.BadUserdataType, _type, _type.ToDisplayString(), why);
            return false;
        }

        return true;
    }

    private void Collect()
    {
        foreach (ISymbol m in _type.GetMembers())
        {
            _ct.ThrowIfCancellationRequested();
            if (m.IsImplicitlyDeclared || m is INamedTypeSymbol || Has(m, "MicroLua.LuaIgnoreAttribute"))
            {
                continue;
            }

            AttributeData? member = m.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "MicroLua.LuaMemberAttribute");
            if (m.DeclaredAccessibility != Accessibility.Public && member == null)
            {
                continue;
            }

            string? explicitName = member?.ConstructorArguments.Length > 0 ? member.ConstructorArguments[0].Value as string : null;
            string name = string.IsNullOrEmpty(explicitName) ? m.Name : explicitName!;
            switch (m)
            {
                case IEventSymbol:
                    Unsupported(m, "events have no Lua equivalent");
                    break;
                case IFieldSymbol f:
                    CollectField(f, name);
                    break;
                case IPropertySymbol p:
                    CollectProperty(p, name);
                    break;
                case IMethodSymbol me:
                    CollectMethod(me, name, explicitName != null);
                    break;
            }
        }

        if (!_library && _close == null && !_metamethods.ContainsKey("__close"))
        {
            if (_type.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_IDisposable))
            {
                _close = "Dispose";
            }
            else if (_type.GetMembers("Close").OfType<IMethodSymbol>().Any(c => c.DeclaredAccessibility == Accessibility.Public && !c.IsStatic && c.Parameters.Length == 0))
            {
                _close = "Close";
            }
        }
    }

    private void CollectField(IFieldSymbol f, string name)
    {
        if (f.IsConst || (f.IsStatic && f.IsReadOnly))
        {
            ValueKind k = Conversions.Classify(f.Type, out string? why);
            if (k is ValueKind.Boolean or ValueKind.Integer or ValueKind.SmallInteger or ValueKind.Enum or ValueKind.Double or ValueKind.Single or ValueKind.String or ValueKind.Userdata)
            {
                if (Take("s:" + name, f))
                {
                    _constants.Add((name, f));
                    Depend(f.Type);
                }
            }
            else
            {
                Unsupported(f, why ?? $"a constant of type {f.Type.ToDisplayString()} cannot be copied into a Lua table");
            }

            return;
        }

        if (f.IsStatic)
        {
            Unsupported(f, "a mutable static field has no Lua equivalent (a const or static readonly field is copied into the table at registration)");
            return;
        }

        AddField(f, name, f.Type, canGet: true, canSet: !f.IsReadOnly);
    }

    private void CollectProperty(IPropertySymbol p, string name)
    {
        bool canGet = p.GetMethod != null && (p.GetMethod.DeclaredAccessibility == Accessibility.Public || Has(p, "MicroLua.LuaMemberAttribute"));
        bool canSet = p.SetMethod != null && !p.SetMethod.IsInitOnly && (p.SetMethod.DeclaredAccessibility == Accessibility.Public || Has(p, "MicroLua.LuaMemberAttribute"));
        if (p.IsStatic)
        {
            Unsupported(p, "static properties are not supported (give a static method, or a const or static readonly field)");
            return;
        }

        if (p.ReturnsByRef || p.ReturnsByRefReadonly)
        {
            Unsupported(p, "ref-returning properties are not supported");
            return;
        }

        if (p.IsIndexer)
        {
            if (p.Parameters.Length != 1 || p.Parameters[0].RefKind != RefKind.None || !Conversions.Readable(Conversions.Classify(p.Parameters[0].Type, out _))
                || Conversions.Classify(p.Parameters[0].Type, out _) is ValueKind.Bytes or ValueKind.LuaValue or ValueKind.Nullable)
            {
                Unsupported(p, "an indexer must have one key of a number, string, boolean, table, function or [LuaUserdata] type");
                return;
            }

            if (!CheckValueType(p, p.Type, canGet, canSet))
            {
                return;
            }

            Depend(p.Parameters[0].Type);
            _indexers.Add(p);
            return;
        }

        AddField(p, name, p.Type, canGet, canSet);
    }

    private bool CheckValueType(ISymbol m, ITypeSymbol type, bool canGet, bool canSet)
    {
        ValueKind k = Conversions.Classify(type, out string? why);
        if ((canGet && !Conversions.Pushable(k)) || (canSet && !Conversions.Readable(k)) || k == ValueKind.Bytes || k == ValueKind.Tuple)
        {
            Unsupported(m, why ?? $"a value of type {type.ToDisplayString()} cannot be both read and written by Lua");
            return false;
        }

        Depend(type);
        return true;
    }

    private void AddField(ISymbol m, string name, ITypeSymbol type, bool canGet, bool canSet)
    {
        if (!canGet && !canSet)
        {
            return;
        }

        if (!CheckValueType(m, type, canGet, canSet) || !Take("i:" + name, m))
        {
            return;
        }

        _fields.Add(new FieldBinding(name, m, type, canGet, canSet));
    }

    private void CollectMethod(IMethodSymbol me, string name, bool named)
    {
        switch (me.MethodKind)
        {
            case MethodKind.Ordinary:
                if (me.IsOverride && me.Name is "Equals" or "GetHashCode" && !named)
                {
                    return; // object's: the default __eq calls Equals
                }

                if (me.Name == "ToString" && !me.IsStatic && me.Parameters.Length == 0 && !named && !_library)
                {
                    _toString = true;
                    return;
                }

                if (!CheckCallable(me))
                {
                    return;
                }

                if (name.StartsWith("__", System.StringComparison.Ordinal))
                {
                    if (_library)
                    {
                        Unsupported(me, "a library has no metatable for a metamethod");
                        return;
                    }

                    Add(_metamethods, name, new Callable(me, !me.IsStatic, null), me, "m:");
                }
                else if (me.IsStatic)
                {
                    Add(_statics, name, new Callable(me, false, null), me, "s:");
                }
                else
                {
                    Add(_methods, name, new Callable(me, true, null), me, "i:");
                }

                return;
            case MethodKind.UserDefinedOperator:
                if (me.Name is "op_Inequality" or "op_GreaterThan" or "op_GreaterThanOrEqual")
                {
                    return; // Lua derives ~=, > and >= from __eq, __lt and __le
                }

                (string? ev, string? token) = Operator(me.Name);
                if (ev == null)
                {
                    Unsupported(me, $"operator {me.Name} has no Lua metamethod");
                    return;
                }

                if (CheckCallable(me))
                {
                    Add(_metamethods, ev, new Callable(me, false, token), me, "m:");
                }

                return;
            case MethodKind.Conversion:
                Unsupported(me, "conversion operators have no Lua equivalent");
                return;
            case MethodKind.Constructor:
                if (_type.IsAbstract)
                {
                    return;
                }

                if (CheckCallable(me))
                {
                    Add(_statics, named ? name : "new", new Callable(me, false, null), me, "s:");
                }

                return;
        }
    }

    private bool CheckCallable(IMethodSymbol me)
    {
        if (me.IsGenericMethod)
        {
            Unsupported(me, "generic methods are not supported");
            return false;
        }

        foreach (IParameterSymbol p in me.Parameters)
        {
            if (p.RefKind != RefKind.None)
            {
                Unsupported(me, $"parameter '{p.Name}' is ref, out or in, which Lua cannot pass");
                return false;
            }

            if (p.IsParams)
            {
                Unsupported(me, $"params parameter '{p.Name}' is not supported (take LuaValue arguments, or a table)");
                return false;
            }

            ValueKind k = Conversions.Classify(p.Type, out string? why);
            if (!Conversions.Readable(k))
            {
                Unsupported(me, $"parameter '{p.Name}': " + (why ?? $"{p.Type.ToDisplayString()} cannot come from Lua"));
                return false;
            }

            Depend(p.Type);
        }

        if (me.ReturnsByRef || me.ReturnsByRefReadonly)
        {
            Unsupported(me, "ref returns are not supported");
            return false;
        }

        if (me.MethodKind != MethodKind.Constructor)
        {
            ValueKind r = Conversions.Classify(me.ReturnType, out string? why);
            if (!Conversions.Pushable(r))
            {
                Unsupported(me, "its result: " + (why ?? $"{me.ReturnType.ToDisplayString()} cannot go to Lua"));
                return false;
            }

            Depend(me.ReturnType);
        }

        return true;
    }

    private void Add(Dictionary<string, List<Callable>> table, string name, Callable c, ISymbol m, string scope)
    {
        if (!table.TryGetValue(name, out List<Callable>? list))
        {
            if (!Take(scope + name, m))
            {
                return;
            }

            table[name] = list = [];
        }

        list.Add(c);
    }

    /// <summary>Claims a Lua name for a member; reports a clash when another member holds it.</summary>
    private bool Take(string key, ISymbol m)
    {
        if (_taken.TryGetValue(key, out string? by))
        {
            Report(Descriptors.NameClash, m, m.ToDisplayString(), key.Substring(2), by);
            return false;
        }

        _taken[key] = "'" + m.ToDisplayString() + "'";
        return true;
    }

    private void Depend(ITypeSymbol t)
    {
        if (t is INamedTypeSymbol n)
        {
            if (n.IsTupleType)
            {
                foreach (IFieldSymbol e in n.TupleElements)
                {
                    Depend(e.Type);
                }
            }
            else if (Conversions.IsUserdataType(n) && !SymbolEqualityComparer.Default.Equals(n, _type))
            {
                _dependencies.Add(n);
            }
        }
    }

    private static (string? Event, string? Token) Operator(string name) => name switch
    {
        "op_Addition" => ("__add", "+"),
        "op_Subtraction" => ("__sub", "-"),
        "op_Multiply" => ("__mul", "*"),
        "op_Division" => ("__div", "/"),
        "op_Modulus" => ("__mod", "%"),
        "op_UnaryNegation" => ("__unm", "-"),
        "op_Equality" => ("__eq", "=="),
        "op_LessThan" => ("__lt", "<"),
        "op_LessThanOrEqual" => ("__le", "<="),
        "op_BitwiseAnd" => ("__band", "&"),
        "op_BitwiseOr" => ("__bor", "|"),
        "op_ExclusiveOr" => ("__bxor", "^"),
        "op_OnesComplement" => ("__bnot", "~"),
        "op_LeftShift" => ("__shl", "<<"),
        "op_RightShift" => ("__shr", ">>"),
        _ => (null, null),
    };

    private static bool Has(ISymbol m, string attribute) => m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == attribute);

    private void Unsupported(ISymbol m, string why) => Report(Descriptors.UnsupportedMember, m, m.ToDisplayString(), why);

    private void Report(DiagnosticDescriptor d, ISymbol at, params string[] args) =>
        Diagnostics.Add(new DiagnosticInfo(d, at.Locations.FirstOrDefault(l => l.IsInSource), args));

    // ---- writing the binding ----

    private string Emit()
    {
        var sb = new StringBuilder();
        sb.AppendLine("// <auto-generated/> by MicroLua.Generators from [" + (_library ? "LuaLibrary" : "LuaUserdata") + "] " + _type.ToDisplayString());
        sb.AppendLine("#nullable disable");
        sb.AppendLine("#pragma warning disable CS1591, CS0618");
        if (!_type.ContainingNamespace.IsGlobalNamespace)
        {
            sb.AppendLine("namespace " + _type.ContainingNamespace.ToDisplayString());
            sb.AppendLine("{");
        }

        sb.AppendLine("partial class " + _type.Name);
        sb.AppendLine("{");
        var body = new StringBuilder();
        var keys = new Dictionary<string, string>();
        EmitRegister(body);
        if (!_library)
        {
            EmitIndex(body, keys);
            EmitNewIndex(body, keys);
            EmitSpecialMetamethods(body);
        }

        EmitGroups(body, _methods, "__Lua_Method");
        EmitGroups(body, _metamethods, "__Lua_Meta");
        EmitGroups(body, _statics, "__Lua_Static");
        foreach (KeyValuePair<string, string> k in keys)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(k.Key);
            body.AppendLine($"    private static readonly byte[] {k.Value} = new byte[] {{ {string.Join(", ", bytes.Select(b => b.ToString(CultureInfo.InvariantCulture)))} }};");
        }

        sb.Append(body);
        sb.AppendLine("}");
        if (!_type.ContainingNamespace.IsGlobalNamespace)
        {
            sb.AppendLine("}");
        }

        return sb.ToString();
    }

    private static string Lit(string s) => SymbolDisplay.FormatLiteral(s, quote: true);

    private void EmitRegister(StringBuilder b)
    {
        b.AppendLine("    /// <summary>");
        b.AppendLine(_library
            ? $"    /// Registers the Lua library {Escape(_luaName)} (a global table, also found by require) in <paramref name=\"lua\"/>."
            : $"    /// Registers the Lua binding of {Escape(_type.Name)} in <paramref name=\"lua\"/>: the metatable {Escape(_luaName)} (once per state)" +
              (_statics.Count + _constants.Count > 0 ? " and the global table of its constructors, static functions and constants" : "") +
              (_dependencies.Count > 0 ? ", and the bindings of the types its members use" : "") + ".");
        b.AppendLine("    /// </summary>");
        b.AppendLine("    public static void LuaRegister(global::MicroLua.LuaState lua)");
        b.AppendLine("    {");
        b.AppendLine("        if (lua == null) throw new global::System.ArgumentNullException(nameof(lua));");
        if (!_library)
        {
            b.AppendLine($"        if (!lua.NewMetatable<{_full}>({Lit(_luaName)}, out {Ns}LuaTableRef mt))");
            b.AppendLine("        {");
            b.AppendLine("            mt.Dispose();");
            b.AppendLine("            return;");
            b.AppendLine("        }");
            b.AppendLine();
            b.AppendLine("        using (mt)");
            b.AppendLine("        {");
            foreach (INamedTypeSymbol d in _dependencies.OrderBy(d => d.ToDisplayString(), System.StringComparer.Ordinal))
            {
                b.AppendLine($"            {Conversions.Full(d)}.LuaRegister(lua);");
            }

            int n = 0;
            foreach (string name in _methods.Keys)
            {
                b.AppendLine($"            {Bind}.Set(lua, mt, {Lit(name)}, __Lua_Method{n++});");
            }

            n = 0;
            foreach (string name in _metamethods.Keys)
            {
                b.AppendLine($"            {Bind}.Set(lua, mt, {Lit(name)}, __Lua_Meta{n++});");
            }

            if (_fields.Count > 0 || _indexers.Count > 0)
            {
                b.AppendLine($"            {Bind}.Set(lua, mt, \"__index\", __Lua_Index);");
            }
            else
            {
                b.AppendLine("            mt.RawSet(\"__index\", mt);");
            }

            b.AppendLine($"            {Bind}.Set(lua, mt, \"__newindex\", __Lua_NewIndex);");
            if (!_metamethods.ContainsKey("__eq"))
            {
                b.AppendLine($"            {Bind}.Set(lua, mt, \"__eq\", __Lua_Eq);");
            }

            if (_toString && !_metamethods.ContainsKey("__tostring"))
            {
                b.AppendLine($"            {Bind}.Set(lua, mt, \"__tostring\", __Lua_ToString);");
            }

            if (_close != null)
            {
                b.AppendLine($"            {Bind}.Set(lua, mt, \"__close\", __Lua_Close);");
            }

            b.AppendLine("        }");
        }

        if (_library || _statics.Count + _constants.Count > 0)
        {
            b.AppendLine($"        lua.RegisterLibrary({Lit(_luaName)}, new global::System.Collections.Generic.KeyValuePair<string, {Ns}LuaCallback>[]");
            b.AppendLine("        {");
            int n = 0;
            foreach (string name in _statics.Keys)
            {
                b.AppendLine($"            new global::System.Collections.Generic.KeyValuePair<string, {Ns}LuaCallback>({Lit(name)}, __Lua_Static{n++}),");
            }

            b.AppendLine("        });");
            if (_constants.Count > 0)
            {
                b.AppendLine($"        {Ns}LuaValue table = lua[{Lit(_luaName)}];");
                b.AppendLine($"        using ({Ns}LuaTableRef t = table.AsTable())");
                b.AppendLine("        {");
                foreach ((string name, IFieldSymbol f) in _constants)
                {
                    string value = $"{_full}.{f.Name}";
                    b.AppendLine(Conversions.Classify(f.Type, out _) == ValueKind.Userdata
                        ? $"            using ({Ns}LuaUserdata u = lua.NewUserdata<{Conversions.Full(f.Type)}>({value})) t.RawSet({Lit(name)}, u);"
                        : $"            t.RawSet({Lit(name)}, {ConstantValue(f.Type, value)});");
                }

                b.AppendLine("        }");
            }
        }

        b.AppendLine("    }");
        b.AppendLine();
    }

    private static string ConstantValue(ITypeSymbol t, string expr) => Conversions.Classify(t, out _) switch
    {
        ValueKind.Boolean => $"{Ns}LuaValue.FromBoolean({expr})",
        ValueKind.Integer or ValueKind.SmallInteger or ValueKind.Enum => $"{Ns}LuaValue.FromInteger((long){expr})",
        ValueKind.Double or ValueKind.Single => $"{Ns}LuaValue.FromNumber((double){expr})",
        _ => $"{Ns}LuaValue.FromString({expr})",
    };

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static string Key(Dictionary<string, string> keys, string name)
    {
        if (!keys.TryGetValue(name, out string? field))
        {
            keys[name] = field = "__Lua_Key" + keys.Count.ToString(CultureInfo.InvariantCulture);
        }

        return field;
    }

    private string Access(ISymbol m) => m.Name;

    private void EmitIndex(StringBuilder b, Dictionary<string, string> keys)
    {
        if (_fields.Count == 0 && _indexers.Count == 0)
        {
            return;
        }

        b.AppendLine($"    private static int __Lua_Index({Call})");
        b.AppendLine("    {");
        b.AppendLine($"        {_full} self = call.CheckUserdata<{_full}>(1);");
        b.AppendLine($"        if (call.TypeOf(2) == {Ns}LuaType.String)");
        b.AppendLine("        {");
        b.AppendLine("            global::System.ReadOnlySpan<byte> key = call.CheckBytes(2);");
        foreach (FieldBinding f in _fields.Where(f => f.CanGet))
        {
            b.AppendLine($"            if ({Bind}.Is(key, {Key(keys, f.Name)})) {{ var r = self.{Access(f.Member)}; {Conversions.Push(f.Type, "r")} return 1; }}");
        }

        // Methods live in the metatable; a string-keyed indexer must not shadow them.
        bool stringIndexer = _indexers.Any(i => i.GetMethod != null && Conversions.Classify(i.Parameters[0].Type, out _) == ValueKind.String);
        foreach (string m in stringIndexer ? _methods.Keys : Enumerable.Empty<string>())
        {
            b.AppendLine($"            if ({Bind}.Is(key, {Key(keys, m)})) return call.ReturnMetafield(1, 2);");
        }

        b.AppendLine("        }");
        b.AppendLine();
        foreach (IPropertySymbol ix in _indexers.Where(i => i.GetMethod != null))
        {
            b.AppendLine($"        if ({Conversions.Test(ix.Parameters[0].Type, "2")}) {{ var r = self[{Conversions.Read(ix.Parameters[0].Type, "2")}]; {Conversions.Push(ix.Type, "r")} return 1; }}");
        }

        b.AppendLine("        return call.ReturnMetafield(1, 2);");
        b.AppendLine("    }");
        b.AppendLine();
    }

    private void EmitNewIndex(StringBuilder b, Dictionary<string, string> keys)
    {
        b.AppendLine($"    private static int __Lua_NewIndex({Call})");
        b.AppendLine("    {");
        b.AppendLine($"        {_full} self = call.CheckUserdata<{_full}>(1);");
        if (_fields.Count > 0)
        {
            b.AppendLine($"        if (call.TypeOf(2) == {Ns}LuaType.String)");
            b.AppendLine("        {");
            b.AppendLine("            global::System.ReadOnlySpan<byte> key = call.CheckBytes(2);");
            foreach (FieldBinding f in _fields)
            {
                b.AppendLine(f.CanSet
                    ? $"            if ({Bind}.Is(key, {Key(keys, f.Name)})) {{ self.{Access(f.Member)} = {Conversions.Read(f.Type, "3")}; return 0; }}"
                    : $"            if ({Bind}.Is(key, {Key(keys, f.Name)})) throw {Bind}.ReadOnly({Lit(_luaName)}, {Lit(f.Name)});");
            }

            b.AppendLine("        }");
            b.AppendLine();
        }

        foreach (IPropertySymbol ix in _indexers.Where(i => i.SetMethod != null && i.SetMethod.DeclaredAccessibility == Accessibility.Public))
        {
            b.AppendLine($"        if ({Conversions.Test(ix.Parameters[0].Type, "2")}) {{ self[{Conversions.Read(ix.Parameters[0].Type, "2")}] = {Conversions.Read(ix.Type, "3")}; return 0; }}");
        }

        b.AppendLine("        global::System.GC.KeepAlive(self);");
        b.AppendLine($"        throw {Bind}.NoField(call, {Lit(_luaName)});");
        b.AppendLine("    }");
        b.AppendLine();
    }

    private void EmitSpecialMetamethods(StringBuilder b)
    {
        if (!_metamethods.ContainsKey("__eq"))
        {
            b.AppendLine($"    private static int __Lua_Eq({Call}) => call.Return(object.Equals(call.TestUserdata<{_full}>(1), call.TestUserdata<{_full}>(2)));");
            b.AppendLine();
        }

        if (_toString)
        {
            b.AppendLine($"    private static int __Lua_ToString({Call}) => call.Return(call.CheckUserdata<{_full}>(1).ToString());");
            b.AppendLine();
        }

        if (_close != null)
        {
            b.AppendLine($"    private static int __Lua_Close({Call})");
            b.AppendLine("    {");
            b.AppendLine($"        call.CheckUserdata<{_full}>(1).{_close}();");
            b.AppendLine("        return 0;");
            b.AppendLine("    }");
            b.AppendLine();
        }
    }

    private void EmitGroups(StringBuilder b, Dictionary<string, List<Callable>> groups, string prefix)
    {
        int n = 0;
        foreach (KeyValuePair<string, List<Callable>> g in groups)
        {
            b.AppendLine($"    private static int {prefix}{n++}({Call})");
            b.AppendLine("    {");

            // Overloads: the one with the most parameters whose arguments fit is called; the
            // last is called unconditionally, so its checks give Lua's message for a bad call.
            List<Callable> cs = [.. g.Value.OrderByDescending(c => c.Method.Parameters.Length)];
            for (int i = 0; i < cs.Count; i++)
            {
                if (i < cs.Count - 1)
                {
                    b.AppendLine($"        if ({Condition(cs[i])})");
                }

                b.AppendLine("        {");
                EmitCall(b, cs[i]);
                b.AppendLine("        }");
            }

            b.AppendLine("    }");
            b.AppendLine();
        }
    }

    private static int Offset(Callable c) => c.Self ? 1 : 0;

    private string Condition(Callable c)
    {
        int offset = Offset(c);
        int required = c.Method.Parameters.Count(p => !Optional(p));
        var parts = new List<string> { $"call.ArgumentCount >= {offset + required}" };
        if (c.Self)
        {
            parts.Add($"call.TestUserdata<{_full}>(1) != null");
        }

        for (int j = 0; j < ParameterCount(c); j++)
        {
            IParameterSymbol p = c.Method.Parameters[j];
            string i = (j + 1 + offset).ToString(CultureInfo.InvariantCulture);
            string test = Conversions.Test(p.Type, i);
            if (test != "true")
            {
                parts.Add(Optional(p) ? $"(call.IsNoneOrNil({i}) || {test})" : test);
            }
        }

        return string.Join(" && ", parts);
    }

    /// <summary>Lua calls __unm and __bnot with the operand twice: a unary operator reads argument 1 only.</summary>
    private static int ParameterCount(Callable c) => c.Method.Parameters.Length;

    private static bool Optional(IParameterSymbol p) =>
        p.HasExplicitDefaultValue || (p.Type.IsReferenceType && p.NullableAnnotation == NullableAnnotation.Annotated) || Conversions.Classify(p.Type, out _) == ValueKind.Nullable;

    private static string ReadParameter(IParameterSymbol p, string i)
    {
        string read = Conversions.Read(p.Type, i);
        if (p.HasExplicitDefaultValue)
        {
            string def = p.ExplicitDefaultValue == null
                ? $"default({Conversions.Full(p.Type)})"
                : $"({Conversions.Full(p.Type)})({FormatConstant(p.ExplicitDefaultValue)})";
            return $"(call.IsNoneOrNil({i}) ? {def} : {read})";
        }

        if (p.Type.IsReferenceType && p.NullableAnnotation == NullableAnnotation.Annotated)
        {
            return $"(call.IsNoneOrNil({i}) ? null : {read})";
        }

        return read;
    }

    private static string FormatConstant(object value) => value switch
    {
        string s => SymbolDisplay.FormatLiteral(s, quote: true),
        bool v => v ? "true" : "false",
        double d when double.IsNaN(d) => "double.NaN",
        double d when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
        double d when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture) + "f",
        System.IFormattable v => v.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    private void EmitCall(StringBuilder b, Callable c)
    {
        int offset = Offset(c);
        IMethodSymbol m = c.Method;
        var args = m.Parameters.Select((p, j) => ReadParameter(p, (j + 1 + offset).ToString(CultureInfo.InvariantCulture))).ToList();
        string expr;
        if (c.Op != null)
        {
            expr = args.Count == 1 ? $"{c.Op}{args[0]}" : $"{args[0]} {c.Op} {args[1]}";
        }
        else if (m.MethodKind == MethodKind.Constructor)
        {
            expr = $"new {_full}({string.Join(", ", args)})";
        }
        else if (c.Self)
        {
            b.AppendLine($"            {_full} self = call.CheckUserdata<{_full}>(1);");
            expr = $"self.{m.Name}({string.Join(", ", args)})";
        }
        else
        {
            expr = $"{_full}.{m.Name}({string.Join(", ", args)})";
        }

        ITypeSymbol result = m.MethodKind == MethodKind.Constructor ? _type : m.ReturnType;
        if (result.SpecialType == SpecialType.System_Void)
        {
            b.AppendLine($"            {expr};");
            b.AppendLine("            return 0;");
        }
        else
        {
            b.AppendLine($"            var r = {expr};");
            b.AppendLine($"            {Conversions.Push(result, "r")}");
            b.AppendLine($"            return {Conversions.ResultCount(result)};");
        }
    }
}
