namespace MicroLua.Tests.Host;

public sealed class IoLibraryTests
{
    [Fact]
    public void Write_NumbersAndStrings_UsesPercent14g()
    {
        using var h = new HostTestState();
        string o = h.Run("io.write(1, ' ', 2.5, ' ', 1.0, ' ', -0.0, ' ', 1e15, ' ', 1e100, ' ', 0.1, ' ', -1/0, ' ', 2^63)");
        Assert.Equal("1 2.5 1 -0 1e+15 1e+100 0.1 -inf 9.2233720368548e+18", o);
    }

    [Fact]
    public void Write_InterleavesWithPrint_AndReturnsStdout()
    {
        using var h = new HostTestState();
        Assert.Equal("a\nb\ntrue\n", h.Run("io.write('a\\n'); print('b'); print(io.write('') == io.stdout)"));
    }

    [Fact]
    public void Write_NonString_RaisesArgumentError()
    {
        using var h = new HostTestState();
        string o = h.Run("print(select(2, pcall(function() io.write({}) end)))");
        Assert.Equal("test:1: bad argument #1 to 'write' (string expected, got table)\n", o);
    }

    [Fact]
    public void UnclosedFile_IsClosedAndFlushedByCollection()
    {
        using var h = new HostTestState();
        string o = h.Run("""
            do local f = io.open(DIR .. '/a.txt', 'w'); f:write('dropped') end
            io.output(DIR .. '/b.txt'); io.write('via output'); io.output(io.stdout)
            collectgarbage()
            for _, n in ipairs({'a', 'b'}) do
              local f = io.open(DIR .. '/' .. n .. '.txt'); print(f:read('a')); f:close()
            end
            """);
        Assert.Equal("dropped\nvia output\n", o);
    }

    [Theory]
    [InlineData("\xEF\xBB\xBFreturn 239", "239")]
    [InlineData("\xEF\xBB\xBF# comment\nreturn debug.getinfo(1, 'l').currentline", "2")]
    [InlineData("\xEF\xBB\xBF", "")]
    [InlineData("# no newline", "")]
    public void LoadFile_SkipsByteOrderMarkAndFirstCommentLine(string content, string expected)
    {
        using var h = new HostTestState();
        File.WriteAllBytes(h.PathOf("l.lua"), System.Text.Encoding.Latin1.GetBytes(content));
        Assert.Equal(expected + "\n", h.Run("print(assert(loadfile(DIR .. '/l.lua'))())"));
    }

    [Fact]
    public void Open_Missing_ReturnsErrnoTriple()
    {
        using var h = new HostTestState();
        Assert.Equal("nil\t/nonexist/x: No such file or directory\t2\n", h.Run("print(io.open('/nonexist/x'))"));
    }

    [Fact]
    public void Open_Directory_ForWriting_IsADirectory()
    {
        using var h = new HostTestState();
        Assert.Equal($"nil\t{h.Dir}: Is a directory\t21\n", h.Run("print(io.open(DIR, 'w'))"));
    }

    [Theory]
    [InlineData("rw")]
    [InlineData("r+bx")]
    [InlineData("x")]
    public void Open_InvalidMode_RaisesError(string mode)
    {
        using var h = new HostTestState();
        string o = h.Run($"print(select(2, pcall(function() local r = io.open(DIR .. '/f', '{mode}') return r end)))");
        Assert.Equal("test:1: bad argument #2 to 'open' (invalid mode)\n", o);
    }

    [Fact]
    public void ReadFormats_MatchLua()
    {
        using var h = new HostTestState();
        File.WriteAllText(h.PathOf("t.txt"), "12 0x1F -3.5e2 .5 abc\nline2\n\nlast");
        string o = h.Run("""
            local f = io.open(DIR .. '/t.txt')
            print(f:read('n', 'n', 'n', 'n', 'n'))
            print(f:read('l'), f:read('L'), f:read('l'), f:read(2), f:read(0), f:read('a'), f:read('a'), f:read(0), f:read('l'), f:read(1))
            print(f:seek('set', 3), f:read(2), f:seek('cur'), f:seek('end'), f:seek('set', -1))
            print(f:read('*l'))
            f:close()
            """);
        Assert.Equal("12\t31\t-350.0\t0.5\tnil\nabc\tline2\n\t\tla\t\tst\t\tnil\tnil\tnil\n3\t0x\t5\t33\tnil\tInvalid argument\t22\nnil\n", o);
    }

    [Fact]
    public void Read_InvalidFormat_RaisesError()
    {
        using var h = new HostTestState();
        File.WriteAllText(h.PathOf("t.txt"), "x");
        string o = h.Run("local f = io.open(DIR .. '/t.txt'); print(select(2, pcall(function() local r = f:read('x') return r end)))");
        Assert.Equal("test:1: bad argument #1 to 'read' (invalid format)\n", o);
    }

    [Fact]
    public void WriteThenRead_RoundTrips_AndWriteReturnsFile()
    {
        using var h = new HostTestState();
        string o = h.Run("""
            local f = assert(io.open(DIR .. '/w.txt', 'w'))
            print(f:write('a', 1, ' ', 2.0, '\n') == f, f:flush(), f:setvbuf('full', 10), f:close())
            print(io.open(DIR .. '/w.txt'):read('a'))
            """);
        Assert.Equal("true\ttrue\ttrue\ttrue\na1 2\n\n", o);
    }

    [Fact]
    public void WrongDirection_BadFileDescriptor()
    {
        using var h = new HostTestState();
        File.WriteAllText(h.PathOf("t.txt"), "x");
        string o = h.Run("print(io.open(DIR .. '/t.txt', 'r'):write('x')); print(io.open(DIR .. '/t.txt', 'w'):read('l'))");
        Assert.Equal("nil\tBad file descriptor\t9\nnil\tBad file descriptor\t9\n", o);
    }

    [Fact]
    public void Append_WritesAtEnd()
    {
        using var h = new HostTestState();
        File.WriteAllText(h.PathOf("a.txt"), "abc");
        string o = h.Run("""
            local f = io.open(DIR .. '/a.txt', 'a'); print(f:seek('cur')); f:write('d'); f:close()
            f = io.open(DIR .. '/a.txt', 'a+'); print(f:seek('cur')); f:write('e'); f:seek('set', 0); print(f:read('a')); f:close()
            """);
        Assert.Equal("3\n0\nabcde\n", o);
    }

    [Fact]
    public void ClosedFile_TypeToStringAndErrors()
    {
        using var h = new HostTestState();
        string o = h.Run("""
            local f = io.tmpfile(); print(io.type(f)); f:close(); print(tostring(f), io.type(f), io.type(1), io.type(io.stdout))
            print(select(2, pcall(f.read, f)))
            print(select(2, pcall(function() return f:close() end)))
            """);
        Assert.Equal("file\nfile (closed)\tclosed file\tnil\tfile\nattempt to use a closed file\ntest:3: attempt to use a closed file\n", o.Replace("test:2: ", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Lines_IteratesAndClosesAtEnd()
    {
        using var h = new HostTestState();
        File.WriteAllText(h.PathOf("t.txt"), "12 0x1F\nline2\n\nlast");
        string o = h.Run("""
            for l in io.lines(DIR .. '/t.txt') do io.write('[', l, ']') end print()
            for a, b in io.lines(DIR .. '/t.txt', 1, 'l') do io.write('[', a, '|', tostring(b), ']') end print()
            local it = io.lines(DIR .. '/t.txt'); while it() do end
            print(select(2, pcall(function() local r = it() return r end)))
            print(select('#', io.lines(DIR .. '/t.txt')))
            local f = io.open(DIR .. '/t.txt'); local it2 = f:lines('L'); print(it2()); f:close()
            """);
        Assert.Equal("[12 0x1F][line2][][last]\n[1|2 0x1F][l|ine2][\n|last]\ntest:4: file is already closed\n4\n12 0x1F\n\n", o);
    }

    [Fact]
    public void Lines_MissingFile_RaisesCannotOpen()
    {
        using var h = new HostTestState();
        string o = h.Run("print(select(2, pcall(function() return io.lines('/nonexist') end)))");
        Assert.Equal("test:1: cannot open file '/nonexist' (No such file or directory)\n", o);
    }

    [Fact]
    public void InputOutput_DefaultFiles()
    {
        using var h = new HostTestState();
        string o = h.Run("""
            print(io.input() == io.stdin, io.output() == io.stdout)
            io.output(DIR .. '/o.txt'); io.write('hello', 42); io.close(); io.output(io.stdout)
            io.input(DIR .. '/o.txt'); print(io.read('a')); io.input():close()
            print(select(2, pcall(function() return io.read() end)))
            print(io.close())
            """);
        Assert.Equal("true\ttrue\nhello42\ntest:4: default input file is closed\nnil\tcannot close standard file\n", o);
    }

    [Fact]
    public void Seek_And_SetVBuf_InvalidOptions()
    {
        using var h = new HostTestState();
        string o = h.Run("""
            print(select(2, pcall(function() local r = io.stdout:seek('bad') return r end)))
            print(select(2, pcall(function() local r = io.stdout:setvbuf('bad') return r end)))
            print(io.stdout:setvbuf('no'))
            """);
        Assert.Equal("test:1: bad argument #1 to 'seek' (invalid option 'bad')\ntest:2: bad argument #1 to 'setvbuf' (invalid option 'bad')\ntrue\n", o);
    }

    [Fact]
    public void Popen_NotSupported()
    {
        using var h = new HostTestState();
        Assert.Equal("test:1: 'popen' not supported\n", h.Run("print(select(2, pcall(function() return io.popen('ls') end)))"));
    }

    [Fact]
    public void Stderr_GoesToWarningOutput()
    {
        using var h = new HostTestState();
        h.Run("io.stderr:write('oops\\n')");
        Assert.Equal("oops\n", h.Error);
    }

    [Fact]
    public void FileMetatable_HasLuaFields()
    {
        using var h = new HostTestState();
        string o = h.Run("local mt = getmetatable(io.stdout); print(mt.__name, type(mt.__index.read), type(mt.__gc), type(mt.__close), type(mt.__tostring))");
        Assert.Equal("FILE*\tfunction\tfunction\tfunction\tfunction\n", o);
    }

    [Fact]
    public void ToBeClosed_ClosesFile()
    {
        using var h = new HostTestState();
        string o = h.Run("local g; do local f <close> = io.open(DIR .. '/c.txt', 'w'); g = f end; print(io.type(g))");
        Assert.Equal("closed file\n", o);
    }

    [Fact]
    public void GcStress_OpenReadWrite_Survives()
    {
        using var h = new HostTestState(gcStress: true);
        string o = h.Run("local f = io.open(DIR .. '/s.txt', 'w'); f:write('x', 1, '\\n'); f:close(); for l in io.lines(DIR .. '/s.txt', 'L') do io.write(l) end");
        Assert.Equal("x1\n", o);
    }
}
