#if NETSTANDARD2_1
// The .NET 5-8 members the runtime calls that netstandard2.1 (Unity) lacks, under the same
// names (C# 14 extension members for static ones), so each call site compiles unchanged on both
// builds and net8.0 keeps calling the real, faster member. Where the stand-in is slower or
// allocates, its summary says so; docs/embedding.md ("Unity and older .NET") lists the differences.
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace System.Runtime.CompilerServices
{
    /// <summary>Lets ThrowIfNull name its argument (C# 10); shipped by .NET Core 3.0+ but not netstandard2.1.</summary>
    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
    internal sealed class CallerArgumentExpressionAttribute(string parameterName) : Attribute
    {
        public string ParameterName { get; } = parameterName;
    }

    /// <summary>What of System.Runtime.CompilerServices.Unsafe the project uses, without the package: the chunk readers' unaligned reads and Value's construction.</summary>
    internal static unsafe class Unsafe
    {
        public static T ReadUnaligned<T>(void* source)
            where T : unmanaged => Runtime.InteropServices.MemoryMarshal.Read<T>(new ReadOnlySpan<byte>(source, sizeof(T)));

        /// <summary>Here the value is zeroed: correct, only not the saving .NET's own gives.</summary>
        public static void SkipInit<T>(out T value) => value = default!;
    }
}

namespace System.Runtime.InteropServices
{
    /// <summary>.NET 6's aligned native allocation over <c>Marshal.AllocHGlobal</c>: the block's start is kept just before the aligned address.</summary>
    internal static unsafe class NativeMemory
    {
        public static void* AlignedAlloc(nuint byteCount, nuint alignment)
        {
            nint raw = Marshal.AllocHGlobal((nint)(byteCount + alignment + (nuint)sizeof(nint)));
            nuint aligned = ((nuint)raw + (nuint)sizeof(nint) + alignment - 1) & ~(alignment - 1);
            ((nint*)aligned)[-1] = raw;
            return (void*)aligned;
        }

        public static void AlignedFree(void* ptr)
        {
            if (ptr != null)
            {
                Marshal.FreeHGlobal(((nint*)ptr)[-1]);
            }
        }
    }

    /// <summary>
    /// .NET 5's list view, for reading only: netstandard2.1 cannot reach a list's array, so this
    /// copies it (one allocation per call); every call site only reads the span.
    /// </summary>
    internal static class CollectionsMarshal
    {
        public static Span<T> AsSpan<T>(List<T>? list) => list == null ? default : list.ToArray();
    }
}

namespace System.Numerics
{
    /// <summary>The bit operations of .NET Core 3.0's BitOperations the runtime uses, in portable C#.</summary>
    internal static class BitOperations
    {
        public static int LeadingZeroCount(uint value)
        {
            if (value == 0)
            {
                return 32;
            }

            int n = 0;
            while ((value & 0x8000_0000u) == 0)
            {
                value <<= 1;
                n++;
            }

            return n;
        }

        public static int LeadingZeroCount(ulong value) =>
            (value >> 32) != 0 ? LeadingZeroCount((uint)(value >> 32)) : 32 + LeadingZeroCount((uint)value);

        public static int TrailingZeroCount(uint value)
        {
            if (value == 0)
            {
                return 32;
            }

            int n = 0;
            while ((value & 1) == 0)
            {
                value >>= 1;
                n++;
            }

            return n;
        }

        public static int TrailingZeroCount(ulong value) =>
            (uint)value != 0 ? TrailingZeroCount((uint)value) : 32 + TrailingZeroCount((uint)(value >> 32));

        public static int TrailingZeroCount(int value) => TrailingZeroCount((uint)value);

        public static int TrailingZeroCount(long value) => TrailingZeroCount((ulong)value);

        public static uint RotateLeft(uint value, int offset) => (value << offset) | (value >> (32 - offset));

        public static ulong RotateLeft(ulong value, int offset) => (value << offset) | (value >> (64 - offset));
    }
}

namespace System
{
    /// <summary>The static and instance members .NET 5-8 added to base types, as extension members.</summary>
    internal static class NetstandardPolyfills
    {
        [ThreadStatic]
        private static Random? t_random;

        private static Encoding? s_latin1;

        extension(ArgumentNullException)
        {
            public static void ThrowIfNull([NotNull] object? argument, [CallerArgumentExpression(nameof(argument))] string? paramName = null)
            {
                if (argument is null)
                {
                    throw new ArgumentNullException(paramName);
                }
            }
        }

        extension(ArgumentException)
        {
            public static void ThrowIfNullOrEmpty([NotNull] string? argument, [CallerArgumentExpression(nameof(argument))] string? paramName = null)
            {
                ArgumentNullException.ThrowIfNull(argument, paramName);
                if (argument.Length == 0)
                {
                    throw new ArgumentException("The value cannot be an empty string.", paramName);
                }
            }
        }

        extension(Diagnostics.Stopwatch)
        {
            public static TimeSpan GetElapsedTime(long startingTimestamp) =>
                TimeSpan.FromTicks((long)((Diagnostics.Stopwatch.GetTimestamp() - startingTimestamp) * (10_000_000.0 / Diagnostics.Stopwatch.Frequency)));

            public static TimeSpan GetElapsedTime(long startingTimestamp, long endingTimestamp) =>
                TimeSpan.FromTicks((long)((endingTimestamp - startingTimestamp) * (10_000_000.0 / Diagnostics.Stopwatch.Frequency)));
        }

        extension(Threading.Interlocked)
        {
            public static int Or(ref int location, int value)
            {
                int old = Threading.Volatile.Read(ref location);
                while (true)
                {
                    int seen = Threading.Interlocked.CompareExchange(ref location, old | value, old);
                    if (seen == old)
                    {
                        return old;
                    }

                    old = seen;
                }
            }
        }

        /// <summary>Task.WaitAsync(CancellationToken) (.NET 6): the task, or a cancellation when the token fires first.</summary>
        public static async Threading.Tasks.Task<T> WaitAsync<T>(this Threading.Tasks.Task<T> task, Threading.CancellationToken cancellationToken)
        {
            if (task.IsCompleted || !cancellationToken.CanBeCanceled)
            {
                return await task.ConfigureAwait(false);
            }

            var cancelled = new Threading.Tasks.TaskCompletionSource<bool>(Threading.Tasks.TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(static s => ((Threading.Tasks.TaskCompletionSource<bool>)s!).TrySetResult(true), cancelled))
            {
                if (await Threading.Tasks.Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }

            return await task.ConfigureAwait(false);
        }

        extension(ArgumentOutOfRangeException)
        {
            public static void ThrowIfNegative(long value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
            {
                if (value < 0)
                {
                    throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} ('{value}') must be a non-negative value.");
                }
            }
        }

        extension(ObjectDisposedException)
        {
            public static void ThrowIf([DoesNotReturnIf(true)] bool condition, object instance)
            {
                if (condition)
                {
                    throw new ObjectDisposedException(instance?.GetType().FullName);
                }
            }
        }

        extension(Encoding)
        {
            /// <summary>ISO-8859-1, one char per byte (built into .NET Core and Mono under code page 28591).</summary>
            public static Encoding Latin1 => s_latin1 ??= Encoding.GetEncoding(28591);
        }

        extension(Array)
        {
            public static int MaxLength => 0x7FFFFFC7;
        }

        extension(GC)
        {
            public static T[] AllocateUninitializedArray<T>(int length) => new T[length];
        }

        extension(Random)
        {
            /// <summary>
            /// A generator per thread (netstandard2.1 has no thread-safe shared one), each seeded from
            /// a new GUID: older runtimes seed <c>new Random()</c> from the tick count, the same for
            /// threads started together.
            /// </summary>
            public static Random Shared => t_random ??= new Random(Guid.NewGuid().GetHashCode());
        }

        extension(Random random)
        {
            /// <summary>A uniform integer in [<paramref name="minValue"/>, <paramref name="maxValue"/>), by rejection over 64 random bits.</summary>
            public long NextInt64(long minValue, long maxValue)
            {
                ulong range = (ulong)(maxValue - minValue);
                Span<byte> bytes = stackalloc byte[8];
                ulong limit = range == 0 ? 0 : ulong.MaxValue - (ulong.MaxValue % range);
                while (true)
                {
                    random.NextBytes(bytes);
                    ulong r = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
                    if (range == 0)
                    {
                        return (long)r;
                    }

                    if (r < limit)
                    {
                        return (long)((ulong)minValue + (r % range));
                    }
                }
            }
        }

        extension(Math)
        {
            /// <summary>x·2^n, exact, by at most three multiplications by powers of two (so no intermediate over- or underflows early).</summary>
            public static double ScaleB(double x, int n)
            {
                const double TwoP1023 = 8.98846567431158e307; // 2^1023
                const double TwoPm969 = 2.0041683600089728e-292; // 2^-1022 * 2^53
                if (n > 1023)
                {
                    x *= TwoP1023;
                    n -= 1023;
                    if (n > 1023)
                    {
                        x *= TwoP1023;
                        n = Math.Min(n - 1023, 1023);
                    }
                }
                else if (n < -1022)
                {
                    x *= TwoPm969;
                    n += 1022 - 53;
                    if (n < -1022)
                    {
                        x *= TwoPm969;
                        n = Math.Max(n + 1022 - 53, -1022);
                    }
                }

                return x * BitConverter.Int64BitsToDouble((long)(0x3FF + n) << 52);
            }

            /// <summary>The base-2 logarithm, exact at powers of two: the exponent plus the mantissa's logarithm.</summary>
            public static double Log2(double x)
            {
                if (!(x > 0) || double.IsInfinity(x))
                {
                    return Math.Log(x); // NaN, -inf or +inf as Log gives them
                }

                long bits = BitConverter.DoubleToInt64Bits(x);
                int e = (int)((bits >> 52) & 0x7FF);
                if (e == 0)
                {
                    // subnormal: scale into the normal range first
                    return Log2(x * 18014398509481984.0) - 54; // 2^54
                }

                double m = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
                return (e - 1023) + (Math.Log(m) / 0.69314718055994530942);
            }
        }

        extension(Enum)
        {
            public static bool IsDefined<TEnum>(TEnum value)
                where TEnum : struct, Enum => Enum.IsDefined(typeof(TEnum), value);

            public static TEnum[] GetValues<TEnum>()
                where TEnum : struct, Enum => (TEnum[])Enum.GetValues(typeof(TEnum));
        }

        extension(string)
        {
            public static string Concat(ReadOnlySpan<char> str0, ReadOnlySpan<char> str1)
            {
                var sb = new StringBuilder(str0.Length + str1.Length);
                sb.Append(str0);
                sb.Append(str1);
                return sb.ToString();
            }

            public static string Concat(ReadOnlySpan<char> str0, ReadOnlySpan<char> str1, ReadOnlySpan<char> str2)
            {
                var sb = new StringBuilder(str0.Length + str1.Length + str2.Length);
                sb.Append(str0);
                sb.Append(str1);
                sb.Append(str2);
                return sb.ToString();
            }
        }

        extension(Threading.ThreadPool)
        {
            public static bool UnsafeQueueUserWorkItem<TState>(Action<TState> callBack, TState state, bool preferLocal)
            {
                _ = preferLocal;
                return Threading.ThreadPool.UnsafeQueueUserWorkItem(s => callBack((TState)s!), state);
            }
        }

        extension(int)
        {
            public static int Parse(ReadOnlySpan<byte> utf8Text, NumberStyles style, IFormatProvider? provider)
            {
                Span<char> chars = stackalloc char[utf8Text.Length];
                return int.Parse(Widen(utf8Text, chars), style, provider);
            }
        }

        extension(double)
        {
            public static bool TryParse(ReadOnlySpan<byte> utf8Text, NumberStyles style, IFormatProvider? provider, out double result)
            {
                Span<char> chars = utf8Text.Length <= 256 ? stackalloc char[utf8Text.Length] : new char[utf8Text.Length];
                return double.TryParse(Widen(utf8Text, chars), style, provider, out result);
            }
        }

        /// <summary>The bytes as chars, one each (the numbers' text is ASCII; another byte makes the parse fail as on .NET 8).</summary>
        private static ReadOnlySpan<char> Widen(ReadOnlySpan<byte> bytes, Span<char> chars)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                chars[i] = bytes[i] < 0x80 ? (char)bytes[i] : '\uFFFD';
            }

            return chars[..bytes.Length];
        }

        /// <summary>Formats into chars, then narrows them to bytes (the formats the runtime uses give ASCII).</summary>
        private static bool Narrow(Span<char> chars, int length, Span<byte> destination, out int bytesWritten)
        {
            if (length > destination.Length)
            {
                bytesWritten = 0;
                return false;
            }

            for (int i = 0; i < length; i++)
            {
                destination[i] = (byte)chars[i];
            }

            bytesWritten = length;
            return true;
        }

        public static bool TryFormat(this int value, Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
        {
            Span<char> chars = stackalloc char[64];
            bytesWritten = 0;
            return value.TryFormat(chars, out int n, format, provider) && Narrow(chars, n, utf8Destination, out bytesWritten);
        }

        public static bool TryFormat(this long value, Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
        {
            Span<char> chars = stackalloc char[64];
            bytesWritten = 0;
            return value.TryFormat(chars, out int n, format, provider) && Narrow(chars, n, utf8Destination, out bytesWritten);
        }

        public static bool TryFormat(this ulong value, Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
        {
            Span<char> chars = stackalloc char[64];
            bytesWritten = 0;
            return value.TryFormat(chars, out int n, format, provider) && Narrow(chars, n, utf8Destination, out bytesWritten);
        }

        public static bool TryFormat(this double value, Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
        {
            Span<char> chars = stackalloc char[512];
            bytesWritten = 0;
            return value.TryFormat(chars, out int n, format, provider) && Narrow(chars, n, utf8Destination, out bytesWritten);
        }

        public static bool Contains(this ReadOnlySpan<byte> span, byte value) => span.IndexOf(value) >= 0;

        public static bool Contains(this Span<byte> span, byte value) => span.IndexOf(value) >= 0;

        public static void AddRange<T>(this List<T> list, ReadOnlySpan<T> source)
        {
            list.Capacity = Math.Max(list.Capacity, list.Count + source.Length);
            foreach (T item in source)
            {
                list.Add(item);
            }
        }

        public static void AddRange<T>(this List<T> list, Span<T> source) => list.AddRange((ReadOnlySpan<T>)source);

        public static bool TryGetNonEnumeratedCount<T>(this IEnumerable<T> source, out int count)
        {
            switch (source)
            {
                case ICollection<T> c:
                    count = c.Count;
                    return true;
                case Collections.ICollection c:
                    count = c.Count;
                    return true;
                default:
                    count = 0;
                    return false;
            }
        }

        /// <summary>.NET 6's AddBytes: the bytes four at a time, then the rest one by one (hashes are per process, so only consistency matters).</summary>
        public static void AddBytes(this ref HashCode hash, ReadOnlySpan<byte> value)
        {
            while (value.Length >= 4)
            {
                hash.Add(BinaryPrimitives.ReadInt32LittleEndian(value));
                value = value[4..];
            }

            foreach (byte b in value)
            {
                hash.Add(b);
            }
        }

        public static StringBuilder Append(this StringBuilder builder, IFormatProvider? provider, FormattableString text) =>
            builder.Append(text.ToString(provider));

        public static int IndexOfAny(this ReadOnlySpan<byte> span, Buffers.SearchValues<byte> values)
        {
            bool[] member = values.Member;
            for (int i = 0; i < span.Length; i++)
            {
                if (member[span[i]])
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
#endif
