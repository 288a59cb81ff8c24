namespace MicroLua;

/// <summary>Stopping runaway scripts: an instruction budget and a cancellation token.</summary>
public sealed partial class LuaState
{
    /// <summary>
    /// Instructions the state may still run; null (the default) means unlimited. It counts
    /// down as Lua code runs, at loop back edges and calls (see docs/architecture.md, "Stopping
    /// runaway scripts", for the exact rule). When it reaches zero the running
    /// <see cref="DoString(string, string?)"/>/<see cref="DoBuffer(ReadOnlySpan{byte}, string)"/> throws
    /// <see cref="LuaBudgetExceededException"/>, which Lua code cannot catch; the state stays
    /// usable once a new budget is set.
    /// </summary>
    public long? InstructionBudget
    {
        get => Vm.Budget;
        set
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), "An instruction budget is zero or more.");
            }

            Vm.Budget = value;
        }
    }

    /// <summary>
    /// A token that stops the running chunk when cancelled: it is polled at the points where
    /// the budget is counted (every few thousand counted instructions), and the chunk ends with
    /// an <see cref="OperationCanceledException"/> carrying the token, which Lua code cannot
    /// catch. The default token never cancels.
    /// </summary>
    public CancellationToken CancellationToken
    {
        get => Vm.Cancellation;
        set => Vm.Cancellation = value;
    }
}
