#!/usr/bin/env python3
"""CPU samples of an async-profiler JFR (jfr print --json --stack-depth 120 --events jdk.ExecutionSample F.jfr > F.json)
within time windows: samples by thread class; with a thread-name prefix, that class's top self frames, inclusive
frames and first Fedflow frames. usage: bench/ap-threads.py F.json windows.txt [PREFIX [N]]
(windows.txt: one "start end" pair of epoch seconds a line, e.g. the pipeline bench's job windows)"""
import collections, datetime, json, re, sys

data = json.load(open(sys.argv[1]))
wins = [tuple(map(float, line.split())) for line in open(sys.argv[2]) if line.strip()]
prefix = sys.argv[3] if len(sys.argv) > 3 else None
n = int(sys.argv[4]) if len(sys.argv) > 4 else 30


def ts(s):
    s = s.replace('Z', '+00:00')
    if '.' in s:
        head, rest = s.split('.', 1)
        frac = ''.join(c for c in rest if c.isdigit())
        s = head + '.' + frac[:6] + rest[len(frac):]
    return datetime.datetime.fromisoformat(s).timestamp()


classes = collections.Counter()
own = collections.Counter()
incl = collections.Counter()
first = collections.Counter()
total = picked = 0
for e in data['recording']['events']:
    v = e['values']
    if not any(a <= ts(v['startTime']) <= b for a, b in wins):
        continue
    thread = v.get('sampledThread') or {}
    name = thread.get('javaName') or thread.get('osName') or '?'
    classes[re.sub(r'-\d+-$', '', re.sub(r'[-#]?\d+$', '', name))] += 1
    total += 1
    if prefix is None or not name.startswith(prefix):
        continue
    picked += 1
    frames = v['stackTrace']['frames'] if v.get('stackTrace') else []
    names = [f['method']['type']['name'] + '.' + f['method']['name'] for f in frames]
    if names:
        own[names[0]] += 1
    for x in set(names):
        incl[x] += 1
    first[next((x for x in names if x.startswith('io/fedflow') or x.startswith('io.fedflow')), '-')] += 1

print('samples by thread class (%d in the windows)' % total)
for k, c in classes.most_common(n):
    print('%6d %5.1f%% %s' % (c, 100 * c / total, k))
if prefix is not None:
    for title, counter in (('self', own), ('inclusive', incl), ('first Fedflow frame', first)):
        print('--- %s, threads %s* (%d samples)' % (title, prefix, picked))
        for k, c in counter.most_common(n):
            print('%6d %5.1f%% %s' % (c, 100 * c / max(1, picked), k))
