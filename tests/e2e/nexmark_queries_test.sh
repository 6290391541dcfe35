#!/usr/bin/env bash
# The stateless Nexmark queries (bench/nexmark/queries/q0.sql, q1.sql, q2.sql) with
# `weir run --available-now` over the nexmark source, shrunk to 200,000 events: each
# exits 0 and reads the 184,000 bids of those events (46 of every 50); a second run
# continues from its checkpoint and reads nothing again. Then `weir bench nexmark`.
set -uo pipefail
WEIR=$(realpath "${1:?usage: nexmark_queries_test.sh path/to/weir}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

fail() { echo "FAIL $1"; failures=$((failures + 1)); }
# The sum of the queries' numInputRows (each line's first, before its sources') over a
# progress file.
input_rows() {
  awk 'match($0, /"numInputRows":[0-9]+/) { s += substr($0, RSTART + 15, RLENGTH - 15) }
       END { print s + 0 }' "$1"
}

for q in q0 q1 q2; do
  sed 's/events = 10000000/events = 200000/' "$ROOT/bench/nexmark/queries/$q.sql" >"$q.sql"
  if ! grep -q 'events = 200000' "$q.sql"; then fail "$q-events-option (not found)"; continue; fi
  "$WEIR" --data-dir data run --available-now --progress "$q.jsonl" "$q.sql" >out.txt 2>err.txt
  rc=$?
  rows=$(input_rows "$q.jsonl")
  if [[ $rc -eq 0 && "$rows" == "184000" ]]; then echo "ok   $q"; else
    fail "$q (rc=$rc, numInputRows=$rows)"; cat err.txt; fi
  "$WEIR" --data-dir data run --available-now --progress "$q-again.jsonl" "$q.sql" >out.txt 2>err.txt
  rc=$?
  rows=$(input_rows "$q-again.jsonl")
  if [[ $rc -eq 0 && "$rows" == "0" ]]; then echo "ok   $q-rerun-reads-nothing"; else
    fail "$q-rerun-reads-nothing (rc=$rc, numInputRows=$rows)"; cat err.txt; fi
done

# `weir bench nexmark`: one JSON line with docs/cli.md's fields; q0 reads the 92,000
# bids of 100,000 events and so does its baseline; the run's directory is removed.
json_field() { sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" <<<"$1"; }
out=$("$WEIR" --data-dir bench bench nexmark --query q0 --events 100000 2>err.txt)
rc=$?
fields_ok=1
for f in query events threads seconds events_per_sec events_per_sec_per_core output_rows \
  p50_epoch_ms p99_epoch_ms peak_rss_bytes baseline_events_per_sec ratio_to_baseline \
  flink_events_per_sec_per_core ratio_to_flink; do
  [[ -n "$(json_field "$out" "$f")" ]] || { fields_ok=0; echo "missing field $f"; }
done
if [[ $rc -eq 0 && $fields_ok -eq 1 && "$(json_field "$out" output_rows)" == "92000" &&
  "$(json_field "$out" baseline_output_rows)" == "92000" && $(wc -l <<<"$out") -eq 1 &&
  -z "$(ls bench)" ]]; then echo "ok   bench-q0"; else
  fail "bench-q0 (rc=$rc): $out"; cat err.txt; fi
# A stateful query with pregenerated events, a checkpoint on disk and two threads.
out=$("$WEIR" --data-dir bench bench nexmark --query q5 --events 200000 --threads 2 \
  --pregenerated --checkpoint 2>err.txt)
rc=$?
if [[ $rc -eq 0 && "$(json_field "$out" checkpoint)" == "true" &&
  "$(json_field "$out" pregenerated)" == "true" && "$(json_field "$out" threads)" == "2" &&
  "$(json_field "$out" output_rows)" -gt 0 && -z "$(ls bench)" ]]; then
  echo "ok   bench-q5-pregenerated-checkpoint"; else
  fail "bench-q5-pregenerated-checkpoint (rc=$rc): $out"; cat err.txt; fi
"$WEIR" --data-dir bench bench nexmark --query q6 --events 1000 >out.txt 2>err.txt
rc=$?
if [[ $rc -eq 1 ]] && grep -q "no Nexmark query 'q6'" err.txt; then echo "ok   bench-unknown-query"
else fail "bench-unknown-query (rc=$rc)"; cat err.txt; fi
"$WEIR" bench nexmark --events 1000 >out.txt 2>err.txt
rc=$?
if [[ $rc -eq 2 ]]; then echo "ok   bench-needs-query"; else fail "bench-needs-query (rc=$rc)"; fi

if [[ $failures -gt 0 ]]; then echo "$failures failure(s)"; exit 1; fi
echo "all passed"
