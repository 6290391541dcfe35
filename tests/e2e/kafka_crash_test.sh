#!/usr/bin/env bash
# Exactly-once from Kafka to Kafka through kill -9 (issue #9; docs/connectors.md,
# "kafka").
#
# A librdkafka mock cluster runs in a process of its own (kafka_mock_cluster), so it
# outlives the weir processes the test kills. kcat produces EVENTS JSON events into
# topic `in`; a windowed aggregation with a watermark reads them with the kafka source
# (maxOffsetsPerTrigger, so that the run takes 800 epochs) and writes its windows with the
# exactly-once kafka sink. The test runs it once without faults into topic `golden`,
# then CYCLES times (default 30) starts `weir run --available-now` into topic `out`
# with its own checkpoint and kills it with kill -9 after a random delay, and finally
# runs it to the end. A read_committed consumer (kcat) must then see in `out` exactly
# the records of `golden` (as sorted key/value lines; the order of records across
# partitions is not defined).
#
# Usage: kafka_crash_test.sh path/to/weir path/to/kafka_mock_cluster [backend]
#   EVENTS (40000), CYCLES (30); backend: the state store (memory by default).
set -uo pipefail
WEIR=$(realpath "${1:?usage: kafka_crash_test.sh path/to/weir path/to/kafka_mock_cluster}")
MOCK=$(realpath "${2:?usage: kafka_crash_test.sh path/to/weir path/to/kafka_mock_cluster}")
BACKEND=${3:-memory}
EVENTS=${EVENTS:-40000}
CYCLES=${CYCLES:-30}
command -v kcat >/dev/null || { echo "kcat is not installed (apt-get install kcat)"; exit 1; }
failures=0
tmp=$(mktemp -d)
mock=
cleanup() {
  [[ -n $mock ]] && kill "$mock" 2>/dev/null
  kill -9 $(jobs -p) 2>/dev/null
  wait 2>/dev/null
  [[ -n "${KEEP:-}" ]] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp" || exit 1
fail() { echo "FAIL $1"; failures=$((failures + 1)); }

# The cluster; its stdin stays open (fd 7) for as long as the test runs.
mkfifo cluster.in
"$MOCK" in:3 golden:2 out:2 <cluster.in >cluster.out 2>cluster.err &
mock=$!
exec 7>cluster.in
for _ in $(seq 1 100); do [[ -s cluster.out ]] && break; sleep 0.05; done
BS=$(head -n 1 cluster.out)
[[ -n $BS ]] || { echo "the mock cluster did not start: $(cat cluster.err)"; exit 1; }

# Events: one per 10 ms of event time, keys k0..k49, every 89th one 2 s late (the
# watermark allows 5), keyed so that kcat spreads them over the partitions.
awk -v events="$EVENTS" 'BEGIN {
  for (i = 0; i < events; ++i) {
    t = i * 10; if (i % 89 == 0 && t >= 2000) t -= 2000;
    printf("k%d\t{\"ts\":\"2024-07-01 %02d:%02d:%02d.%03d\",\"key\":\"k%d\",\"v\":%d}\n",
           i % 50, int(t / 3600000), int(t / 60000) % 60, int(t / 1000) % 60, t % 1000,
           i % 50, i % 13);
  }
}' | kcat -b "$BS" -P -t in -K '\t' -X enable.idempotence=true || { echo "kcat produce failed"; exit 1; }

# pipeline <name> <topic>: the query, writing <topic> with checkpoint <name>/checkpoint.
pipeline() {
  cat >"$1.sql" <<EOF
SET weir.state.backend = $BACKEND;
SET spark.sql.shuffle.partitions = 2;
CREATE SOURCE events (ts TIMESTAMP, key STRING, v INT,
                      WATERMARK FOR ts AS ts - INTERVAL 5 SECONDS)
WITH (connector = 'kafka', 'kafka.bootstrap.servers' = '$BS', subscribe = 'in',
      startingOffsets = 'earliest', format = 'json', maxOffsetsPerTrigger = '50');
CREATE SINK windows WITH (connector = 'kafka', 'kafka.bootstrap.servers' = '$BS',
                          topic = '$2', checkpointLocation = '$1/checkpoint',
                          output_mode = 'append', queryName = '$1');
INSERT INTO windows
SELECT concat(key, '@', CAST(window.start AS STRING)) AS key,
       to_json(named_struct('start', CAST(window.start AS STRING), 'key', key,
                            'n', count(*), 'total', sum(v))) AS value
FROM events GROUP BY window(ts, '10 seconds'), key;
EOF
}

run_to_end() { # <name>
  local rc
  for _ in 1 2 3; do
    "$WEIR" --data-dir "$1/data" run --available-now "$1.sql" >"$1.log" 2>&1
    rc=$?
    [[ $rc -eq 0 ]] && return 0
  done
  echo "weir run exited $rc:"
  tail -n 5 "$1.log"
  return 1
}

# The topic as a read_committed consumer sees it: sorted "key<TAB>value" lines.
dump() {
  kcat -b "$BS" -C -t "$1" -e -q -X isolation.level=read_committed -f '%k\t%s\n' | sort
}

pipeline golden golden
start=$SECONDS
run_to_end golden || fail "golden run"
dump golden >golden.txt
windows=$(wc -l <golden.txt)
echo "golden: $EVENTS events, $windows windows in $((SECONDS - start)) s"
[[ $windows -ge 1000 ]] || fail "the golden output has only $windows windows"
[[ $(sort -u golden.txt | wc -l) -eq $windows ]] || fail "the golden output repeats a window"

pipeline loop out
kills=0
for cycle in $(seq 1 "$CYCLES"); do
  "$WEIR" --data-dir loop/data run --available-now loop.sql >>loop.log 2>&1 &
  pid=$!
  # 0.2 to 0.8 s: some kills land before the run's first commit, most in the middle
  # of an epoch (~30 ms each), so that the loop covers part of the 800 epochs.
  sleep "0.$(printf '%03d' $((200 + RANDOM % 600)))"
  if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null
  last=$(ls loop/checkpoint/commits 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -n 1)
  echo "cycle $cycle: epoch ${last:-none} committed last" >>cycles.txt
done
mid=$(dump out | wc -l)
run_to_end loop || fail "run after the crash loop"
dump out >out.txt
if cmp -s golden.txt out.txt; then
  echo "ok   $kills kill -9 of $CYCLES landed ($mid of $windows windows written before the last" \
    "run, $(tail -n 1 cycles.txt)); a read_committed consumer sees exactly the fault-free output"
else
  fail "after $kills kill -9: the output differs from the fault-free run" \
    "($(wc -l <out.txt) records, want $windows; $(sort out.txt | uniq -d | wc -l) repeated)"
  diff golden.txt out.txt | head -n 10
fi

if [[ $failures -gt 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all passed"
