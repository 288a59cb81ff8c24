#if NETSTANDARD2_1
namespace System.Buffers;

/// <summary>
/// A set of bytes to search for, standing in on netstandard2.1 for .NET 8's
/// <c>System.Buffers.SearchValues</c> (the same names, so the call sites compile unchanged):
/// a 256-entry table instead of vectorised probes.
/// </summary>
internal sealed class SearchValues<T>
    where T : struct
{
    internal readonly bool[] Member = new bool[256];
}

/// <summary>Makes a <see cref="SearchValues{T}"/>, as .NET 8's factory.</summary>
internal static class SearchValues
{
    public static SearchValues<byte> Create(ReadOnlySpan<byte> values)
    {
        var s = new SearchValues<byte>();
        foreach (byte b in values)
        {
            s.Member[b] = true;
        }

        return s;
    }
}
#endif
