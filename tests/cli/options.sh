#!/usr/bin/env bash
# mlua's command line against lua5.4's: each case runs the same shell command with $LUA set to
# lua5.4 and then to mlua, and compares stdout, stderr (the program name made the same) and
# the exit status. A few checks of MicroLua's own options (no lua5.4 to compare) follow.
# Prints one PASS/FAIL line per check.
#   usage: tests/cli/options.sh path/to/mlua
set -u
mlua=$(realpath "$1")
lua=${LUA54:-lua5.4}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# Files the cases use.
echo 'return {v = 2}' > mymod.lua
printf 'print("arg", #arg, arg[0], ...)\n' > args.lua
printf '\xef\xbb\xbfprint("after a BOM")\n' > bom.lua
printf '\xef\xbb\xbf#!/usr/bin/env lua\nprint("BOM and #")\nerror("line 3")\n' > bomshebang.lua
printf 'x = = 1\n' > syntax.lua
printf 'print("init file")\n' > init.lua
printf 'V = 7\n' > inc.lua
printf 'for i = 1, 1e7 do print(i) end\n' > many.lua
printf 'io.write("Name? ") local n = io.read() print("hi " .. tostring(n))\n' > ask.lua
printf 'local function f() error("deep") end f()\n' > deep.lua
mkdir adir
export LUA_PATH="$work/?.lua"

norm() { sed -e 's/^lua5\.4: /mlua: /' -e 's/^usage: lua5\.4 /usage: mlua /'; }

# same NAME LINES COMMAND: COMMAND (a shell string using $LUA) gives the same output with both;
# LINES limits the stderr compared to its first lines (usage text differs after them), 0: all.
same() {
  local name=$1 lines=$2 cmd=$3 eo ee ao ae
  eo=$(LUA=$lua bash -c "$cmd" 2>"$work/err.e"; echo "status=$?")
  ao=$(LUA=$mlua bash -c "$cmd" 2>"$work/err.a"; echo "status=$?")
  if [ "$lines" -gt 0 ]; then
    ee=$(norm <"$work/err.e" | head -"$lines"); ae=$(head -"$lines" "$work/err.a")
  else
    ee=$(norm <"$work/err.e"); ae=$(cat "$work/err.a")
  fi
  if [ "$eo" == "$ao" ] && [ "$ee" == "$ae" ]; then
    echo "PASS options $name"
  else
    echo "FAIL options $name: $cmd"
    diff <(echo "$eo"; echo "--- stderr"; echo "$ee") <(echo "$ao"; echo "--- stderr"; echo "$ae") | head -20 | sed 's/^/    /'
  fi
}

same "-e" 0 '$LUA -e "print(1 + 2)"'
same "-e attached" 0 '$LUA -e"print(10)"'
same "-e in order, twice" 0 '$LUA -e "x = 1" -e "print(x + 1)"'
same "-e error: message, traceback, status 1" 0 '$LUA -e "error(\"boom\")"'
same "-e syntax error: no traceback" 0 '$LUA -e "x = = 1"'
same "error of a number value" 0 '$LUA -e "error(42)"'
same "error of a nil value" 0 '$LUA -e "error()"'
same "error of a table value" 0 '$LUA -e "error({})"'
same "error value with __tostring" 0 '$LUA -e "error(setmetatable({}, {__tostring = function() return \"custom\" end}))"'
same "error value with __tostring through coroutine.wrap" 0 '$LUA -e "coroutine.wrap(function() error(setmetatable({}, {__tostring = function() return \"wrapped\" end})) end)()"'
same "__tostring giving no string" 0 '$LUA -e "error(setmetatable({}, {__tostring = function() return 1 end}))"'
same "script and its arguments" 0 '$LUA args.lua a b'
same "-- then the script" 0 '$LUA -- args.lua x'
same "- runs stdin with arguments" 0 'echo "print(...)" | $LUA - p q'
same "stdin not a terminal runs as a chunk" 0 'echo "print(\"piped\") error(\"e\")" | $LUA'
same "script error traceback" 0 '$LUA deep.lua'
same "script syntax error" 0 '$LUA syntax.lua'
same "cannot open: the reason" 0 '$LUA nofile.lua'
same "cannot read a directory" 0 '$LUA adir'
same "a UTF-8 BOM is skipped" 0 '$LUA bom.lua'
same "a BOM then a # line" 0 '$LUA bomshebang.lua'
same "unrecognized option" 3 '$LUA -x'
same "unrecognized option -ix" 3 '$LUA -ix'
same "-e needs argument" 3 '$LUA -e'
same "-l needs argument" 3 '$LUA -l'
same "-l mod" 0 '$LUA -l mymod -e "print(mymod.v)"'
same "-lmod attached" 0 '$LUA -lmymod -e "print(mymod.v)"'
same "-l g=mod" 0 '$LUA -l g=mymod -e "print(g.v, mymod)"'
same "-l of a missing module" 2 '$LUA -l nomod'
same "-e and -l in order" 0 '$LUA -e "package.preload.m = function() return x end" -e "x = 5" -l m -e "print(m)"'
same "-W turns warnings on" 0 '$LUA -W -e "warn(\"hi\")"'
same "warnings off by default" 0 '$LUA -e "warn(\"hi\")"'
same "-W after -e" 0 '$LUA -e "warn(\"a\")" -W -e "warn(\"b\", \"c\")"'
same "LUA_INIT" 0 'LUA_INIT="print(\"init\")" $LUA -e "print(1)"'
same "LUA_INIT_5_4 before LUA_INIT" 0 'LUA_INIT_5_4="print(54)" LUA_INIT="print(0)" $LUA -e "print(1)"'
same "LUA_INIT @file" 0 'LUA_INIT=@init.lua $LUA -e "print(1)"'
same "LUA_INIT @missing file" 0 'LUA_INIT=@nofile $LUA -e "print(1)"'
same "LUA_INIT error" 0 'LUA_INIT="error(\"x\")" $LUA -e "print(1)"'
same "-E ignores LUA_INIT" 0 'LUA_INIT="print(\"init\")" $LUA -E -e "print(1)"'
same "-E ignores LUA_PATH" 0 '$LUA -E -e "print(package.path == os.getenv(\"LUA_PATH\"))"'
same "LUA_PATH without -E" 0 '$LUA -e "print(package.path == os.getenv(\"LUA_PATH\"))"'
same "-v" 0 '$LUA -v | sed "s/^Lua .*/VERSION/;s/^MicroLua .*/VERSION/"'
same "-v then -e" 0 '$LUA -v -e "print(1)" | sed "s/^Lua .*/VERSION/;s/^MicroLua .*/VERSION/"'
same "os.exit(3)" 0 '$LUA -e "os.exit(3)"'
same "os.exit(false)" 0 '$LUA -e "io.write(\"unflushed\") os.exit(false)"'
same "os.exit(true, true)" 0 '$LUA -e "os.exit(true, true)"'
same "stdout and stderr apart" 0 '$LUA -e "print(\"out\") io.stderr:write(\"err\\n\") print(\"out2\")"'
same "a closed pipe ends the program (status 141)" 0 'timeout 20 $LUA many.lua | head -2; echo "${PIPESTATUS[0]}"'
same "io.write then io.read from a pipe" 0 'echo bob | $LUA ask.lua'
same "io.read at the end of input" 0 '$LUA ask.lua </dev/null'
same "-i with stdin not a terminal: errors and status" 0 'printf "1 + 1\nerror(\"e\")\n" | $LUA -i >/dev/null'

# MicroLua's own options.
own() { # own NAME EXPECTED COMMAND: COMMAND (using $LUA = mlua) prints EXPECTED (stdout, stderr and status)
  local got
  got=$(cd "$work" && LUA=$mlua bash -c "$3" 2>&1; echo "status=$?")
  if [ "$got" == "$2" ]; then echo "PASS options $1"; else echo "FAIL options $1: $3"; diff <(echo "$2") <(echo "$got") | head -10 | sed 's/^/    /'; fi
}
own "--instruction-limit stops a loop" $'mlua: instruction limit exceeded (10000 instructions)\nstatus=1' '$LUA --instruction-limit 10000 -e "while true do end"'
own "--instruction-limit with room to spare" $'done\nstatus=0' '$LUA --instruction-limit 1M -e "for i = 1, 1000 do end print(\"done\")"'
own "--instruction-limit needs a count" "status=1" '$LUA --instruction-limit lots -e "" 2>/dev/null'
own "--memory-limit stops a hungry script" "status=1" '$LUA --memory-limit 256K -e "local t = {} for i = 1, 1e7 do t[i] = tostring(i) end" 2>/dev/null'
own "--memory-limit error names no .NET text" $'mlua: \'--memory-limit\' needs a size from 4384 bytes to 4G (bytes; K, M and G suffixes)\nstatus=0' '$LUA --memory-limit 1K -e "" 2>&1 | head -1'
own "--memory-limit too small for the libraries" $'mlua: cannot open the libraries in a heap of 8192 bytes: not enough memory\nstatus=1' '$LUA --memory-limit 8K -e ""'
own "--memory-limit 4G is accepted" $'ok\nstatus=0' '$LUA --memory-limit 4G -e "print(\"ok\")"'
own "-h states the default heap limit" $'1\nstatus=0' '$LUA -h | grep -c "memory-limit N .*default 512M"'
own "-h says messages carry no columns" $'1\nstatus=0' '$LUA -h | grep -c "no-column.*no columns"'
own "--no-column is accepted" $'1\nstatus=0' '$LUA --no-column -e "print(1)"'
own "-I runs a file before the script" $'7\nstatus=0' '$LUA -I inc.lua -e "print(V)"'
own "--include runs a file before the prompt" $'> 7\n> \nstatus=0' 'echo "=V" | $LUA --include inc.lua -i | grep -v "^MicroLua"'
own "-I of a missing file" $'mlua: cannot open nofile.lua: No such file or directory\nstatus=1' '$LUA -I nofile.lua'
own "--alloc-profile names the allocating line" $'1\nstatus=0' '$LUA --alloc-profile -e "local t = {} for i = 1, 500 do t[i] = {} end" 2>&1 >/dev/null | grep -cE "^ +16,032 +501  Table +\(command line\):1$"'
own "--alloc-profile leaves stdout alone" $'ok\nstatus=0' '$LUA --alloc-profile -e "print(\"ok\")" 2>/dev/null'
own "-h lists --alloc-profile" $'1\nstatus=0' '$LUA -h | grep -c "^  --alloc-profile "'
own "--heap-map writes an SVG" $'1\nstatus=0' '$LUA --heap-map map.svg -e "" && grep -c "^<svg xmlns=\"http://www.w3.org/2000/svg\"" map.svg'
own "--heap-map needs a file" $'mlua: \'--heap-map\' needs a file name\nstatus=0' '$LUA --heap-map 2>&1 | head -1'
own "-h lists --heap-map" $'1\nstatus=0' '$LUA -h | grep -c "^  --heap-map "'
