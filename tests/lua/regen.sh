#!/bin/sh
# Regenerate every tests/lua/*.expected from the reference interpreter.
# Usage: tests/lua/regen.sh [path-to-lua5.4]   (default: lua5.4 from PATH)
# Fails (exit 1) if any script exits non-zero or writes anything to stderr.
set -u
LUA=${1:-lua5.4}
cd "$(dirname "$0")" || exit 1
"$LUA" -v 2>&1 | grep -q '^Lua 5\.4' || { echo "regen.sh: $LUA is not Lua 5.4" >&2; exit 1; }
status=0
total=0
for f in *.lua; do
  name=${f%.lua}
  err=$(mktemp)
  if "$LUA" "$f" > "$name.expected.tmp" 2> "$err" && [ ! -s "$err" ]; then
    mv "$name.expected.tmp" "$name.expected"
    n=$(sed -n 's/^# cases\t//p' "$name.expected")
    total=$((total + ${n:-0}))
    printf '%-16s %4s cases\n' "$f" "${n:-?}"
  else
    echo "regen.sh: $f FAILED" >&2
    cat "$err" >&2
    rm -f "$name.expected.tmp"
    status=1
  fi
  rm -f "$err"
done
echo "total            $total cases"
exit $status
