#if NETSTANDARD2_1
namespace System.Text.Unicode;

/// <summary>
/// The one member of .NET's <c>System.Text.Unicode.Utf8</c> the runtime uses, for netstandard2.1
/// where the class is missing: the same name, so the call sites compile unchanged on both builds.
/// </summary>
internal static class Utf8
{
    /// <summary>Whether <paramref name="value"/> is well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).</summary>
    public static bool IsValid(ReadOnlySpan<byte> value)
    {
        int i = 0;
        while (i < value.Length)
        {
            byte b = value[i];
            if (b < 0x80)
            {
                i++;
                continue;
            }

            int n;
            int min;
            int cp;
            if ((b & 0xE0) == 0xC0)
            {
                n = 1;
                min = 0x80;
                cp = b & 0x1F;
            }
            else if ((b & 0xF0) == 0xE0)
            {
                n = 2;
                min = 0x800;
                cp = b & 0x0F;
            }
            else if ((b & 0xF8) == 0xF0)
            {
                n = 3;
                min = 0x10000;
                cp = b & 0x07;
            }
            else
            {
                return false;
            }

            if (i + n >= value.Length)
            {
                return false;
            }

            for (int k = 1; k <= n; k++)
            {
                byte c = value[i + k];
                if ((c & 0xC0) != 0x80)
                {
                    return false;
                }

                cp = (cp << 6) | (c & 0x3F);
            }

            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            {
                return false;
            }

            i += n + 1;
        }

        return true;
    }
}
#endif
