#!/usr/bin/env python3
"""The JIT's compilations per job of a bench/pipeline-bench.sh run recorded with every compilation in JFR:

    FEDFLOW_JAVA_OPTS='-XX:StartFlightRecording:filename=F.jfr,jdk.Compilation#threshold=0ms' \\
        bench/pipeline-bench.sh --runs 10 --warmup 0 --thread-cpu > OUT.txt
    bench/jfr-compiles.py F.jfr OUT.txt [--top 30] [--from-job 4]

Per job (the bench's "window START END" lines): C2 and C1 compilations and their summed durations (the compiler
thread's wall time per compile, so it grows with the machine's load; --thread-cpu gives the compiler threads'
CPU), on-stack replacements, deoptimizations, and C2's time by library (ours, jOOQ, netty, Armeria, Jackson,
protobuf, pgjdbc, the JDK...). Then, over the jobs from --from-job on, the methods whose C2 compiles took longest,
with their code size, and how many methods C2 compiled in more than one job (recompilation churn).
"""
import argparse
import calendar
import json
import re
import subprocess
from collections import defaultdict
from datetime import datetime

GROUPS = [('io.fedflow.', 'fedflow'), ('org.jooq', 'jooq'), ('com.linecorp.armeria', 'armeria'), ('io.netty', 'netty'),
          ('com.fasterxml.jackson', 'jackson'), ('com.google.protobuf', 'protobuf'), ('org.bouncycastle', 'bouncycastle'),
          ('org.postgresql', 'pgjdbc'), ('com.zaxxer', 'hikari'), ('io.grpc', 'grpc'), ('io.micrometer', 'micrometer'),
          ('io.prometheus', 'micrometer'), ('brave', 'brave'), ('org.flywaydb', 'flyway'), ('java.', 'jdk'),
          ('jdk.', 'jdk'), ('sun.', 'jdk'), ('com.sun.', 'jdk'), ('javax.', 'jdk')]


def group(cls):
    c = cls.replace('/', '.')
    for prefix, name in GROUPS:
        if c.startswith(prefix):
            return name
    return 'other'


def epoch(s):
    s = s.rstrip('Z')
    whole, frac = (s.split('.') + ['0'])[:2]
    return calendar.timegm(datetime.strptime(whole, '%Y-%m-%dT%H:%M:%S').timetuple()) + float('0.' + frac)


def seconds(iso):
    m = re.match(r'PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?', iso)
    return int(m.group(1) or 0) * 3600 + int(m.group(2) or 0) * 60 + float(m.group(3) or 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('jfr')
    ap.add_argument('bench_output')
    ap.add_argument('--top', type=int, default=30)
    ap.add_argument('--from-job', type=int, default=4)
    a = ap.parse_args()
    out = subprocess.run(['jfr', 'print', '--json', '--events', 'jdk.Compilation,jdk.Deoptimization', a.jfr],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(out)['recording']['events']
    windows = [tuple(map(float, line.split()[1:3])) for line in open(a.bench_output)
               if line.strip().startswith('window ')]
    comps, deopts = [], []
    for e in events:
        v = e['values']
        v['_t'] = epoch(v['startTime'])
        if e['type'] == 'jdk.Compilation':
            v['_d'] = seconds(v['duration'])
            v['_m'] = v['method']['type']['name'] + '.' + v['method']['name'] + v['method']['descriptor']
            comps.append(v)
        else:
            deopts.append(v)

    def within(items, a0, b0):
        return [c for c in items if a0 <= c['_t'] < b0]

    print('job   C2 n   C2 s   C1 n   C1 s  OSR  deopt | C2 s by library')
    jobs_of = defaultdict(set)
    for i, (w0, w1) in enumerate(windows):
        w = within(comps, w0, w1)
        c2 = [c for c in w if c['compiler'] == 'c2']
        c1 = [c for c in w if c['compiler'] == 'c1']
        by = defaultdict(float)
        for c in c2:
            by[group(c['method']['type']['name'])] += c['_d']
            jobs_of[c['_m']].add(i)
        print('%3d %6d %6.2f %6d %6.2f %4d %6d | %s' % (
            i + 1, len(c2), sum(c['_d'] for c in c2), len(c1), sum(c['_d'] for c in c1),
            sum(1 for c in w if c['isOsr']), len(within(deopts, w0, w1)),
            ' '.join('%s %.2f' % kv for kv in sorted(by.items(), key=lambda kv: -kv[1]))))
    if len(windows) < a.from_job:
        return
    w = [c for c in within(comps, windows[a.from_job - 1][0], windows[-1][1]) if c['compiler'] == 'c2']
    per = defaultdict(lambda: [0, 0.0, 0, False])
    by = defaultdict(float)
    for c in w:
        p = per[c['method']['type']['name'] + '.' + c['method']['name']]
        p[0] += 1
        p[1] += c['_d']
        p[2] = max(p[2], c['codeSize'])
        p[3] = p[3] or c['isOsr']
        by[group(c['method']['type']['name'])] += c['_d']
    print('C2, jobs %d-%d: %d compilations, %.2f s; by library: %s' % (
        a.from_job, len(windows), len(w), sum(c['_d'] for c in w),
        ' '.join('%s %.2f' % kv for kv in sorted(by.items(), key=lambda kv: -kv[1]))))
    print('   s    n  code (B)  method (OSR among them: *)')
    for name, (n, d, size, osr) in sorted(per.items(), key=lambda kv: -kv[1][1])[:a.top]:
        print('%6.3f %3d %8d  %s%s' % (d, n, size, name, ' *' if osr else ''))
    print('methods C2 compiled in more than one job: %d of %d' % (
        sum(1 for s in jobs_of.values() if len(s) > 1), len(jobs_of)))


if __name__ == '__main__':
    main()
