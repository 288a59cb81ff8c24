#!/usr/bin/env bash
# States per second and bytes per idle state: MicroLua (a new Safe state from scratch, from a
# snapshot, restore of a used state) beside C Lua's luaL_newstate + luaL_openlibs with a
# counting allocator. usage: bench/states/run.sh [seconds per measure, default 1]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! pkg-config --exists lua5.4 2>/dev/null; then
  sudo apt-get install -y liblua5.4-dev >/dev/null 2>&1 || apt-get install -y liblua5.4-dev >/dev/null
fi
cc -O2 -o "$work/newstate" "$here/newstate.c" $(pkg-config --cflags --libs lua5.4) -lpthread
dotnet build "$here" -c Release -o "$work/bin" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
dotnet "$work/bin/States.dll" "$secs"
"$work/newstate" "$secs"
