#!/usr/bin/env python3
"""Aggregate JFR jdk.ExecutionSample events (jfr print --json) within time windows: top self frames and
inclusive frames matching prefixes. usage: jfr print --json --stack-depth 300 --events jdk.ExecutionSample rec.jfr > s.json (without --stack-depth, jfr prints 5 frames a sample and inclusive counts are wrong); bench/jfr-top.py s.json windows.txt [N]
(windows.txt: one "start end" pair of epoch seconds a line, e.g. the job/query slices of a bench run)"""
import json, sys, collections, datetime
data = json.load(open(sys.argv[1]))
wins = []
for line in open(sys.argv[2]):
    a, b = line.split()
    wins.append((float(a), float(b)))
N = int(sys.argv[3]) if len(sys.argv) > 3 else 40
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
for e in data['recording']['events']:
    v = e['values']
    t = ts(v['startTime'])
    if not any(a <= t <= b for a, b in wins):
        continue
    frames = v['stackTrace']['frames'] if v.get('stackTrace') else []
    names = [f['method']['type']['name'] + '.' + f['method']['name'] for f in frames]
    total += 1
    threads[(v.get('sampledThread') or {}).get('javaName', '?').rstrip('0123456789')] += 1
    if names:
        selfc[names[0]] += 1
    seen = set()
    for n in names:
        # inclusive by class
        cls = n.rsplit('.', 1)[0]
        for key in (n, 'CLASS ' + cls):
            if key not in seen:
                seen.add(key); incl[key] += 1
print('samples', total)
print('--- threads'); [print(f'{c:6d} {c*100/total:5.1f}% {k}') for k, c in threads.most_common(10)]
print('--- self'); [print(f'{c:6d} {c*100/total:5.1f}% {k}') for k, c in selfc.most_common(N)]
print('--- inclusive'); [print(f'{c:6d} {c*100/total:5.1f}% {k}') for k, c in incl.most_common(N*3)]
