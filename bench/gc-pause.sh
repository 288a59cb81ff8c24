#!/usr/bin/env bash
# GC pause benchmark: bench/gc-pause.lua on lua5.4 (its incremental and generational modes)
# and on MicroLua (every mode), one line each.
# usage: bench/gc-pause.sh [--seconds N] [--live MIB] [--driver PATH]
#   --driver: a published bench/GcPause (default: published here into /tmp/gc-pause-driver)
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=5
live=64
driver=""
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --live) live=$2; shift 2 ;;
        --driver) driver=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
if [ -z "$driver" ]; then
    dotnet publish "$here/GcPause" -c Release -r linux-x64 -p:PublishAot=true -p:SelfContained=true \
        -o /tmp/gc-pause-driver >/dev/null
    driver=/tmp/gc-pause-driver/GcPause
fi
for mode in incremental generational; do
    printf 'lua5.4 '; lua5.4 "$here/gc-pause.lua" "$mode" "$seconds" "$live"
done
for mode in incremental generational manual; do
    printf 'mlua   '; "$driver" "$here/gc-pause.lua" "$mode" "$seconds" "$live"
done
