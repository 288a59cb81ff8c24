#!/usr/bin/env bash
# Builds the game host, runs scripts/game.lua in it and compares the output with expected/.
# Prints PASS/FAIL lines; exits non-zero on any failure.
# usage: samples/GameHost/run.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! dotnet build "$here" -c Release -o "$work/bin" >"$work/build.log" 2>&1; then
  cat "$work/build.log"; echo "FAIL game sample build"; exit 1
fi
out=$(dotnet "$work/bin/GameHost.dll" "$here/scripts/game.lua" 2>&1); rc=$?
if [ "$rc" -ne 0 ]; then
  printf '%s\n' "$out"; echo "FAIL game sample: exit $rc"; exit 1
elif ! diff <(printf '%s\n' "$out") "$here/expected/game.txt" >"$work/diff"; then
  cat "$work/diff"; echo "FAIL game sample: output differs"; exit 1
fi
echo "PASS game sample (generated bindings of Vector2 and Entity, an awaited host function, a byte buffer both ways)"
