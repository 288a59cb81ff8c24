#!/usr/bin/env bash
# Builds the device host, compiles each customer script to .mlu with the given mlua (the
# development host's compiler), runs it on the device and compares the output with
# expected/. Prints PASS/FAIL lines; exits non-zero on any failure.
# usage: samples/DeviceHost/run.sh path/to/mlua
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mlua=${1:?usage: run.sh path/to/mlua}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
if ! dotnet build "$here" -c Release -o "$work/bin" >"$work/build.log" 2>&1; then
  cat "$work/build.log"; echo "FAIL sample build"; exit 1
fi
declare -A want_exit=([customer-a]=0 [customer-b]=0 [runaway]=3)
for name in customer-a customer-b runaway; do
  if ! "$mlua" -o "$work/$name.mlu" "$here/scripts/$name.lua"; then
    echo "FAIL sample $name: mlua -o"; fail=1; continue
  fi
  out=$(cd "$work" && dotnet bin/DeviceHost.dll "$name.mlu"); rc=$?
  heap=$(printf '%s\n' "$out" | grep '^heap: ' || true)
  if [ "$rc" -ne "${want_exit[$name]}" ]; then
    echo "FAIL sample $name: exit $rc, expected ${want_exit[$name]}"; fail=1
  elif ! diff <(printf '%s\n' "$out" | grep -v '^heap: ') "$here/expected/$name.txt" >"$work/diff"; then
    cat "$work/diff"; echo "FAIL sample $name: output differs"; fail=1
  elif ! grep -q '<svg' "$work/heap-before.svg" 2>/dev/null || ! grep -q '<svg' "$work/heap-after.svg" 2>/dev/null; then
    echo "FAIL sample $name: no heap maps before and after compaction"; fail=1
  else
    echo "PASS sample $name ${heap:+($heap)}"
  fi
  rm -f "$work/heap-before.svg" "$work/heap-after.svg"
  # The development host runs the chunk once and ships the state as an image; the device
  # boots from it (verified, no initialisation) and must behave the same.
  if ! (cd "$work" && dotnet bin/DeviceHost.dll --make-image "$name.mlu" "$name.img" >"$work/make.log"); then
    cat "$work/make.log"; echo "FAIL sample $name: --make-image"; fail=1; continue
  fi
  out=$(cd "$work" && dotnet bin/DeviceHost.dll --image "$name.img"); rc=$?
  if [ "$rc" -ne "${want_exit[$name]}" ]; then
    echo "FAIL sample $name from an image: exit $rc, expected ${want_exit[$name]}"; fail=1
  elif ! diff <(printf '%s\n' "$out" | grep -v '^heap: ' | sed "s/$name\.img/$name.mlu/") "$here/expected/$name.txt" >"$work/diff"; then
    cat "$work/diff"; echo "FAIL sample $name from an image: output differs"; fail=1
  else
    echo "PASS sample $name from an image ($(stat -c %s "$work/$name.img")-byte image)"
  fi
done
# The device has no compiler: source is refused with a clear message.
out=$(cd "$work" && dotnet bin/DeviceHost.dll "$here/scripts/customer-a.lua")
if printf '%s\n' "$out" | grep -q 'attempt to load a text chunk'; then
  echo "PASS sample refuses source"
else
  echo "$out"; echo "FAIL sample refuses source"; fail=1
fi
exit $fail
