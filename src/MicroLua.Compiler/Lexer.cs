using System.Text;
using MicroLua.Bytecode;
using MicroLua.Core;

namespace MicroLua.Compiler;

/// <summary>Token kinds. Single-character tokens use their character code; the rest start at 257.</summary>
internal static class Tk
{
    public const int FirstReserved = 257;
    public const int And = 257, Break = 258, Do = 259, Else = 260, Elseif = 261, End = 262, False = 263,
        For = 264, Function = 265, Goto = 266, If = 267, In = 268, Local = 269, Nil = 270, Not = 271,
        Or = 272, Repeat = 273, Return = 274, Then = 275, True = 276, Until = 277, While = 278;
    public const int IDiv = 279, Concat = 280, Dots = 281, Eq = 282, Ge = 283, Le = 284, Ne = 285,
        Shl = 286, Shr = 287, DbColon = 288, Eos = 289, Flt = 290, Int = 291, Name = 292, String = 293;

    private static readonly string[] s_names =
    [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
        "//", "..", "...", "==", ">=", "<=", "~=", "<<", ">>", "::", "<eof>",
        "<number>", "<integer>", "<name>", "<string>",
    ];

    public static readonly Dictionary<string, int> Reserved = BuildReserved();

    private static Dictionary<string, int> BuildReserved()
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = And; i <= While; i++)
        {
            d[s_names[i - FirstReserved]] = i;
        }
        return d;
    }

    /// <summary>Lua's luaX_token2str.</summary>
    public static string ToText(int token)
    {
        if (token < FirstReserved)
        {
            return token >= 32 && token < 127 ? $"'{(char)token}'" : $"'<\\{token}>'";
        }
        string s = s_names[token - FirstReserved];
        return token < Eos ? $"'{s}'" : s;
    }
}

/// <summary>
/// The lexer: turns source bytes into tokens, one at a time, with one token of lookahead.
/// Strings are kept as Latin-1 .NET strings (one char per byte) so that names compare and
/// hash cheaply; the code generator turns string constants back into bytes.
/// </summary>
internal sealed class Lexer
{
    private const int Eoz = -1;
    private readonly byte[] _src;
    private int _pos;
    private int _current;
    private readonly StringBuilder _buf = new();
    private readonly string _chunkId;

    public int Line = 1;
    public int LastLine = 1;
    public int Token;
    public string? SValue;
    public long IValue;
    public double FValue;
    /// <summary>Raw text of the current token as Lua's buffer held it (for "near" messages).</summary>
    public string TokenText = "";

    private int _ahead = Tk.Eos;
    private bool _hasAhead;
    private string? _aheadS;
    private long _aheadI;
    private double _aheadF;
    private string _aheadText = "";

    public Lexer(ReadOnlySpan<byte> source, string chunkName)
    {
        _src = source.ToArray();
        Source = chunkName;
        _chunkId = ChunkId.Format(chunkName);
        _pos = 0;
        Next();
    }

    public string Source { get; }

    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal)
    {
        ["_ENV"] = "_ENV",
        ["self"] = "self",
    };

    /// <summary>One instance per distinct name, so the parser can compare names by reference.</summary>
    private string Intern(string name)
    {
        if (_names.TryGetValue(name, out string? canonical))
        {
            return canonical;
        }
        _names[name] = name;
        return name;
    }

    private void Next() => _current = _pos < _src.Length ? _src[_pos++] : Eoz;

    private void SaveAndNext()
    {
        _buf.Append((char)_current);
        Next();
    }

    private void Save(int c) => _buf.Append((char)c);

    private static bool IsNewline(int c) => c == '\n' || c == '\r';
    private static bool IsAlpha(int c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    private static bool IsDigit(int c) => c >= '0' && c <= '9';
    private static bool IsAlnum(int c) => IsAlpha(c) || IsDigit(c);
    private static bool IsXDigit(int c) => IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    private static bool IsSpace(int c) => c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';

    private static int HexValue(int c) => IsDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10;

    public LuaCompileException Error(string msg, int line) =>
        new($"{_chunkId}:{line}: {msg}");

    /// <summary>A lexical error: message with "near" the text read so far.</summary>
    public LuaCompileException LexError(string msg, int token)
    {
        if (token != 0)
        {
            msg = $"{msg} near {NearText(token, _buf.ToString())}";
        }
        return Error(msg, Line);
    }

    /// <summary>A syntax error near the current token.</summary>
    public LuaCompileException SyntaxError(string msg) =>
        Error(Token == 0 ? msg : $"{msg} near {NearText(Token, TokenText)}", Line); // token 0 (a NUL byte) shows no "near", as in Lua

    private static string NearText(int token, string text)
    {
        if (token is Tk.Name or Tk.String or Tk.Flt or Tk.Int)
        {
            int z = text.IndexOf('\0', StringComparison.Ordinal);
            if (z >= 0)
            {
                text = text.Substring(0, z);
            }
            return $"'{text}'";
        }
        return Tk.ToText(token);
    }

    public void NextToken()
    {
        LastLine = Line;
        if (_hasAhead)
        {
            _hasAhead = false;
            Token = _ahead;
            SValue = _aheadS;
            IValue = _aheadI;
            FValue = _aheadF;
            TokenText = _aheadText;
            return;
        }
        Token = Lex(out SValue, out IValue, out FValue);
        TokenText = _buf.ToString();
    }

    public int LookAhead()
    {
        if (!_hasAhead)
        {
            _ahead = Lex(out _aheadS, out _aheadI, out _aheadF);
            _aheadText = _buf.ToString();
            _hasAhead = true;
        }
        return _ahead;
    }

    private void IncLine()
    {
        int old = _current;
        Next();
        if (IsNewline(_current) && _current != old)
        {
            Next(); // \n\r or \r\n
        }
        if (++Line >= int.MaxValue - 1)
        {
            throw LexError("chunk has too many lines", 0);
        }
    }

    private int Lex(out string? s, out long i, out double d)
    {
        s = null;
        i = 0;
        d = 0;
        _buf.Clear();
        while (true)
        {
            switch (_current)
            {
                case '\n':
                case '\r':
                    IncLine();
                    break;
                case ' ':
                case '\f':
                case '\t':
                case '\v':
                    Next();
                    break;
                case '-':
                    Next();
                    if (_current != '-')
                    {
                        return '-';
                    }
                    Next();
                    if (_current == '[')
                    {
                        int sep = SkipSep();
                        _buf.Clear();
                        if (sep >= 2)
                        {
                            ReadLongString(sep, false);
                            _buf.Clear();
                            break;
                        }
                    }
                    while (!IsNewline(_current) && _current != Eoz)
                    {
                        Next();
                    }
                    break;
                case '[':
                    {
                        int sep = SkipSep();
                        if (sep >= 2)
                        {
                            s = ReadLongString(sep, true);
                            return Tk.String;
                        }
                        if (sep == 0)
                        {
                            throw LexError("invalid long string delimiter", Tk.String);
                        }
                        return '[';
                    }
                case '=':
                    Next();
                    return CheckNext('=') ? Tk.Eq : '=';
                case '<':
                    Next();
                    if (CheckNext('='))
                    {
                        return Tk.Le;
                    }
                    return CheckNext('<') ? Tk.Shl : '<';
                case '>':
                    Next();
                    if (CheckNext('='))
                    {
                        return Tk.Ge;
                    }
                    return CheckNext('>') ? Tk.Shr : '>';
                case '/':
                    Next();
                    return CheckNext('/') ? Tk.IDiv : '/';
                case '~':
                    Next();
                    return CheckNext('=') ? Tk.Ne : '~';
                case ':':
                    Next();
                    return CheckNext(':') ? Tk.DbColon : ':';
                case '"':
                case '\'':
                    s = ReadString(_current);
                    return Tk.String;
                case '.':
                    SaveAndNext();
                    if (CheckNext('.'))
                    {
                        return CheckNext('.') ? Tk.Dots : Tk.Concat;
                    }
                    if (!IsDigit(_current))
                    {
                        return '.';
                    }
                    return ReadNumeral(out i, out d);
                case Eoz:
                    return Tk.Eos;
                default:
                    if (IsDigit(_current))
                    {
                        return ReadNumeral(out i, out d);
                    }
                    if (IsAlpha(_current))
                    {
                        do
                        {
                            SaveAndNext();
                        }
                        while (IsAlnum(_current));
                        string name = _buf.ToString();
                        if (Tk.Reserved.TryGetValue(name, out int r))
                        {
                            return r;
                        }
                        s = Intern(name);
                        return Tk.Name;
                    }
                    {
                        int c = _current;
                        Next();
                        return c;
                    }
            }
        }
    }

    private bool CheckNext(int c)
    {
        if (_current == c)
        {
            SaveAndNext();
            return true;
        }
        return false;
    }

    private bool CheckNext2(char a, char b)
    {
        if (_current == a || _current == b)
        {
            SaveAndNext();
            return true;
        }
        return false;
    }

    private int ReadNumeral(out long i, out double d)
    {
        i = 0;
        d = 0;
        char e1 = 'E', e2 = 'e';
        int first = _current;
        SaveAndNext();
        if (first == '0' && CheckNext2('x', 'X'))
        {
            e1 = 'P';
            e2 = 'p';
        }
        while (true)
        {
            if (CheckNext2(e1, e2))
            {
                CheckNext2('-', '+');
            }
            else if (IsXDigit(_current) || _current == '.')
            {
                SaveAndNext();
            }
            else
            {
                break;
            }
        }
        if (IsAlpha(_current))
        {
            SaveAndNext(); // force an error
        }
        // The numeral's characters are source bytes; the one string-to-number rule (Lua's
        // luaO_str2num, shared with tonumber and the VM's coercions) decides what it is.
        Span<byte> text = _buf.Length <= 256 ? stackalloc byte[_buf.Length] : new byte[_buf.Length];
        for (int k = 0; k < text.Length; k++)
        {
            text[k] = (byte)_buf[k];
        }
        if (LuaNumber.TryParseNumber(text, out i, out d, out bool isFloat))
        {
            return isFloat ? Tk.Flt : Tk.Int;
        }
        throw LexError("malformed number", Tk.Flt);
    }

    /// <summary>Reads '[' '='* '[' or ']' '='* ']'; returns count+2 when well formed, 1 for a lone bracket, 0 otherwise.</summary>
    private int SkipSep()
    {
        int count = 0;
        int s = _current;
        SaveAndNext();
        while (_current == '=')
        {
            SaveAndNext();
            count++;
        }
        return _current == s ? count + 2 : (count == 0 ? 1 : 0);
    }

    private string? ReadLongString(int sep, bool isString)
    {
        int line = Line;
        SaveAndNext(); // second '['
        if (IsNewline(_current))
        {
            IncLine();
        }
        while (true)
        {
            switch (_current)
            {
                case Eoz:
                    throw LexError($"unfinished long {(isString ? "string" : "comment")} (starting at line {line})", Tk.Eos);
                case ']':
                    if (SkipSep() == sep)
                    {
                        SaveAndNext();
                        if (!isString)
                        {
                            return null;
                        }
                        return _buf.ToString(sep, _buf.Length - 2 * sep);
                    }
                    break;
                case '\n':
                case '\r':
                    Save('\n');
                    IncLine();
                    if (!isString)
                    {
                        _buf.Clear();
                    }
                    break;
                default:
                    if (isString)
                    {
                        SaveAndNext();
                    }
                    else
                    {
                        Next();
                    }
                    break;
            }
        }
    }

    private void EscCheck(bool ok, string msg)
    {
        if (!ok)
        {
            if (_current != Eoz)
            {
                SaveAndNext();
            }
            throw LexError(msg, Tk.String);
        }
    }

    private int GetHexa()
    {
        SaveAndNext();
        EscCheck(IsXDigit(_current), "hexadecimal digit expected");
        return HexValue(_current);
    }

    private int ReadHexaEsc()
    {
        int r = GetHexa();
        r = (r << 4) + GetHexa();
        _buf.Length -= 2;
        return r;
    }

    private long ReadUtf8Esc()
    {
        int i = 4;
        SaveAndNext(); // 'u'
        EscCheck(_current == '{', "missing '{'");
        long r = GetHexa();
        while (true)
        {
            SaveAndNext();
            if (!IsXDigit(_current))
            {
                break;
            }
            i++;
            EscCheck(r <= (0x7FFFFFFFL >> 4), "UTF-8 value too large");
            r = (r << 4) + HexValue(_current);
        }
        EscCheck(_current == '}', "missing '}'");
        Next();
        _buf.Length -= i;
        return r;
    }

    private void Utf8Esc()
    {
        long x = ReadUtf8Esc();
        if (x < 0x80)
        {
            Save((int)x);
            return;
        }
        Span<byte> tmp = stackalloc byte[8];
        int n = 1;
        uint mfb = 0x3f;
        do
        {
            tmp[8 - n++] = (byte)(0x80 | (x & 0x3f));
            x >>= 6;
            mfb >>= 1;
        }
        while (x > mfb);
        tmp[8 - n] = (byte)((~mfb << 1) | (uint)x);
        for (int k = 8 - n; k < 8; k++)
        {
            Save(tmp[k]);
        }
    }

    private int ReadDecEsc()
    {
        int r = 0;
        int i;
        for (i = 0; i < 3 && IsDigit(_current); i++)
        {
            r = 10 * r + _current - '0';
            SaveAndNext();
        }
        EscCheck(r <= 255, "decimal escape too large");
        _buf.Length -= i;
        return r;
    }

    private string ReadString(int del)
    {
        SaveAndNext();
        while (_current != del)
        {
            switch (_current)
            {
                case Eoz:
                    throw LexError("unfinished string", Tk.Eos);
                case '\n':
                case '\r':
                    throw LexError("unfinished string", Tk.String);
                case '\\':
                    {
                        SaveAndNext(); // keep '\\' for error messages
                        int c;
                        switch (_current)
                        {
                            case 'a': c = '\a'; goto ReadSave;
                            case 'b': c = '\b'; goto ReadSave;
                            case 'f': c = '\f'; goto ReadSave;
                            case 'n': c = '\n'; goto ReadSave;
                            case 'r': c = '\r'; goto ReadSave;
                            case 't': c = '\t'; goto ReadSave;
                            case 'v': c = '\v'; goto ReadSave;
                            case 'x': c = ReadHexaEsc(); goto ReadSave;
                            case 'u': Utf8Esc(); continue;
                            case '\n':
                            case '\r':
                                IncLine();
                                c = '\n';
                                goto OnlySave;
                            case '\\':
                            case '"':
                            case '\'':
                                c = _current;
                                goto ReadSave;
                            case Eoz:
                                continue; // will raise the error next loop
                            case 'z':
                                _buf.Length--;
                                Next();
                                while (IsSpace(_current))
                                {
                                    if (IsNewline(_current))
                                    {
                                        IncLine();
                                    }
                                    else
                                    {
                                        Next();
                                    }
                                }
                                continue;
                            default:
                                EscCheck(IsDigit(_current), "invalid escape sequence");
                                c = ReadDecEsc();
                                goto OnlySave;
                        }
                    ReadSave:
                        Next();
                    OnlySave:
                        _buf.Length--; // remove '\\'
                        Save(c);
                        break;
                    }
                default:
                    SaveAndNext();
                    break;
            }
        }
        SaveAndNext();
        return _buf.ToString(1, _buf.Length - 2);
    }
}
