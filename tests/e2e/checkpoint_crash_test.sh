#!/usr/bin/env bash
# Exactly-once through kill -9 (docs/checkpoint_format.md, "Crash tests").
#
# A windowed aggregation with a watermark reads JSON files with the file source and
# writes its windows to the file sink. The test runs it once without faults (the
# golden output), then for each state store backend:
#   crash loop   CYCLES times (default 50): start `weir run --available-now`, kill -9
#                it after a random delay, restart; then run to the end. The final
#                output, sorted, must be byte-identical to the golden one.
# and with CRASH_POINTS=1 (default) for each crash point (after the planned-epoch
# record, during a state file write, after the sink write, after the commit record)
# RUNS times (default 10): kill at that point of a random epoch through
# WEIR_CRASH_POINT, restart, run to the end, compare.
#
# Usage: checkpoint_crash_test.sh path/to/weir [backend...]
#   EVENTS (2000000), FILES (80), CYCLES (50), RUNS (10), CRASH_POINTS (1)
set -uo pipefail
WEIR=$(realpath "${1:?usage: checkpoint_crash_test.sh path/to/weir [backend...]}")
shift
BACKENDS=("$@")
[[ ${#BACKENDS[@]} -gt 0 ]] || BACKENDS=(memory rocksdb)
EVENTS=${EVENTS:-2000000}
FILES=${FILES:-80}
CYCLES=${CYCLES:-50}
RUNS=${RUNS:-10}
CRASH_POINTS=${CRASH_POINTS:-1}
failures=0
tmp=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail() { echo "FAIL $1"; failures=$((failures + 1)); }

# The input: EVENTS JSON lines over FILES files, one event per millisecond of event
# time, keys k0..k999, every 97th event 3 seconds late (the watermark allows 5).
mkdir -p input
awk -v events="$EVENTS" -v files="$FILES" 'BEGIN {
  per = int((events + files - 1) / files);
  for (f = 0; f < files; ++f) {
    name = sprintf("input/.part-%05d.json.tmp", f);
    for (i = f * per; i < (f + 1) * per && i < events; ++i) {
      t = i; if (i % 97 == 0 && i >= 3000) t = i - 3000;
      printf("{\"ts\":\"2024-07-01 %02d:%02d:%02d.%03d\",\"key\":\"k%d\",\"v\":%d}\n",
             int(t / 3600000), int(t / 60000) % 60, int(t / 1000) % 60, t % 1000,
             (i * 7919) % 1000, i % 13) > name;
    }
    close(name);
    system(sprintf("mv %s input/part-%05d.json", name, f));
  }
}'

# pipeline <dir> <backend>: the query, writing under <dir>.
pipeline() {
  cat >"$1.sql" <<EOF
SET weir.state.backend = $2;
SET spark.sql.shuffle.partitions = 2;
SET spark.sql.streaming.stateStore.minDeltasForSnapshot = 5;
CREATE SOURCE events (ts TIMESTAMP, key STRING, v INT,
                      WATERMARK FOR ts AS ts - INTERVAL 5 SECONDS)
WITH (connector = 'file', path = 'input', format = 'json', maxFilesPerTrigger = '1');
CREATE SINK windows WITH (connector = 'file', path = '$1/out', format = 'json',
                          checkpointLocation = '$1/checkpoint', output_mode = 'append');
INSERT INTO windows
SELECT window.start AS start, key, count(*) AS n, sum(v) AS total
FROM events GROUP BY window(ts, '10 seconds'), key;
EOF
}

# The committed output of <dir>, sorted.
dump() {
  "$WEIR" sql --format csv -e "SELECT * FROM json.\`$1/out\` ORDER BY start, key" 2>&1
}

run_to_end() {  # <dir>
  local rc
  for _ in 1 2 3; do
    "$WEIR" run --available-now "$1.sql" >"$1.log" 2>&1
    rc=$?
    [[ $rc -eq 0 ]] && return 0
  done
  echo "weir run exited $rc:"; tail -n 5 "$1.log"
  return 1
}

pipeline golden memory
start=$(date +%s%N)
run_to_end golden || fail "golden run"
dump golden >golden.csv
rows=$(($(wc -l <golden.csv) - 1))
echo "golden: $EVENTS events, $rows windows in $((($(date +%s%N) - start) / 1000000)) ms"
[[ $rows -gt 1000 ]] || fail "golden output has only $rows rows"

compare() {  # <dir> <what>
  dump "$1" >"$1.csv"
  if cmp -s golden.csv "$1.csv"; then echo "ok   $2"; else
    fail "$2: output differs from the fault-free run"
    diff golden.csv "$1.csv" | head -n 10
  fi
}

for backend in "${BACKENDS[@]}"; do
  dir=loop-$backend
  pipeline "$dir" "$backend"
  kills=0
  for _ in $(seq 1 "$CYCLES"); do
    "$WEIR" run --available-now "$dir.sql" >"$dir.log" 2>&1 &
    pid=$!
    # 20 to 400 ms: long enough to get past start-up most of the time.
    sleep "0.$(printf '%03d' $((20 + RANDOM % 380)))"
    if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
    wait "$pid" 2>/dev/null
  done
  if [[ $CYCLES -gt 0 ]]; then
    run_to_end "$dir" || fail "$backend: run after the crash loop"
    compare "$dir" "$backend: crash loop ($kills kill -9 of $CYCLES landed)"
  fi

  [[ $CRASH_POINTS -eq 1 ]] || continue
  for point in after-planned state-write after-sink after-commit; do
    bad=0
    for run in $(seq 1 "$RUNS"); do
      dir=$point-$backend-$run
      pipeline "$dir" "$backend"
      # A random epoch (one per file): each epoch passes state-write once per state
      # file it writes (a delta per partition, sometimes a snapshot), the other
      # points once.
      n=$((1 + RANDOM % FILES))
      { WEIR_CRASH_POINT="$point:$n" "$WEIR" run --available-now "$dir.sql" >"$dir.log" 2>&1; } 2>/dev/null
      rc=$?
      if [[ $rc -ne 137 ]]; then
        fail "$backend $point:$n: expected the crash point to kill weir (exit $rc)"
        tail -n 3 "$dir.log"
        bad=1
        continue
      fi
      run_to_end "$dir" || { fail "$backend $point: restart"; bad=1; continue; }
      dump "$dir" >"$dir.csv"
      if ! cmp -s golden.csv "$dir.csv"; then
        fail "$backend $point:$n: output differs from the fault-free run"
        diff golden.csv "$dir.csv" | head -n 5
        bad=1
      fi
      rm -rf "$dir" "$dir.csv"
    done
    [[ $bad -eq 0 ]] && echo "ok   $backend: kill at $point, $RUNS runs"
  done
done

if [[ $failures -gt 0 ]]; then echo "$failures failure(s)"; exit 1; fi
echo "all passed"
