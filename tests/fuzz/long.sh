#!/usr/bin/env bash
# The long fuzz run of issue 10: 20,000 mutated sources and 20,000 mutated chunks, each
# loaded and run with an instruction budget of 10,000,000 and a memory limit on a 1 MiB
# stack (tests/MicroLua.Tests/Fuzz/FuzzHarness.cs). Slices run as separate test processes,
# so a process death is counted (and the case that caused it named) instead of ending the run.
#
# usage: tests/fuzz/long.sh [CASES] [SLICE]     (defaults 20000 and 5000)
# Prints one summary line per slice, then "deaths: N" and PASS/FAIL lines; exit status 1 on a failure.

set -u
cd "$(dirname "$0")/../.."
cases=${1:-20000}
slice=${2:-5000}
dotnet build tests/MicroLua.Tests -c Release -v quiet > /dev/null || { echo "FAIL build"; exit 1; }
deaths=0
failed=0
for test in SourceFuzzTests ChunkFuzzTests; do
    for ((from = 0; from < cases; from += slice)); do
        trace=$(mktemp)
        log=$(mktemp)
        MLUA_FUZZ_LONG=1 MLUA_FUZZ_FROM=$from MLUA_FUZZ_COUNT=$slice MLUA_FUZZ_TRACE=$trace \
            dotnet test tests/MicroLua.Tests -c Release --no-build --filter "FullyQualifiedName~$test" \
            --logger "console;verbosity=detailed" > "$log" 2>&1
        status=$?
        summary=$(grep -m1 -oE "[0-9]+ cases, .*" "$log")
        if grep -q "Test host process crashed\|Test Run Aborted" "$log"; then
            deaths=$((deaths + 1))
            echo "$test $from+$slice: process died in $(cat "$trace") (input in $trace.bin)"
        elif [ $status -ne 0 ]; then
            failed=$((failed + 1))
            echo "$test $from+$slice: $summary"
            grep -E "^\s*(source|chunk) [0-9]+ \(input" "$log" | head -20
        else
            echo "$test $from+$slice: $summary"
        fi
        rm -f "$log"
    done
done
echo "deaths: $deaths"
[ $deaths -eq 0 ] && echo "PASS fuzz long: no process death" || echo "FAIL fuzz long: $deaths process deaths"
[ $failed -eq 0 ] && echo "PASS fuzz long: only documented outcomes, heap verified" || echo "FAIL fuzz long: $failed slices with findings"
[ $deaths -eq 0 ] && [ $failed -eq 0 ]
