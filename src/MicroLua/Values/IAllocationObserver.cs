using MicroLua.Memory;

namespace MicroLua.Values;

/// <summary>
/// Sees every allocation the program makes through <see cref="LuaGlobal.Allocate"/>
/// (the allocation freeze and the allocation profile; the layer above implements it, since
/// only the interpreter knows the source line). Null when neither is on, so that off costs
/// one test per allocation.
/// </summary>
internal interface IAllocationObserver
{
    /// <summary>
    /// Called before a block of <paramref name="payloadBytes"/> bytes (after the header) of
    /// <paramref name="type"/> is allocated; may raise a Lua error to refuse it
    /// (nothing is allocated then).
    /// </summary>
    void OnAllocate(ObjType type, nuint payloadBytes);
}
