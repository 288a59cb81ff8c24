#!/usr/bin/env bash
# The REPL and terminal behaviour of mlua, through a pseudo-terminal (tmux): results echoed
# through the global print, =expr, multi-line input, history, line editing, Ctrl-C of a
# running chunk (the state is kept), Ctrl-D, the prompt of io.write before io.read, and
# line-buffered output on a terminal. Prints one PASS/FAIL line per check.
#   usage: tests/cli/repl-pty.sh path/to/mlua
set -u
mlua=$(realpath "$1")
sock="mlua-repl-pty-$$"
work=$(mktemp -d)
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$work"' EXIT

t() { tmux -L "$sock" "$@"; }
screen() { t capture-pane -p -t repl 2>/dev/null; }
# start CMD...: a fresh 100x40 terminal running CMD
start() {
  t kill-server 2>/dev/null
  t new-session -d -s repl -x 100 -y 40 "$*"
}
# type TEXT: the text typed literally, then Enter
type() { t send-keys -t repl -l "$1"; t send-keys -t repl Enter; }
keys() { t send-keys -t repl "$@"; }
# seen REGEX: waits (capture-pane drops trailing spaces: a prompt "> " is seen as ">") (up to 10 s) until a line of the screen matches the extended regex
seen() {
  for _ in $(seq 100); do
    if screen | grep -qE -- "$1"; then return 0; fi
    sleep 0.1
  done
  return 1
}
check() { # check NAME REGEX
  if seen "$2"; then echo "PASS repl $1"; else echo "FAIL repl $1 (no line matching '$2'):"; screen | sed 's/^/    /'; fi
}
clear_screen() { keys C-l; sleep 0.2; }

start "$mlua"
check "banner" '^MicroLua .*\(Lua 5\.4\)$'
check "prompt" '^>$'
type '1 + 2'
check "echo of an expression" '^3$'
clear_screen
type '=10 * 2'
check "=expr" '^20$'
clear_screen
type 'setmetatable({}, {__tostring = function() return "TS" end}), 1, nil'
check "echo uses __tostring, tabs, nil" '^TS +1 +nil$'
clear_screen
type 'setmetatable({}, {__name = "My"})'
check "echo uses __name and the address" '^My: 0x[0-9a-f]+$'
clear_screen
type 'P = print; print = function(...) P("P:" .. select("#", ...)) end'
type '1, 2'
check "echo goes through the global print" '^P:2$'
type 'print = nil'
type '3'
check "echo without print" "^error calling 'print' \(attempt to call a nil value\)$"
type 'print = P'
clear_screen
type 'for i = 1, 3 do'
check "incomplete chunk continues with >>" '^>>$'
type 'io.write(i, " ")'
type 'end'
check "multi-line chunk runs" '1 2 3'
clear_screen
type 'x = 41'
type 'y = 0'
clear_screen
keys Up Up
check "history: up twice recalls the line before last" '^> x = 41$'
keys End BSpace
t send-keys -t repl -l '2'
keys Enter
type '=x'
check "history line edited and run" '^42$'
clear_screen
t send-keys -t repl -l '=("ac")'
keys Left Left Left
t send-keys -t repl -l 'b'
keys Enter
check "left arrow and insert" '^abc$'
clear_screen
t send-keys -t repl -l 'garbage'
keys C-u
t send-keys -t repl -l '=6 * 7 junk'
keys Left Left Left Left Left C-k Enter
check "Ctrl-U and Ctrl-K" '^42$'
clear_screen
t send-keys -t repl -l '*2'
keys C-a
t send-keys -t repl -l '=3'
keys C-e
t send-keys -t repl -l '1'
keys Enter
check "Ctrl-A and Ctrl-E" '^63$'
clear_screen
t send-keys -t repl -l '=1 + 11'
keys Home Delete Enter
check "Home and Delete" '^> 1 \+ 11$'
check "Home and Delete result" '^12$'
clear_screen
type 'while true do end'
sleep 1
keys C-c
check "Ctrl-C stops the running chunk" '^interrupted!$'
type '=x + 1'
check "the state is kept after Ctrl-C" '^43$'
clear_screen
t send-keys -t repl -l 'this line is dropped'
keys C-c
check "Ctrl-C at the prompt drops the line" '^> this line is dropped\^C$'
type '=x'
check "a prompt after the dropped line" '^42$'
clear_screen
type 'io.write("Name? ") local n = io.read() print("hi " .. n)'
check "io.write's prompt shows before io.read waits" '^Name\?$'
type 'bob'
check "io.read reads the typed line" '^hi bob$'
keys C-d
for _ in $(seq 50); do t has-session -t repl 2>/dev/null || break; sleep 0.1; done
if t has-session -t repl 2>/dev/null; then echo "FAIL repl Ctrl-D ends the REPL"; else echo "PASS repl Ctrl-D ends the REPL"; fi

# A script on a terminal: each printed line shows at once (line buffering), and Ctrl-C ends
# it with "interrupted!" and status 1.
printf 'print("first line")\nwhile true do end\n' > "$work/spin.lua"
start "$mlua $work/spin.lua; echo status=\$?; sleep 30"
check "stdout is line-buffered on a terminal" '^first line$'
keys C-c
check "Ctrl-C ends a script with interrupted!" 'mlua: interrupted!$'
check "Ctrl-C exit status" '^status=1$'
