namespace MicroLua;

/// <summary>
/// What a state's collector has done since the state was made (<see cref="LuaState.GcStatistics"/>):
/// the collector's share of a program, in work (independent of the machine's load) and time.
/// </summary>
/// <param name="Work">Units of collector work: slots traversed while marking plus blocks swept (or passed over).</param>
/// <param name="Time">Time spent in the collector: steps, minor and major collections, full collections.</param>
/// <param name="LongestStep">The longest single step or generational collection (the longest pause the collector made).</param>
/// <param name="Steps">Incremental steps and generational collections run.</param>
/// <param name="MinorCollections">Minor collections run in generational mode.</param>
/// <param name="MajorCollections">Major collections run in generational mode (besides the full collection that enters it).</param>
public readonly record struct LuaGcStatistics(
    long Work,
    TimeSpan Time,
    TimeSpan LongestStep,
    long Steps,
    long MinorCollections,
    long MajorCollections);
