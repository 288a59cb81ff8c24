namespace MicroLua.Core;

/// <summary>Metamethod events, in Lua 5.4's order (MMBIN's C operand is one of these).</summary>
internal enum TM : byte
{
    Index, NewIndex, Gc, Mode, Len, Eq,
    Add, Sub, Mul, Mod, Pow, Div, IDiv,
    BAnd, BOr, BXor, Shl, Shr, Unm, BNot,
    Lt, Le, Concat, Call, Close,
    Count,
}
