#!/usr/bin/env bash
# Hostile-input checks through the published mlua: every tests/hostile/*.lua must print its
# .expected output (what lua5.4 printed) and exit 0, with the default stack and under
# `ulimit -s 1024` and `ulimit -s 512` (no stack guard may depend on Linux's 8 MiB);
# os.exit(code, true) must run pending <close> variables and __gc finalizers before exiting.
# Prints one PASS or FAIL line per check.
# Usage: tests/hostile/check.sh /abs/path/to/mlua
set -uo pipefail
mlua=${1:?usage: check.sh path/to/mlua}
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for script in *.lua; do
  for stack in default 1024 512; do
    if [ "$stack" = default ]; then
      "$mlua" "$script" >"$tmp/out" 2>"$tmp/err"
    else
      (ulimit -s "$stack" && exec "$mlua" "$script") >"$tmp/out" 2>"$tmp/err"
    fi
    rc=$?
    if [ "$rc" -eq 0 ] && cmp -s "$tmp/out" "${script%.lua}.expected" && [ ! -s "$tmp/err" ]; then
      echo "PASS hostile $script (stack $stack)"
    else
      echo "FAIL hostile $script (stack $stack): exit $rc"
      diff "${script%.lua}.expected" "$tmp/out" | head -5
      head -5 "$tmp/err"
    fi
  done
done

code='setmetatable({}, {__gc = function() print("gc") end})
local x <close> = setmetatable({}, {__close = function(_, e) print("close", e) end})
os.exit(3, true)'
out=$(cd "$tmp" && (ulimit -s 1024 && exec "$mlua" -e "$code"))
rc=$?
if [ "$rc" -eq 3 ] && [ "$out" = "$(printf 'close\tnil\ngc')" ]; then
  echo "PASS hostile os.exit(3, true) closes the state"
else
  echo "FAIL hostile os.exit(3, true): exit $rc, output: $out"
fi
