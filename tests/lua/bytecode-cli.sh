#!/usr/bin/env bash
# Bytecode through the command line. For every tests/lua script: `mlua -o` (plain, -s, and
# --big-endian) then `mlua x.mlu` must print exactly what `mlua x.lua` prints. Then an mlua
# published without the compiler (-p:WithoutCompiler=true, into the second argument's folder)
# must run the same chunks with the same output (scripts that load source at run time
# excepted) and refuse source files, -e and the REPL. Compares standard output and exit status.
# usage: tests/lua/bytecode-cli.sh path/to/mlua nocompiler-output-dir
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mlua=${1:?usage: bytecode-cli.sh path/to/mlua nocompiler-dir}
nocomp_dir=${2:?usage: bytecode-cli.sh path/to/mlua nocompiler-dir}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if dotnet publish "$root/src/mlua" -c Release -p:WithoutCompiler=true -o "$nocomp_dir" >"$work/publish.log" 2>&1; then
  nocomp="$nocomp_dir/mlua"
else
  cat "$work/publish.log"; echo "FAIL publish of mlua without the compiler"; nocomp=""
fi

for script in "$here"/*.lua; do
  name=$(basename "$script" .lua)
  # scripts read their own folder's files by relative path: run from there
  (cd "$here" && "$mlua" "$name.lua") >"$work/$name.src" 2>/dev/null; echo "exit=$?" >>"$work/$name.src"
  # scripts that compile source at run time (load, dofile, require) need the compiler
  needs_compiler=0
  grep -qE '\<(load|loadfile|dofile|require)\>' "$script" && needs_compiler=1
  ok=1
  for variant in plain strip big; do
    case $variant in
      plain) flags=() ;;
      strip) flags=(-s) ;;
      big) flags=(--big-endian) ;;
    esac
    chunk="$work/$name.$variant.mlu"
    # compiled under the same chunk name as the source run, so messages match
    if ! (cd "$here" && "$mlua" "${flags[@]}" -o "$chunk" "$name.lua") 2>"$work/err"; then
      cat "$work/err"; ok=0; continue
    fi
    # stripped chunks lose line numbers in messages: only plain and big-endian must match exactly
    if [ "$variant" != strip ]; then
      (cd "$here" && "$mlua" "$chunk") >"$work/$name.$variant.out" 2>/dev/null; echo "exit=$?" >>"$work/$name.$variant.out"
      cmp -s "$work/$name.src" "$work/$name.$variant.out" || { echo "  $name: $variant chunk output differs"; ok=0; }
      if [ -n "$nocomp" ] && [ "$needs_compiler" -eq 0 ]; then
        (cd "$here" && "$nocomp" "$chunk") >"$work/$name.$variant.nc" 2>/dev/null; echo "exit=$?" >>"$work/$name.$variant.nc"
        cmp -s "$work/$name.src" "$work/$name.$variant.nc" || { echo "  $name: $variant chunk differs without the compiler"; ok=0; }
      fi
    fi
  done
  if [ "$ok" -eq 1 ]; then echo "PASS bytecode $name"; else echo "FAIL bytecode $name"; fi
done

if [ -n "$nocomp" ]; then
  check_refused() {
    local what=$1; shift
    if "$@" </dev/null >"$work/refuse.out" 2>&1; then
      echo "FAIL no-compiler mlua accepted $what"
    elif grep -q 'no compiler' "$work/refuse.out"; then
      echo "PASS no-compiler mlua refuses $what"
    else
      cat "$work/refuse.out"; echo "FAIL no-compiler mlua: unclear message for $what"
    fi
  }
  check_refused "a source file" "$nocomp" "$here/baselib.lua"
  check_refused "-e" "$nocomp" -e 'print(1)'
  check_refused "the REPL" "$nocomp" -i
fi
