namespace MicroLua;

/// <summary>What one <see cref="LuaState.Compact"/> did.</summary>
/// <param name="BytesMoved">Bytes of live blocks copied to lower addresses (0 when the heap was already compact).</param>
/// <param name="LargestFreeBlockBefore">Size in bytes of the largest free block before: the largest allocation that could have succeeded, plus its 8-byte header.</param>
/// <param name="LargestFreeBlockAfter">Size of the largest free block after: all free memory, as one block (<see cref="MemoryStats.FreeBytes"/>).</param>
/// <param name="FreeBlocksBefore">Free blocks before (after, there is one, or none when the heap is full).</param>
public readonly record struct LuaCompactionResult(long BytesMoved, long LargestFreeBlockBefore, long LargestFreeBlockAfter, long FreeBlocksBefore);
