#!/usr/bin/env bash
# Time to first result for an embedder: a fresh `dotnet FirstResult.dll` (JIT, MicroLua and
# MicroLua.Compiler as project references, as a package reference gives them) makes a state,
# runs a 10-line script and prints its result. Printed: the median and best of N runs of the
# whole process, of the same program printing a constant without MicroLua (the .NET start-up
# that any embedder pays), and of the in-process time from before `new LuaState` to the result.
# Usage: bench/first-result/run.sh [N]   (default 15)
set -euo pipefail
cd "$(dirname "$0")"
n=${1:-15}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet build -c Release -o "$out/bin" >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
dll="$out/bin/FirstResult.dll"
[ "$(dotnet "$dll")" == "55" ] || { echo "FirstResult printed no 55"; exit 1; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
for _ in $(seq "$n"); do
  t0=$(date +%s%N); dotnet "$dll" baseline >/dev/null; t1=$(date +%s%N)
  inproc=$(dotnet "$dll" time 2>&1 >/dev/null | awk '{print $2}'); t2=$(date +%s%N)
  echo "$(ms "$t0" "$t1") $(ms "$t1" "$t2") $inproc"
done >"$out/times"
stat() { sort -n | awk '{a[NR]=$1} END {printf "median %s, best %s", a[int((NR+1)/2)], a[1]}'; }
echo "runs: $n, machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "process printing a constant (no MicroLua): $(awk '{print $1}' "$out/times" | stat) ms"
echo "process with MicroLua's first result:      $(awk '{print $2}' "$out/times" | stat) ms"
echo "in-process, new LuaState to the result:    $(awk '{print $3}' "$out/times" | stat) ms"
