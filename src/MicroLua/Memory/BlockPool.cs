using System.Runtime.InteropServices;

namespace MicroLua.Memory;

/// <summary>
/// Heap blocks of disposed states, kept for the next state of the same size. A block is
/// reserved at the state's whole limit (512 MiB by default); getting one from the operating
/// system and giving it back (mmap and munmap, with the page faults of its first pages) costs
/// tens of microseconds, more than making a state from a snapshot. A service that makes states
/// by the hundred thousand reuses a few blocks instead. The pool is small and bounded: at most
/// <see cref="MaxBlocks"/> blocks in all, each keeping the pages its last state touched.
/// </summary>
internal static unsafe class BlockPool
{
    private const int MaxBlocks = 16;

    private static readonly object s_lock = new();
    private static readonly nint[] s_blocks = new nint[MaxBlocks];
    private static readonly nuint[] s_lengths = new nuint[MaxBlocks];
    private static int s_count;

    /// <summary>A block of <paramref name="length"/> bytes, 16-byte aligned, with unspecified contents.</summary>
    public static byte* Rent(nuint length)
    {
        lock (s_lock)
        {
            for (int i = s_count - 1; i >= 0; i--)
            {
                if (s_lengths[i] == length)
                {
                    byte* b = (byte*)s_blocks[i];
                    s_count--;
                    s_blocks[i] = s_blocks[s_count];
                    s_lengths[i] = s_lengths[s_count];
                    return b;
                }
            }
        }

        return (byte*)NativeMemory.AlignedAlloc(length, 16);
    }

    /// <summary>Takes back a block from <see cref="Rent"/>; frees it when the pool is full.</summary>
    public static void Return(byte* block, nuint length)
    {
        lock (s_lock)
        {
            if (s_count < MaxBlocks)
            {
                s_blocks[s_count] = (nint)block;
                s_lengths[s_count] = length;
                s_count++;
                return;
            }
        }

        NativeMemory.AlignedFree(block);
    }
}
