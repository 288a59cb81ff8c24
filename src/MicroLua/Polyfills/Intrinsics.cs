#if NETSTANDARD2_1
// netstandard2.1 has no hardware intrinsics: the collector's prefetch hints become a test that
// is always false (the JIT removes the branch), so the generational sweep compiles unchanged.
namespace System.Runtime.Intrinsics.X86
{
    /// <summary>Stands in for SSE on netstandard2.1: never supported, Prefetch0 does nothing.</summary>
    internal static unsafe class Sse
    {
        public static bool IsSupported => false;

        public static void Prefetch0(void* address)
        {
        }
    }
}
#endif
