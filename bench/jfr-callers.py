#!/usr/bin/env python3
"""CPU samples inside one library or class, by the Fedflow method that called into it, within a pipeline bench's
job windows: where jOOQ (or any other prefix) is paid for, per calling store method.

    jfr print --json --stack-depth 120 --events jdk.ExecutionSample F.jfr > F.json
    bench/jfr-callers.py F.json windows.txt [PREFIX (default org/jooq)]

(F.jfr from bench/async-profiler.sh or --jfr; windows.txt: the "window START END" pairs the pipeline bench prints
per job, one pair a line). A sample counts once, for the Fedflow frame just outside the outermost PREFIX frame."""
import collections
import datetime
import json
import sys



def epoch(s):
    """JFR's ISO time (nanosecond fraction, Z or an offset) as epoch seconds."""
    s = s.replace('Z', '+00:00')
    if '.' in s:
        whole, rest = s.split('.', 1)
        frac = ''.join(ch for ch in rest if ch.isdigit())
        s = whole + '.' + frac[:6] + rest[len(frac):]
    return datetime.datetime.fromisoformat(s).timestamp()


def main():
    data = json.load(open(sys.argv[1]))
    windows = [tuple(map(float, line.split())) for line in open(sys.argv[2])]
    prefix = sys.argv[3] if len(sys.argv) > 3 else 'org/jooq'
    callers = collections.Counter()
    total = 0
    for e in data['recording']['events']:
        v = e['values']
        t = epoch(v['startTime'])
        if not any(a <= t <= b for a, b in windows):
            continue
        total += 1
        frames = [f['method']['type']['name'] + '.' + f['method']['name'] for f in v['stackTrace']['frames']]
        inside = [k for k, f in enumerate(frames) if f.startswith(prefix)]
        if not inside:
            continue
        callers[next((f for f in frames[max(inside) + 1:] if f.startswith('io/fedflow')), '-')] += 1
    print(f'samples in the windows {total}, inside {prefix} {sum(callers.values())}, by caller:')
    for caller, n in callers.most_common(25):
        print(f'{n:6d} {caller}')


if __name__ == '__main__':
    main()
