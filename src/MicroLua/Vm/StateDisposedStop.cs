namespace MicroLua.Vm;

/// <summary>
/// The stop of a script whose state was disposed while it ran (from one of its own host
/// functions, a function a __gc finalizer called, or another thread): like the budget's stop,
/// no Lua handler catches it; the outermost API call frees the state when it has unwound its
/// frames, and the host sees an <see cref="ObjectDisposedException"/>.
/// </summary>
internal sealed class StateDisposedStop : ObjectDisposedException
{
    public StateDisposedStop() : base("LuaState", "The LuaState was disposed while a call on it was running.")
    {
    }

    public StateDisposedStop(string message) : base(message)
    {
    }

    public StateDisposedStop(string message, Exception innerException) : base(message, innerException)
    {
    }
}
