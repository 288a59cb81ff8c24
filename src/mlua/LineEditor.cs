using System.Text;

namespace MicroLua.Cli;

/// <summary>
/// A small line editor for the REPL on a terminal, over <see cref="Console.ReadKey(bool)"/>
/// and ANSI cursor movements (no maintained .NET line-editing package is AOT-safe and
/// available; see docs/mlua.md). Keys: left/right (Ctrl-B/F), Home/End (Ctrl-A/E),
/// Backspace, Delete, Ctrl-K (kill to end), Ctrl-U (kill to start), Ctrl-W (kill the word
/// before), Ctrl-L (clear the screen), up/down (Ctrl-P/N) through the history of this
/// session, Ctrl-D (end of input on an empty line, else delete), Ctrl-C (drop the line).
/// Every character counts one column; a line longer than the terminal wraps.
/// </summary>
internal sealed class LineEditor
{
    private readonly List<string> _history = [];
    private readonly StringBuilder _line = new();
    private string _prompt = "";
    private int _pos;
    private int _cursorRow; // the row the cursor is on, counted from the prompt's row

    /// <summary>
    /// Reads a line after <paramref name="prompt"/>: the text, or null at the end of input
    /// (Ctrl-D on an empty line); <paramref name="interrupted"/> when Ctrl-C dropped it.
    /// </summary>
    public string? ReadLine(string prompt, out bool interrupted)
    {
        interrupted = false;
        _prompt = prompt;
        _line.Clear();
        _pos = 0;
        _cursorRow = 0;
        int recalled = _history.Count; // the history entry shown; Count is the line being typed
        string typed = "";
        bool treatControlC = Console.TreatControlCAsInput;
        Console.TreatControlCAsInput = true;
        try
        {
            Console.Out.Write(prompt);
            while (true)
            {
                ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                char c = Control(key);
                switch (key.Key)
                {
                    case ConsoleKey.LeftArrow:
                        c = '\x02';
                        break;
                    case ConsoleKey.RightArrow:
                        c = '\x06';
                        break;
                    case ConsoleKey.Home:
                        c = '\x01';
                        break;
                    case ConsoleKey.End:
                        c = '\x05';
                        break;
                    case ConsoleKey.UpArrow:
                        c = '\x10';
                        break;
                    case ConsoleKey.DownArrow:
                        c = '\x0e';
                        break;
                    case ConsoleKey.Delete:
                        Delete();
                        continue;
                    case ConsoleKey.Backspace:
                        c = '\b';
                        break;
                    case ConsoleKey.Enter:
                        c = '\r';
                        break;
                    case ConsoleKey.Tab:
                        Insert("  ");
                        continue;
                }

                switch (c)
                {
                    case '\r' or '\n':
                        _pos = _line.Length;
                        Render();
                        Console.Out.Write("\r\n");
                        string text = _line.ToString();
                        if (text.Length > 0 && (_history.Count == 0 || _history[^1] != text))
                        {
                            _history.Add(text);
                        }

                        return text;
                    case '\x03': // Ctrl-C
                        _pos = _line.Length;
                        Render();
                        Console.Out.Write("^C\r\n");
                        interrupted = true;
                        return "";
                    case '\x04': // Ctrl-D
                        if (_line.Length == 0)
                        {
                            return null;
                        }

                        Delete();
                        break;
                    case '\x01':
                        Move(0);
                        break;
                    case '\x05':
                        Move(_line.Length);
                        break;
                    case '\x02':
                        Move(_pos - 1);
                        break;
                    case '\x06':
                        Move(_pos + 1);
                        break;
                    case '\b' or '\x7f':
                        if (_pos > 0)
                        {
                            _line.Remove(--_pos, 1);
                            Render();
                        }

                        break;
                    case '\x0b': // Ctrl-K
                        _line.Length = _pos;
                        Render();
                        break;
                    case '\x15': // Ctrl-U
                        _line.Remove(0, _pos);
                        _pos = 0;
                        Render();
                        break;
                    case '\x17': // Ctrl-W
                        int start = _pos;
                        while (start > 0 && _line[start - 1] == ' ')
                        {
                            start--;
                        }

                        while (start > 0 && _line[start - 1] != ' ')
                        {
                            start--;
                        }

                        _line.Remove(start, _pos - start);
                        _pos = start;
                        Render();
                        break;
                    case '\x0c': // Ctrl-L
                        Console.Out.Write("\x1b[H\x1b[2J");
                        _cursorRow = 0;
                        Render();
                        break;
                    case '\x10' or '\x0e': // Ctrl-P, Ctrl-N
                        int next = recalled + (c == '\x10' ? -1 : 1);
                        if (next >= 0 && next <= _history.Count)
                        {
                            if (recalled == _history.Count)
                            {
                                typed = _line.ToString();
                            }

                            recalled = next;
                            _line.Clear().Append(next == _history.Count ? typed : _history[next]);
                            _pos = _line.Length;
                            Render();
                        }

                        break;
                    default:
                        if (c == '\0' && key.KeyChar != '\0' && !char.IsControl(key.KeyChar))
                        {
                            Insert(key.KeyChar.ToString());
                        }

                        break;
                }
            }
        }
        finally
        {
            Console.TreatControlCAsInput = treatControlC;
        }
    }

    /// <summary>The control character a key stands for ('\x01' for Ctrl-A...), or '\0'.</summary>
    private static char Control(ConsoleKeyInfo key)
    {
        if (key.KeyChar is > '\0' and < ' ' or '\x7f')
        {
            return key.KeyChar;
        }

        return (key.Modifiers & ConsoleModifiers.Control) != 0 && key.Key is >= ConsoleKey.A and <= ConsoleKey.Z
            ? (char)(key.Key - ConsoleKey.A + 1) : '\0';
    }

    private void Insert(string text)
    {
        _line.Insert(_pos, text);
        _pos += text.Length;
        Render();
    }

    private void Delete()
    {
        if (_pos < _line.Length)
        {
            _line.Remove(_pos, 1);
            Render();
        }
    }

    private void Move(int pos)
    {
        if (pos >= 0 && pos <= _line.Length && pos != _pos)
        {
            _pos = pos;
            Render();
        }
    }

    /// <summary>Redraws the prompt and the line from the prompt's row and puts the cursor at <see cref="_pos"/>.</summary>
    private void Render()
    {
        int width = Width();
        var sb = new StringBuilder();
        if (_cursorRow > 0)
        {
            sb.Append("\x1b[").Append(_cursorRow).Append('A');
        }

        sb.Append('\r').Append(_prompt).Append(_line).Append("\x1b[J");
        int end = _prompt.Length + _line.Length;
        if (end > 0 && end % width == 0)
        {
            sb.Append("\r\n"); // the terminal waits at the last column: go to the next row
        }

        int target = _prompt.Length + _pos;
        int up = (end / width) - (target / width);
        if (up > 0)
        {
            sb.Append("\x1b[").Append(up).Append('A');
        }

        sb.Append('\r');
        if (target % width > 0)
        {
            sb.Append("\x1b[").Append(target % width).Append('C');
        }

        _cursorRow = target / width;
        Console.Out.Write(sb.ToString());
    }

    private static int Width()
    {
        try
        {
            int w = Console.WindowWidth;
            return w > 0 ? w : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
