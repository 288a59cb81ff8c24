#!/usr/bin/env bash
# BenchmarkDotNet micro-benchmarks of the embedding paths, MicroLua beside NLua and KeraLua
# (bench/Embedding). Arguments go to BenchmarkDotNet; default: every benchmark, the short job.
set -euo pipefail
cd "$(dirname "$0")/Embedding"
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--filter '*' --job short)
exec dotnet run -c Release -- "${args[@]}"
