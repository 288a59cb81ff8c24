#!/usr/bin/env python3
"""Measures what an attached debugger costs: each script run by `mlua script` and by
`mlua --debug` driven over DAP (initialize, launch, one breakpoint, configurationDone, run
to the end); the CPU time (user + system) of the mlua process, best of N runs, and the
ratio. CPU time rather than wall time: it holds on a loaded machine.

    bench/debug-overhead.py --mlua PATH [--runs N] [--breakpoint-line L] [--other-file] script.lua...

The breakpoint is on line L (default 100000: past the end, never reached) of the script
itself, or with --other-file on line L of another file (the worst case: every event on a
line numbered L asks which file it is in).
"""
import argparse, json, os, subprocess, sys, time

def send(p, seq, command, args=None):
    msg = {"seq": seq, "type": "request", "command": command}
    if args is not None:
        msg["arguments"] = args
    body = json.dumps(msg).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    p.stdin.flush()

def read(p):
    length = None
    while True:
        line = p.stdout.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(p.stdout.read(length))

def debug_run(mlua, script, line, other):
    p = subprocess.Popen([mlua, "--debug"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    path = os.path.abspath(script)
    bp_path = os.path.join(os.path.dirname(path), "never-loaded.lua") if other else path
    send(p, 1, "initialize", {"adapterID": "mlua"})
    send(p, 2, "launch", {"program": path})
    send(p, 3, "setBreakpoints", {"source": {"path": bp_path}, "breakpoints": [{"line": line}]})
    start = time.perf_counter()
    send(p, 4, "configurationDone")
    out = []
    while True:
        m = read(p)
        if m is None:
            break
        if m.get("type") == "event" and m["event"] == "output":
            out.append(m["body"]["output"])
        if m.get("type") == "event" and m["event"] == "stopped":
            sys.exit("unexpected stop: %r" % m)
        if m.get("type") == "event" and m["event"] == "terminated":
            elapsed = time.perf_counter() - start
            send(p, 5, "disconnect")
            break
    _, _, usage = os.wait4(p.pid, 0)
    p.returncode = 0
    return usage.ru_utime + usage.ru_stime, "".join(out)

def plain_run(mlua, script):
    p = subprocess.Popen([mlua, script], stdout=subprocess.PIPE)
    out = p.stdout.read().decode()
    _, _, usage = os.wait4(p.pid, 0)
    p.returncode = 0
    return usage.ru_utime + usage.ru_stime, out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mlua", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--breakpoint-line", type=int, default=100000)
    ap.add_argument("--other-file", action="store_true")
    ap.add_argument("scripts", nargs="+")
    a = ap.parse_args()
    print("%-20s %10s %10s %7s" % ("script", "plain cpu s", "debug cpu s", "ratio"))
    for s in a.scripts:
        plain = min(plain_run(a.mlua, s)[0] for _ in range(a.runs))
        runs = [debug_run(a.mlua, s, a.breakpoint_line, a.other_file) for _ in range(a.runs)]
        expected = plain_run(a.mlua, s)[1]
        if runs[0][1] != expected:
            sys.exit("output differs under the debugger: %r vs %r" % (runs[0][1], expected))
        debug = min(r[0] for r in runs)
        print("%-20s %10.3f %10.3f %7.2f" % (os.path.basename(s), plain, debug, debug / plain))

main()
