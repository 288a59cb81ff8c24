#!/usr/bin/env bash
# Runs every tests/lua/*.lua with the given mlua and with lua5.4 and compares stdout and exit
# status byte for byte. Prints PASS/FAIL per script.
#   usage: tests/lua/differential.sh path/to/mlua
set -u
mlua=$(realpath "$1")
cd "$(dirname "$0")"
for f in *.lua; do
  exp=$(timeout 60 lua5.4 "$f" 2>/dev/null; echo "exit=$?")
  act=$(timeout 60 "$mlua" "$f" 2>/dev/null; echo "exit=$?")
  if [ "$exp" == "$act" ]; then
    echo "PASS $f"
  else
    echo "FAIL $f"
    diff <(echo "$exp") <(echo "$act") | head -10
  fi
done
