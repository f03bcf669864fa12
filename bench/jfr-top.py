#!/usr/bin/env python3
"""Aggregate JFR jdk.ExecutionSample events (jfr print --json) within time windows: top self frames and
inclusive frames matching prefixes. usage: jfr print --json --stack-depth 300 --events jdk.ExecutionSample rec.jfr > s.json (without --stack-depth, jfr prints 5 frames a sample and inclusive counts are wrong); bench/jfr-top.py s.json windows.txt [N [THREAD-PREFIX]] [--inside PREFIX]
(windows.txt: one "start end" pair of epoch seconds a line, e.g. the job/query slices of a bench run).
Threads are counted by class (their names without the numbers); with THREAD-PREFIX the frames are those of the
threads so named only, and their first Fedflow frames are listed too. Works on async-profiler's JFR files as well
(bench/async-profiler.sh), whose native threads have an OS name only. --inside PREFIX (e.g. org/jooq) also sums,
over every thread, the samples inside that library or class by the Fedflow method that called it (the Fedflow
frame just outside the outermost PREFIX frame): what a library costs, per calling store method."""
import json, sys, collections, datetime, re
inside = None
if '--inside' in sys.argv:
    at = sys.argv.index('--inside')
    inside = sys.argv[at + 1]
    del sys.argv[at:at + 2]
data = json.load(open(sys.argv[1]))
wins = []
for line in open(sys.argv[2]):
    a, b = line.split()
    wins.append((float(a), float(b)))
N = int(sys.argv[3]) if len(sys.argv) > 3 else 40
prefix = sys.argv[4] if len(sys.argv) > 4 else ''
def ts(s):
    # 2026-12-05T07:20:01.123456789Z or with offset
    s = s.replace('Z', '+00:00')
    if '.' in s:
        head, rest = s.split('.', 1)
        frac = ''.join(ch for ch in rest if ch.isdigit())
        tz = rest[len(frac):]
        s = head + '.' + frac[:6] + tz
    return datetime.datetime.fromisoformat(s).timestamp()
selfc = collections.Counter(); incl = collections.Counter(); threads = collections.Counter(); total = 0
fedflow = collections.Counter(); picked = 0; callers = collections.Counter()
for e in data['recording']['events']:
    v = e['values']
    t = ts(v['startTime'])
    if not any(a <= t <= b for a, b in wins):
        continue
    thread = v.get('sampledThread') or {}
    name = thread.get('javaName') or thread.get('osName') or '?'
    total += 1
    threads[re.sub(r'-\d+-$', '', re.sub(r'[-#]?\d+$', '', name))] += 1
    if inside:
        names = [f['method']['type']['name'] + '.' + f['method']['name']
                 for f in (v['stackTrace']['frames'] if v.get('stackTrace') else [])]
        within = [k for k, n in enumerate(names) if n.startswith(inside)]
        if within:
            callers[next((n for n in names[max(within) + 1:] if n.startswith(('io/fedflow', 'io.fedflow'))), '-')] += 1
    if not name.startswith(prefix):
        continue
    picked += 1
    frames = v['stackTrace']['frames'] if v.get('stackTrace') else []
    names = [f['method']['type']['name'] + '.' + f['method']['name'] for f in frames]
    if names:
        selfc[names[0]] += 1
    fedflow[next((n for n in names if n.startswith(('io/fedflow', 'io.fedflow'))), '-')] += 1
    seen = set()
    for n in names:
        # inclusive by class
        cls = n.rsplit('.', 1)[0]
        for key in (n, 'CLASS ' + cls):
            if key not in seen:
                seen.add(key); incl[key] += 1
print('samples', total)
print('--- threads'); [print(f'{c:6d} {c*100/total:5.1f}% {k}') for k, c in threads.most_common(20 if prefix else 10)]
if prefix:
    print(f'--- threads {prefix}*: {picked} samples; shares below are of these')
    total = max(1, picked)
print('--- self'); [print(f'{c:6d} {c*100/total:5.1f}% {k}') for k, c in selfc.most_common(N)]
print('--- inclusive'); [print(f'{c:6d} {c*100/total:5.1f}% {k}') for k, c in incl.most_common(N*3)]
if prefix:
    print('--- first Fedflow frame'); [print(f'{c:6d} {c*100/total:5.1f}% {k}') for k, c in fedflow.most_common(N)]
if inside:
    print(f'--- inside {inside}: {sum(callers.values())} samples of all threads, by the Fedflow method that called it')
    [print(f'{c:6d} {k}') for k, c in callers.most_common(N)]
