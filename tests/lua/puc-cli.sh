#!/usr/bin/env bash
# PUC Lua 5.4 binary chunks both ways, for every tests/lua script (docs/bytecode.md):
#   luac      `luac5.4 -o` output run by mlua prints what mlua prints for the source;
#   luac -s   the stripped luac5.4 chunk run by mlua prints what mlua prints for `mlua -o -s`;
#   dump      string.dump(loadfile(script)) written by mlua, run by lua5.4, prints what lua5.4
#             prints for luac5.4's chunk of the script (lua5.4 treats a binary chunk's long
#             strings differently from source: the chunk, not the source, is the reference);
#             stripped (string.dump(f, true)), what lua5.4 prints for `luac5.4 -s`;
#   -o --puc  `mlua -o --puc` output run by lua5.4 prints what lua5.4 prints for luac5.4's chunk;
#   nocomp    with a second argument (an mlua built without the compiler), the luac5.4 chunk
#             run by it prints what mlua prints for the source (scripts that load source at
#             run time excepted).
# Compares standard output and exit status. Prints one PASS/FAIL line per script and check.
# usage: tests/lua/puc-cli.sh path/to/mlua [path/to/mlua-without-compiler]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mlua=$(realpath "${1:?usage: puc-cli.sh path/to/mlua [path/to/nocompiler-mlua]}")
nocomp=${2:-}
if [ -n "$nocomp" ] && [ ! -x "$nocomp" ]; then
  echo "FAIL puc: no mlua without the compiler at $nocomp"; nocomp=""
fi
[ -n "$nocomp" ] && nocomp=$(realpath "$nocomp")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v luac5.4 >/dev/null 2>&1; then
  echo "FAIL puc: luac5.4 not found (apt-get install lua5.4)"
  exit 0
fi

# run WHO FILE OUT: standard output and exit status of WHO running FILE, from tests/lua
run() { (cd "$here" && timeout 120 "$1" "$2") >"$3" 2>/dev/null; echo "exit=$?" >>"$3"; }

check() { # check NAME WHAT EXPECTED ACTUAL
  if cmp -s "$3" "$4"; then echo "PASS puc $2 $1"; else echo "FAIL puc $2 $1"; diff "$3" "$4" | head -5; fi
}

for script in "$here"/*.lua; do
  name=$(basename "$script" .lua)
  w="$work/$name"
  run "$mlua" "$name.lua" "$w.mlua-src"

  # compiled under the same chunk name as the source run, so messages match
  (cd "$here" && luac5.4 -o "$w.luac" "$name.lua" && luac5.4 -s -o "$w.s.luac" "$name.lua" &&
    "$mlua" -s -o "$w.s.mlu" "$name.lua")
  run "$mlua" "$w.luac" "$w.luac.mlua"
  check "$name" luac "$w.mlua-src" "$w.luac.mlua"
  run "$mlua" "$w.s.luac" "$w.s.luac.mlua"
  run "$mlua" "$w.s.mlu" "$w.s.mlu.mlua"
  check "$name" "luac -s" "$w.s.mlu.mlua" "$w.s.luac.mlua"

  run lua5.4 "$w.luac" "$w.luac.lua"
  run lua5.4 "$w.s.luac" "$w.s.luac.lua"
  (cd "$here" && "$mlua" -e "local f = assert(loadfile('$name.lua'))
    assert(io.open('$w.dump', 'wb')):write(string.dump(f)):close()
    assert(io.open('$w.s.dump', 'wb')):write(string.dump(f, true)):close()")
  run lua5.4 "$w.dump" "$w.dump.lua"
  check "$name" dump "$w.luac.lua" "$w.dump.lua"
  run lua5.4 "$w.s.dump" "$w.s.dump.lua"
  check "$name" "dump strip" "$w.s.luac.lua" "$w.s.dump.lua"

  (cd "$here" && "$mlua" -o "$w.puc" --puc "$name.lua")
  run lua5.4 "$w.puc" "$w.puc.lua"
  check "$name" "-o --puc" "$w.luac.lua" "$w.puc.lua"

  if [ -n "$nocomp" ] && ! grep -qE '\<(load|loadfile|dofile|require)\>' "$script"; then
    run "$nocomp" "$w.luac" "$w.luac.nocomp"
    check "$name" nocomp "$w.mlua-src" "$w.luac.nocomp"
  fi
done
