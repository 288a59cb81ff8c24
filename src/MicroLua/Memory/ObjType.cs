using MicroLua.Core;

namespace MicroLua.Memory;

/// <summary>
/// What a heap block holds, stored in its header. The types a Value can reference are
/// defined from their <see cref="Tag"/>, so a value's tag and its block's type can be
/// compared directly; the rest are numbered after <see cref="Tag.DeadKey"/>.
/// </summary>
internal enum ObjType : byte
{
    /// <summary>A block that holds nothing typed (free, or raw bytes being set up).</summary>
    None = 0,
    ShortString = Tag.ShortString,
    LongString = Tag.LongString,
    Table = Tag.Table,
    LuaClosure = Tag.LuaClosure,
    HostClosure = Tag.HostClosure,
    Userdata = Tag.Userdata,
    Thread = Tag.Thread,
    /// <summary>A function prototype.</summary>
    Proto = 16,
    /// <summary>An upvalue, open or closed.</summary>
    UpValue = 17,
    /// <summary>A table's array part: Values.</summary>
    TableArray = 18,
    /// <summary>A table's hash part: nodes.</summary>
    TableNodes = 19,
    /// <summary>The string table's bucket array.</summary>
    StringBuckets = 20,
    /// <summary>A thread's value stack.</summary>
    Stack = 21,
    /// <summary>An array of Values owned by another object (prototype constants, user values...).</summary>
    ValueArray = 22,
    /// <summary>Raw bytes owned by another object (code, line info...).</summary>
    Bytes = 23,
    /// <summary>An array of references owned by another object (nested prototypes...).</summary>
    RefArray = 24,
}
