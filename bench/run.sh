#!/usr/bin/env bash
# Benchmark mlua against the reference interpreter lua5.4.
#
# usage: bench/run.sh [--mlua PATH] [--lua PATH] [--runs N] [--max-geomean X]
#                     [--timeout SECONDS] [script.lua ...]
#
# For each script: run it once on each engine and require byte-identical stdout
# (and, when ../shared/bench/README.md lists an expected output, that mlua prints
# exactly that); then time N runs per engine (interleaved, wall clock), and print
# the medians and the ratio mlua/lua5.4. At the end: the geometric mean of the
# ratios over all scripts (the gated value; startup.lua included) and, for
# information, over all scripts except startup.lua. The last line is
# "P passed, F failed": one check per script (outputs agree) plus one check
# "geomean <= max" (default max 3.0). Exit status is non-zero if anything failed.
#
# Needs only bash, coreutils and awk (plus the .NET SDK when --mlua is absent).
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bench_dir="$here/../../shared/bench"

mlua=""
lua=${LUA:-lua5.4}
runs=3
max_geomean=3.0
timeout_s=120
scripts=()

usage() {
    sed -n '4,5p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-2}"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --mlua) mlua=${2:?--mlua needs a path}; shift 2 ;;
        --mlua=*) mlua=${1#*=}; shift ;;
        --lua) lua=${2:?--lua needs a path}; shift 2 ;;
        --lua=*) lua=${1#*=}; shift ;;
        --runs) runs=${2:?--runs needs a number}; shift 2 ;;
        --runs=*) runs=${1#*=}; shift ;;
        --max-geomean) max_geomean=${2:?--max-geomean needs a number}; shift 2 ;;
        --max-geomean=*) max_geomean=${1#*=}; shift ;;
        --timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
        --timeout=*) timeout_s=${1#*=}; shift ;;
        -h|--help) usage 0 ;;
        --) shift; scripts+=("$@"); break ;;
        -*) echo "run.sh: unknown option $1" >&2; usage 2 ;;
        *) scripts+=("$1"); shift ;;
    esac
done

case "$runs" in ''|*[!0-9]*|0) echo "run.sh: --runs must be a positive integer" >&2; exit 2 ;; esac
if ! awk -v x="$max_geomean" 'BEGIN { exit !(x + 0 > 0) }'; then
    echo "run.sh: --max-geomean must be a positive number" >&2; exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mlua-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! command -v "$lua" >/dev/null 2>&1; then
    echo "run.sh: reference interpreter '$lua' not found" >&2; exit 2
fi

if [ -z "$mlua" ]; then
    echo "Publishing src/mlua (Release) ..." >&2
    if ! dotnet publish "$root/src/mlua" -c Release -o "$tmp/mlua" >"$tmp/publish.log" 2>&1; then
        cat "$tmp/publish.log" >&2
        echo "run.sh: dotnet publish failed" >&2; exit 2
    fi
    mlua="$tmp/mlua/mlua"
fi
if [ ! -x "$mlua" ] && ! command -v "$mlua" >/dev/null 2>&1; then
    echo "run.sh: mlua '$mlua' is not executable" >&2; exit 2
fi

if [ ${#scripts[@]} -eq 0 ]; then
    if [ ! -d "$bench_dir" ]; then
        echo "run.sh: benchmark folder $bench_dir not found" >&2; exit 2
    fi
    for f in "$bench_dir"/*.lua; do scripts+=("$f"); done
else
    for i in "${!scripts[@]}"; do
        s=${scripts[$i]}
        if [ ! -f "$s" ] && [ -f "$bench_dir/$s" ]; then scripts[$i]="$bench_dir/$s"; fi
        if [ ! -f "${scripts[$i]}" ] && [ -f "$bench_dir/$s.lua" ]; then scripts[$i]="$bench_dir/$s.lua"; fi
    done
fi

# Expected output of a script according to the bench README, written to $2.
# Returns 1 when the README does not list the script.
expected_output() {
    local name=$1 out=$2 readme="$bench_dir/README.md"
    [ -f "$readme" ] || return 1
    awk -v name="$name" -v out="$out" '
        BEGIN { tick = "`"; head = "| " tick name tick " |" }
        index($0, head) == 1 {
            line = $0; sub(/[ \t]*\|[ \t]*$/, "", line)
            n = split(line, cells, "|"); last = cells[n]
            gsub(/^[ \t]+|[ \t]+$/, "", last)
            if (last == "(no output)") { printf "" > out; found = 1; exit }
            if (last ~ /^`[^`]*`$/) { print substr(last, 2, length(last) - 2) > out; found = 1; exit }
            want_block = 1; next
        }
        want_block && index($0, tick name tick " prints") == 1 { inblock = 0; seen = 1; next }
        seen && /^```/ { if (inblock) { found = 1; exit } inblock = 1; printf "" > out; next }
        seen && inblock { print > out }
        END { exit !found }
    ' "$readme"
}

# Wall-clock time of one run in microseconds, stdout/stderr discarded.
now_us() {
    if [ -n "${EPOCHREALTIME:-}" ]; then
        local t=${EPOCHREALTIME/[.,]/}; echo "$t"
    else
        echo $(( $(date +%s%N) / 1000 ))
    fi
}
time_run() {
    local t0 t1
    t0=$(now_us)
    timeout "$timeout_s" "$@" >/dev/null 2>&1
    t1=$(now_us)
    echo $(( t1 - t0 ))
}
median_ms() {
    tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 }
        END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f", m / 1000 }'
}

passed=0
failed=0
ratios="$tmp/ratios"
: >"$ratios"
start_all=$(now_us)

echo "mlua:   $mlua"
echo "lua:    $(command -v "$lua") ($("$lua" -v 2>&1 | head -n 1))"
echo "runs:   $runs (median), machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
echo
printf '%-24s %12s %12s %8s  %s\n' "script" "lua5.4 ms" "mlua ms" "ratio" "check"
printf '%-24s %12s %12s %8s  %s\n' "------" "---------" "-------" "-----" "-----"

for script in "${scripts[@]}"; do
    name=$(basename "$script")
    if [ ! -f "$script" ]; then
        printf '%-24s %12s %12s %8s  %s\n' "$name" "-" "-" "-" "FAIL (no such script)"
        failed=$((failed + 1)); continue
    fi
    dir=$(cd "$(dirname "$script")" && pwd)
    path="$dir/$name"

    timeout "$timeout_s" "$lua" "$path" >"$tmp/ref.out" 2>"$tmp/ref.err"; ref_rc=$?
    timeout "$timeout_s" "$mlua" "$path" >"$tmp/mlua.out" 2>"$tmp/mlua.err"; mlua_rc=$?

    problem=""
    if [ $ref_rc -ne 0 ]; then
        problem="lua5.4 exited $ref_rc"
    elif [ $mlua_rc -ne 0 ]; then
        problem="mlua exited $mlua_rc"
    elif ! cmp -s "$tmp/ref.out" "$tmp/mlua.out"; then
        problem="output differs from lua5.4"
    elif [ "$dir" = "$(cd "$bench_dir" 2>/dev/null && pwd)" ] && expected_output "$name" "$tmp/expected.out" \
            && ! cmp -s "$tmp/expected.out" "$tmp/mlua.out"; then
        problem="output differs from README"
    fi
    if [ -n "$problem" ]; then
        printf '%-24s %12s %12s %8s  %s\n' "$name" "-" "-" "-" "FAIL ($problem)"
        {
            echo "--- $name: $problem"
            echo "lua5.4 stdout:"; head -c 2000 "$tmp/ref.out"
            echo "mlua stdout:"; head -c 2000 "$tmp/mlua.out"
            if [ -s "$tmp/mlua.err" ]; then echo "mlua stderr:"; head -c 2000 "$tmp/mlua.err"; fi
            if [ -s "$tmp/ref.err" ]; then echo "lua5.4 stderr:"; head -c 2000 "$tmp/ref.err"; fi
        } >&2
        failed=$((failed + 1)); continue
    fi

    ref_times=""; mlua_times=""
    for _ in $(seq "$runs"); do
        ref_times="$ref_times $(time_run "$lua" "$path")"
        mlua_times="$mlua_times $(time_run "$mlua" "$path")"
    done
    ref_ms=$(echo "$ref_times" | median_ms)
    mlua_ms=$(echo "$mlua_times" | median_ms)
    ratio=$(awk -v a="$mlua_ms" -v b="$ref_ms" 'BEGIN { if (b < 1) b = 1; if (a < 1) a = 1; printf "%.2f", a / b }')
    echo "$name $ratio" >>"$ratios"
    printf '%-24s %12s %12s %8s  %s\n' "$name" "$ref_ms" "$mlua_ms" "$ratio" "ok"
    passed=$((passed + 1))
done

echo
if [ -s "$ratios" ]; then
    read -r geomean geomean_ex count count_ex < <(awk '
        { s += log($2); n++; if ($1 != "startup.lua") { sx += log($2); nx++ } }
        END { printf "%.2f %s %d %d\n", exp(s / n), (nx ? sprintf("%.2f", exp(sx / nx)) : "-"), n, nx }' "$ratios")
    echo "geomean mlua/lua5.4: $geomean over $count scripts ($geomean_ex over $count_ex without startup.lua)"
    if awk -v g="$geomean" -v m="$max_geomean" 'BEGIN { exit !(g + 0 <= m + 0) }'; then
        echo "geomean check: $geomean <= $max_geomean ok"
        passed=$((passed + 1))
    else
        echo "geomean check: $geomean > $max_geomean FAIL"
        failed=$((failed + 1))
    fi
else
    echo "geomean check: no timed scripts FAIL"
    failed=$((failed + 1))
fi
end_all=$(now_us)
echo "total time: $(( (end_all - start_all) / 1000000 )) s (excluding publish)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
