#if NETSTANDARD2_1
// The .NET 5-8 members MicroLua.Host calls that netstandard2.1 (Unity) lacks, as C# 14 extension
// members under the same names, so the call sites compile unchanged on both builds (the runtime's
// own stand-ins, src/MicroLua/Polyfills, are reached through InternalsVisibleTo).
using System.Globalization;
using System.Runtime.InteropServices;

namespace System;

/// <summary>Stand-ins for the members of base types MicroLua.Host uses that netstandard2.1 lacks.</summary>
internal static class HostPolyfills
{
    extension(string)
    {
        public static string Create(IFormatProvider? provider, FormattableString text) => text.ToString(provider ?? CultureInfo.CurrentCulture);
    }

    extension(char)
    {
        public static bool IsAsciiDigit(char c) => c is >= '0' and <= '9';

        public static bool IsAsciiHexDigit(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'f') or (>= 'A' and <= 'F');
    }

    extension(OperatingSystem)
    {
        public static bool IsWindows() => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
    }

    extension(File)
    {
        /// <summary>Move with overwrite: on netstandard2.1 the target is deleted first, so the replacement is not atomic.</summary>
        public static void Move(string sourceFileName, string destFileName, bool overwrite)
        {
            if (overwrite && File.Exists(destFileName) && File.Exists(sourceFileName))
            {
                File.Delete(destFileName);
            }

            File.Move(sourceFileName, destFileName);
        }
    }

    extension(FileInfo info)
    {
        /// <summary>
        /// Non-null for a symbolic link (as .NET 6's LinkTarget), but netstandard2.1 cannot read the
        /// target: the empty string stands for it. Only whether it is null is used.
        /// </summary>
        public string? LinkTarget
        {
            get
            {
                FileAttributes a = info.Attributes; // -1 when nothing is there
                return a != (FileAttributes)(-1) && (a & FileAttributes.ReparsePoint) != 0 ? "" : null;
            }
        }
    }
}
#endif
