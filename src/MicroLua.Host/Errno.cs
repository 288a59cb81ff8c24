using System.Globalization;

namespace MicroLua.Host;

/// <summary>An operating-system failure with the C errno it stands for.</summary>
internal sealed class ErrnoException : IOException
{
    public ErrnoException(int errno)
        : base(MicroLua.Host.Errno.Message(errno))
    {
        Code = errno;
    }

    public int Code { get; }
}

/// <summary>
/// C errno numbers and the text glibc's strerror gives them (the library results
/// "nil, message, errno" carry both), and the mapping from .NET's exceptions.
/// </summary>
internal static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EIO = 5;
    public const int EBADF = 9;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int ESPIPE = 29;
    public const int ENAMETOOLONG = 36;
    public const int ENOTEMPTY = 39;

    public static string Message(int errno) => errno switch
    {
        1 => "Operation not permitted",
        2 => "No such file or directory",
        5 => "Input/output error",
        9 => "Bad file descriptor",
        12 => "Cannot allocate memory",
        13 => "Permission denied",
        16 => "Device or resource busy",
        17 => "File exists",
        18 => "Invalid cross-device link",
        20 => "Not a directory",
        21 => "Is a directory",
        22 => "Invalid argument",
        23 => "Too many open files in system",
        24 => "Too many open files",
        26 => "Text file busy",
        27 => "File too large",
        28 => "No space left on device",
        29 => "Illegal seek",
        30 => "Read-only file system",
        31 => "Too many links",
        32 => "Broken pipe",
        36 => "File name too long",
        39 => "Directory not empty",
        40 => "Too many levels of symbolic links",
        122 => "Disk quota exceeded",
        _ => string.Create(CultureInfo.InvariantCulture, $"Unknown error {errno}"),
    };

    /// <summary>The errno a .NET exception from a file operation on <paramref name="path"/> stands for.</summary>
    public static int From(Exception e, string? path = null)
    {
        switch (e)
        {
            case ErrnoException ee:
                return ee.Code;
            case FileNotFoundException:
            case DirectoryNotFoundException:
                return ENOENT;
            case PathTooLongException:
                return ENAMETOOLONG;
            case UnauthorizedAccessException:
                return path != null && Directory.Exists(path) ? EISDIR : EACCES;
            case NotSupportedException:
                return ESPIPE;
            case ArgumentException:
                return path != null && path.Length == 0 ? ENOENT : EINVAL;
            case IOException io:
                // On Unix, .NET keeps the raw errno of an unmapped failure as the HResult.
                return io.HResult is > 0 and < 200 ? io.HResult : EIO;
            default:
                return EIO;
        }
    }
}
