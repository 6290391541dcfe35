#!/usr/bin/env python3
# RESULTS.md's tables from files of run_all.sh's JSON lines: each cell is the range
# (min-max) over the files given.
#
#   python3 bench/nexmark/results_tables.py bench/nexmark/results/*.jsonl
import json, sys, collections
runs = []
for f in sys.argv[1:]:
    by = collections.defaultdict(dict)
    for l in open(f):
        d = json.loads(l)
        by[d['query']][d['flags']] = d
    runs.append(by)
order = ['q0','q1','q2','q3','q4','q5','q7','q8','q9','q10','q11','q12','q13','q14','q15','q16','q17','q18','q19','q20','q21','q22']
G, GC, P, PC = '', '--checkpoint', '--pregenerated', '--pregenerated --checkpoint'
def k(x):
    if x >= 1e6: return '%.1fM' % (x/1e6) if x < 1e8 else '%.0fM' % (x/1e6)
    return '%.0fK' % (x/1e3)
def get(q, fl, only=None):
    out = []
    for i, r in enumerate(runs):
        if only is not None and i not in only: continue
        d = r.get(q, {}).get(fl)
        if d and 'error' not in d: out.append(d)
    return out
def rng(vals, fmt):
    if not vals: return '—'
    lo, hi = min(vals), max(vals)
    a, b = fmt(lo), fmt(hi)
    return a if a == b else a + '–' + b
wall = lambda d: d['events_per_sec_per_core']
cpu = lambda d: d['events'] / d['cpu_seconds']
def ds(q, fl):
    return get(q, fl)
x1 = lambda v: '%.1f' % v
x2 = lambda v: '%.2f' % v
print('### Generator inside the query (Flink\'s setting)\n')
print('| Query | Events | Flink per core | weir per core, wall | per CPU-second | with `--checkpoint`: per core, wall | per CPU-second | × Flink with `--checkpoint`, wall | × Flink with `--checkpoint`, CPU | load |')
print('|---|---|---|---|---|---|---|---|---|---|')
for q in order:
    a, b = ds(q, G), ds(q, GC)
    if not a or not b: continue
    f = b[0]['flink_events_per_sec_per_core']
    print('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (q, k(b[0]['events']), k(f),
        rng([wall(d) for d in a], k), rng([cpu(d) for d in a], k), rng([wall(d) for d in b], k), rng([cpu(d) for d in b], k),
        rng([wall(d)/f for d in b], x1), rng([cpu(d)/f for d in b], x1), rng([d['load1'] for d in a+b], x1)))
print('\n### Pregenerated input\n')
print('| Query | weir per core, wall | per CPU-second | with `--checkpoint`: per core, wall | per CPU-second | × Flink with `--checkpoint`, wall | × Flink with `--checkpoint`, CPU | generating the input (s) | peak RSS |')
print('|---|---|---|---|---|---|---|---|---|')
for q in order:
    a, b = ds(q, P), ds(q, PC)
    if not a or not b: continue
    f = b[0]['flink_events_per_sec_per_core']
    print('| %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (q, rng([wall(d) for d in a], k), rng([cpu(d) for d in a], k),
        rng([wall(d) for d in b], k), rng([cpu(d) for d in b], k), rng([wall(d)/f for d in b], lambda v: '%.0f' % v),
        rng([cpu(d)/f for d in b], lambda v: '%.0f' % v), rng([d['pregenerate_seconds'] for d in b], x1),
        rng([d['peak_rss_bytes']/2**20 for d in a+b], lambda v: '%.0f MB' % v)))
print('\n### Hand-written baselines\n')
print('| Query | Input | weir per core, wall | baseline, wall | ratio, wall | weir per CPU-second | baseline per CPU-second | ratio, CPU |')
print('|---|---|---|---|---|---|---|---|')
for q in ['q0','q1','q2','q5','q7']:
    for fl, name in [(G,'generator'),(GC,'generator, `--checkpoint`'),(P,'pregenerated'),(PC,'pregenerated, `--checkpoint`'),
                     (PC + ' --epoch-events 10000000', 'pregenerated, `--checkpoint`, 10M-event epochs')]:
        v = [d for d in ds(q, fl) if 'baseline_events_per_sec' in d]
        if not v: continue
        bc = lambda d: d['events'] / d['baseline_cpu_seconds']
        print('| %s | %s | %s | %s | %s | %s | %s | %s |' % (q, name, rng([wall(d) for d in v], k),
            rng([d['baseline_events_per_sec'] for d in v], k), rng([d['ratio_to_baseline'] for d in v], x2),
            rng([cpu(d) for d in v], k), rng([bc(d) for d in v], k), rng([cpu(d)/bc(d) for d in v], x2)))
print('\n### Epochs and memory (generator inside, `--checkpoint`)\n')
print('| Query | Output rows | Epochs | p50 epoch (ms) | p99 epoch (ms) | peak RSS |')
print('|---|---|---|---|---|---|')
for q in order:
    b = ds(q, GC)
    if not b: continue
    print('| %s | %s | %d | %s | %s | %s |' % (q, '{:,}'.format(b[-1]['output_rows']), b[-1]['epochs'],
        rng([d['p50_epoch_ms'] for d in b], lambda v: '%.0f' % v), rng([d['p99_epoch_ms'] for d in b], lambda v: '%.0f' % v),
        rng([d['peak_rss_bytes']/2**20 for d in b], lambda v: '%.0f MB' % v)))
print('\n### Two threads (`--threads 2 --checkpoint`, generator inside)\n')
print('| Query | Events | events/s, wall | per core, wall | per CPU-second | × Flink per core, wall | load |')
print('|---|---|---|---|---|---|---|')
for q in ['q0','q5','q7']:
    v = ds(q, '--threads 2 --checkpoint')
    if not v: continue
    f = v[0]['flink_events_per_sec_per_core']
    print('| %s | %s | %s | %s | %s | %s | %s |' % (q, k(v[0]['events']), rng([d['events_per_sec'] for d in v], k),
        rng([wall(d) for d in v], k), rng([cpu(d) for d in v], k), rng([wall(d)/f for d in v], x1), rng([d['load1'] for d in v], x1)))
