namespace MicroLua;

/// <summary>
/// Thrown by <see cref="LuaState.DoString(string, string?)"/> and <see cref="LuaState.DoBuffer(ReadOnlySpan{byte}, string)"/>
/// when the state's <see cref="LuaState.InstructionBudget"/> runs out. Lua code cannot catch it
/// (pcall, xpcall, coroutine.resume, __close and __gc handlers let it pass); the state stays
/// usable: set a new budget and run again.
/// </summary>
public sealed class LuaBudgetExceededException : Exception
{
    /// <summary>Creates the exception with the message "instruction budget exceeded".</summary>
    public LuaBudgetExceededException() : base("instruction budget exceeded")
    {
    }

    /// <summary>Creates the exception with a message of the caller's choice.</summary>
    public LuaBudgetExceededException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public LuaBudgetExceededException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
