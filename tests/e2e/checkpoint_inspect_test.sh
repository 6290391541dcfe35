#!/usr/bin/env bash
# `weir checkpoint inspect` and damaged checkpoints (docs/checkpoint_format.md):
# inspect prints the metadata, epochs and state of a checkpoint and exits 0; a flipped
# bit in a commit record or a torn state file is reported by path with exit 1; a
# restart over a torn latest state delta falls back to an earlier epoch and still
# produces the fault-free output; a changed aggregation is refused naming the
# operator.
set -uo pipefail
WEIR=$(realpath "${1:?usage: checkpoint_inspect_test.sh path/to/weir}")
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail() { echo "FAIL $1"; failures=$((failures + 1)); }

mkdir -p input
for f in 0 1 2 3 4 5 6 7; do
  awk -v f=$f 'BEGIN { for (i = f * 500; i < (f + 1) * 500; ++i)
    printf("{\"ts\":\"2024-07-01 00:%02d:%02d.%03d\",\"key\":\"k%d\"}\n",
           int(i * 20 / 60000), int(i * 20 / 1000) % 60, (i * 20) % 1000, i % 5) }' \
    >input/.p$f.tmp
  mv input/.p$f.tmp input/part-$f.json
done

pipeline() {  # <dir> <aggregates>
  cat >"$1.sql" <<EOF
SET spark.sql.shuffle.partitions = 2;
SET spark.sql.streaming.stateStore.minDeltasForSnapshot = 3;
CREATE SOURCE events (ts TIMESTAMP, key STRING, WATERMARK FOR ts AS ts - INTERVAL 2 SECONDS)
WITH (connector = 'file', path = 'input', format = 'json', maxFilesPerTrigger = '1');
CREATE SINK windows WITH (connector = 'file', path = '$1/out', format = 'json',
                          checkpointLocation = '$1/ckpt');
INSERT INTO windows
SELECT window.start AS start, key, $2
FROM events GROUP BY window(ts, '5 seconds'), key;
EOF
}
dump() { "$WEIR" sql --format csv -e "SELECT * FROM json.\`$1/out\` ORDER BY start, key" 2>&1; }

pipeline golden "count(*) AS n"
"$WEIR" run --available-now golden.sql >golden.log 2>&1 || { fail "golden run"; cat golden.log; }
dump golden >golden.csv

"$WEIR" checkpoint inspect golden/ckpt --verify-state >inspect.txt 2>&1
rc=$?
if [[ $rc -eq 0 ]] && grep -q '^  0: stateStoreSave \[key: struct<start:timestamp,end:timestamp>, string; value: count(int)\]' inspect.txt &&
   grep -q '^committed epochs: 0\.\.' inspect.txt && grep -q '^state backend: memory' inspect.txt &&
   grep -q 'operator 0 partition 1: deltas 1..9, snapshots 3, 6, 9 (' inspect.txt && grep -q 'every file passed its checks' inspect.txt; then
  echo "ok   inspect"; else fail "inspect (exit $rc)"; cat inspect.txt; fi

# A flipped bit in a commit record: named, exit 1.
cp -r golden flipped
last=$(ls flipped/ckpt/commits | sort -n | tail -n 1)
printf '\x01' | dd of="flipped/ckpt/commits/$last" bs=1 seek=40 conv=notrunc status=none
"$WEIR" checkpoint inspect flipped/ckpt >inspect.txt 2>&1
rc=$?
if [[ $rc -eq 1 ]] && grep -q "corrupt checkpoint file flipped/ckpt/commits/$last" inspect.txt; then
  echo "ok   flipped-bit-named"; else fail "flipped-bit-named (exit $rc)"; cat inspect.txt; fi

# A torn latest state delta: --verify-state names it.
cp -r golden torn
delta=$(ls torn/ckpt/state/0/0/*.delta | sort -V | tail -n 1)
truncate -s -7 "$delta"
"$WEIR" checkpoint inspect torn/ckpt --verify-state >inspect.txt 2>&1
rc=$?
if [[ $rc -eq 1 ]] && grep -q "$delta" inspect.txt; then echo "ok   torn-state-named"; else
  fail "torn-state-named (exit $rc)"; cat inspect.txt; fi

# Kill-free replay of the damage: a run that stops halfway, a torn latest delta, a
# restart: the query falls back to an earlier epoch and the output is the golden one.
pipeline half "count(*) AS n"
mkdir -p half-input && mv input/part-[4-7].json half-input/
"$WEIR" run --available-now half.sql >half.log 2>&1 || { fail "half run"; cat half.log; }
mv half-input/* input/
delta=$(ls half/ckpt/state/0/1/*.delta | sort -V | tail -n 1)
truncate -s -3 "$delta"
"$WEIR" run --available-now half.sql >half.log 2>&1
rc=$?
dump half >half.csv
if [[ $rc -eq 0 ]] && cmp -s golden.csv half.csv && grep -q "falling back to the state of epoch" half.log; then
  echo "ok   torn-state-falls-back"; else
  fail "torn-state-falls-back (exit $rc)"; tail -n 5 half.log; diff golden.csv half.csv | head -n 5; fi

# A changed aggregation on a checkpoint with committed epochs is refused.
pipeline golden "count(*) AS n, max(key) AS top"
"$WEIR" run --available-now golden.sql >changed.log 2>&1
rc=$?
if [[ $rc -ne 0 ]] && grep -q "stateful operator 0 (stateStoreSave) keeps state of a different schema" changed.log; then
  echo "ok   changed-aggregation-refused"; else fail "changed-aggregation-refused (exit $rc)"; cat changed.log; fi

if [[ $failures -gt 0 ]]; then echo "$failures failure(s)"; exit 1; fi
echo "all passed"
