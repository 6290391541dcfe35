#!/usr/bin/env bash
# The stateless Nexmark queries (bench/nexmark/queries/q0.sql, q1.sql, q2.sql) with
# `weir run --available-now` over the nexmark source, shrunk to 200,000 events: each
# exits 0 and reads the 184,000 bids of those events (46 of every 50); a second run
# continues from its checkpoint and reads nothing again.
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

if [[ $failures -gt 0 ]]; then echo "$failures failure(s)"; exit 1; fi
echo "all passed"
