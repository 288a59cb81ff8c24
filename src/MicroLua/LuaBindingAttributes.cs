namespace MicroLua;

/// <summary>
/// Makes the MicroLua source generator (shipped in the MicroLua package) bind a partial class
/// to Lua as a userdata type: its public methods, properties, fields, indexers and operators
/// become methods, fields and metamethods of a metatable registered under the type's Lua name,
/// and its public constructors, static methods and constants a global table of that name.
/// The generated <c>LuaRegister(LuaState)</c> registers it in a state. See docs/embedding.md, "Bindings".
/// </summary>
/// <param name="name">The Lua name (registry key, <c>__name</c>, global table); the class's name when null.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LuaUserdataAttribute(string? name = null) : Attribute
{
    /// <summary>The Lua name; null for the class's name.</summary>
    public string? Name { get; } = name;
}

/// <summary>
/// Makes the MicroLua source generator bind a static partial class to Lua as a library: a
/// global table (also found by <c>require</c>) of its public static methods and constants,
/// registered by the generated <c>LuaRegister(LuaState)</c>.
/// </summary>
/// <param name="name">The library's name; the class's name when null.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LuaLibraryAttribute(string? name = null) : Attribute
{
    /// <summary>The library's name; null for the class's name.</summary>
    public string? Name { get; } = name;
}

/// <summary>
/// Gives a bound member its Lua name, or binds a non-public member. A name that starts with
/// "__" makes the member a metamethod (<c>[LuaMember("__concat")]</c>, <c>"__call"</c>, <c>"__len"</c> ...).
/// </summary>
/// <param name="name">The Lua name; the member's own name when null.</param>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Constructor, Inherited = false)]
public sealed class LuaMemberAttribute(string? name = null) : Attribute
{
    /// <summary>The Lua name; null for the member's name.</summary>
    public string? Name { get; } = name;
}

/// <summary>Keeps a public member out of the generated binding (the generator reports members it cannot bind unless they carry this).</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Constructor | AttributeTargets.Event, Inherited = false)]
public sealed class LuaIgnoreAttribute : Attribute
{
}
