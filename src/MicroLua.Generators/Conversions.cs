using System.Linq;
using Microsoft.CodeAnalysis;

namespace MicroLua.Generators;

/// <summary>How a .NET type crosses the boundary: which check reads it, which test tells an overload, which push returns it.</summary>
internal enum ValueKind
{
    Unsupported,
    Void,
    Boolean,
    Integer,   // long
    SmallInteger, // int, short, byte ...: range-checked
    Enum,
    Double,
    Single,
    String,
    Bytes,     // ReadOnlySpan<byte>: parameters only
    LuaValue,
    Table,
    Function,
    Reference, // LuaUserdata, LuaCoroutine, LuaReference: results only
    Userdata,  // a [LuaUserdata] class
    Nullable,  // Nullable<T> of one of the above
    Tuple,     // ValueTuple: several results
}

/// <summary>The C# text that reads, tests and pushes values of one .NET type, as the generated code writes it.</summary>
internal static class Conversions
{
    public const string Ns = "global::MicroLua.";
    public const string Bind = "global::MicroLua.Generated.LuaBind";

    public static string Full(ITypeSymbol t) => t.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

    public static bool IsUserdataType(ITypeSymbol t) =>
        t.TypeKind == TypeKind.Class && t.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "MicroLua.LuaUserdataAttribute");

    public static ValueKind Classify(ITypeSymbol t, out string? why)
    {
        why = null;
        switch (t.SpecialType)
        {
            case SpecialType.System_Void: return ValueKind.Void;
            case SpecialType.System_Boolean: return ValueKind.Boolean;
            case SpecialType.System_Int64: return ValueKind.Integer;
            case SpecialType.System_Int32:
            case SpecialType.System_Int16:
            case SpecialType.System_SByte:
            case SpecialType.System_UInt32:
            case SpecialType.System_UInt16:
            case SpecialType.System_Byte:
                return ValueKind.SmallInteger;
            case SpecialType.System_Double: return ValueKind.Double;
            case SpecialType.System_Single: return ValueKind.Single;
            case SpecialType.System_String: return ValueKind.String;
            case SpecialType.System_UInt64:
                why = "ulong has values no Lua integer holds; take long";
                return ValueKind.Unsupported;
        }

        if (t.TypeKind == TypeKind.Enum)
        {
            return ValueKind.Enum;
        }

        if (t is INamedTypeSymbol named)
        {
            string def = named.OriginalDefinition.ToDisplayString();
            if (def == "System.Nullable<T>")
            {
                ValueKind inner = Classify(named.TypeArguments[0], out why);
                if (inner is ValueKind.Boolean or ValueKind.Integer or ValueKind.SmallInteger or ValueKind.Enum or ValueKind.Double or ValueKind.Single)
                {
                    return ValueKind.Nullable;
                }

                why ??= $"{named.TypeArguments[0].ToDisplayString()}? is not a Lua value";
                return ValueKind.Unsupported;
            }

            if (def == "System.ReadOnlySpan<T>" && named.TypeArguments[0].SpecialType == SpecialType.System_Byte)
            {
                return ValueKind.Bytes;
            }

            if (named.IsTupleType)
            {
                foreach (IFieldSymbol e in named.TupleElements)
                {
                    ValueKind k = Classify(e.Type, out why);
                    if (k is ValueKind.Unsupported or ValueKind.Void or ValueKind.Tuple or ValueKind.Bytes)
                    {
                        why ??= $"a tuple element of type {e.Type.ToDisplayString()} cannot be returned";
                        return ValueKind.Unsupported;
                    }
                }

                return ValueKind.Tuple;
            }

            switch (named.ToDisplayString())
            {
                case "MicroLua.LuaValue": return ValueKind.LuaValue;
                case "MicroLua.LuaTableRef": return ValueKind.Table;
                case "MicroLua.LuaFunction": return ValueKind.Function;
                case "MicroLua.LuaUserdata":
                case "MicroLua.LuaCoroutine":
                case "MicroLua.LuaReference":
                    return ValueKind.Reference;
                case "System.Threading.Tasks.Task":
                case "System.Threading.Tasks.ValueTask":
                    why = "asynchronous members are not supported by the generator";
                    return ValueKind.Unsupported;
            }

            if (def is "System.Threading.Tasks.Task<TResult>" or "System.Threading.Tasks.ValueTask<TResult>")
            {
                why = "asynchronous members are not supported by the generator";
                return ValueKind.Unsupported;
            }

            if (IsUserdataType(named))
            {
                return named.IsGenericType ? ValueKind.Unsupported : ValueKind.Userdata;
            }
        }

        why = $"{t.ToDisplayString()} is not a Lua value (bind the class with [LuaUserdata], or take LuaValue)";
        return ValueKind.Unsupported;
    }

    /// <summary>Whether a parameter of this kind can be read from Lua.</summary>
    public static bool Readable(ValueKind k) => k is not (ValueKind.Unsupported or ValueKind.Void or ValueKind.Reference or ValueKind.Tuple);

    /// <summary>Whether a result of this kind can be pushed to Lua.</summary>
    public static bool Pushable(ValueKind k) => k is not (ValueKind.Unsupported or ValueKind.Bytes);

    /// <summary>The expression that checks argument <paramref name="i"/> and gives it as <paramref name="t"/> (Lua's message when it is not).</summary>
    public static string Read(ITypeSymbol t, string i)
    {
        ValueKind k = Classify(t, out _);
        return k switch
        {
            ValueKind.Boolean => $"call.ToBoolean({i})",
            ValueKind.Integer => $"call.CheckInteger({i})",
            ValueKind.SmallInteger => $"({Full(t)})call.CheckInteger({i}, {Min(t)}, {Max(t)})",
            ValueKind.Enum => $"({Full(t)})call.CheckInteger({i})",
            ValueKind.Double => $"call.CheckNumber({i})",
            ValueKind.Single => $"(float)call.CheckNumber({i})",
            ValueKind.String => $"call.CheckString({i})",
            ValueKind.Bytes => $"call.CheckBytes({i})",
            ValueKind.LuaValue => $"call[{i}]",
            ValueKind.Table => $"call.CheckTable({i})",
            ValueKind.Function => $"call.CheckFunction({i})",
            ValueKind.Userdata => $"call.CheckUserdata<{Full(t)}>({i})",
            ValueKind.Nullable => $"(call.IsNoneOrNil({i}) ? ({Full(t)})null : {Read(((INamedTypeSymbol)t).TypeArguments[0], i)})",
            _ => "default",
        };
    }

    /// <summary>The condition under which argument <paramref name="i"/> suits <paramref name="t"/>, for choosing among overloads.</summary>
    public static string Test(ITypeSymbol t, string i)
    {
        ValueKind k = Classify(t, out _);
        return k switch
        {
            ValueKind.Boolean => $"call.TypeOf({i}) == {Ns}LuaType.Boolean",
            ValueKind.Integer or ValueKind.SmallInteger or ValueKind.Enum or ValueKind.Double or ValueKind.Single => $"call.TypeOf({i}) == {Ns}LuaType.Number",
            ValueKind.String or ValueKind.Bytes => $"call.TypeOf({i}) == {Ns}LuaType.String",
            ValueKind.Table => $"call.TypeOf({i}) == {Ns}LuaType.Table",
            ValueKind.Function => $"call.TypeOf({i}) == {Ns}LuaType.Function",
            ValueKind.Userdata => $"call.TestUserdata<{Full(t)}>({i}) != null",
            ValueKind.Nullable => $"(call.IsNoneOrNil({i}) || {Test(((INamedTypeSymbol)t).TypeArguments[0], i)})",
            _ => "true",
        };
    }

    /// <summary>How many Lua values a result of type <paramref name="t"/> is.</summary>
    public static int ResultCount(ITypeSymbol t) => Classify(t, out _) switch
    {
        ValueKind.Void => 0,
        ValueKind.Tuple => ((INamedTypeSymbol)t).TupleElements.Length,
        _ => 1,
    };

    /// <summary>Statements that push the value of <paramref name="expr"/> (a variable) as Lua values.</summary>
    public static string Push(ITypeSymbol t, string expr)
    {
        ValueKind k = Classify(t, out _);
        return k switch
        {
            ValueKind.Boolean => $"call.Push({Ns}LuaValue.FromBoolean({expr}));",
            ValueKind.Integer or ValueKind.SmallInteger or ValueKind.Enum => $"call.Push({Ns}LuaValue.FromInteger((long){expr}));",
            ValueKind.Double or ValueKind.Single => $"call.Push({Ns}LuaValue.FromNumber((double){expr}));",
            ValueKind.String => $"call.Push({Ns}LuaValue.FromString({expr}));",
            ValueKind.LuaValue => $"call.Push({expr});",
            ValueKind.Table or ValueKind.Function or ValueKind.Reference => $"call.Push({Ns}LuaValue.FromReference({expr}));",
            ValueKind.Userdata => $"call.PushUserdata<{Full(t)}>({expr});",
            ValueKind.Nullable => $"if ({expr}.HasValue) {{ {Push(((INamedTypeSymbol)t).TypeArguments[0], expr + ".Value")} }} else {{ call.Push(default({Ns}LuaValue)); }}",
            ValueKind.Tuple => string.Join(" ", ((INamedTypeSymbol)t).TupleElements.Select((e, n) => Push(e.Type, $"{expr}.Item{n + 1}"))),
            _ => "",
        };
    }

    private static string Min(ITypeSymbol t) => t.SpecialType switch
    {
        SpecialType.System_Int32 => "int.MinValue",
        SpecialType.System_Int16 => "short.MinValue",
        SpecialType.System_SByte => "sbyte.MinValue",
        _ => "0",
    };

    private static string Max(ITypeSymbol t) => t.SpecialType switch
    {
        SpecialType.System_Int32 => "int.MaxValue",
        SpecialType.System_Int16 => "short.MaxValue",
        SpecialType.System_SByte => "sbyte.MaxValue",
        SpecialType.System_UInt32 => "uint.MaxValue",
        SpecialType.System_UInt16 => "ushort.MaxValue",
        _ => "byte.MaxValue",
    };
}
