#!/usr/bin/env bash
# The streaming web-log example (examples/weblogs/streaming.sql) with `weir run`:
# --available-now processes the files and exits; a second run finds nothing new and
# writes nothing twice; a new file is picked up by the next run; --progress writes
# Spark-shaped progress JSON; SIGINT stops a running pipeline cleanly (exit 0).
set -uo pipefail
WEIR=$(realpath "${1:?usage: streaming_example_test.sh path/to/weir}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
failures=0
tmp=$(mktemp -d)
trap 'kill %1 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/examples/weblogs"
cp "$ROOT/examples/weblogs/weblogs.json" "$ROOT/examples/weblogs/streaming.sql" "$tmp/examples/weblogs/"
cd "$tmp" || exit 1

fail() { echo "FAIL $1"; failures=$((failures + 1)); }
count() {
  "$WEIR" sql --format csv -e "SELECT count(*) FROM json.\`weir-data/out/content_pages\`" | tail -n 1
}

"$WEIR" run --available-now --progress progress.jsonl examples/weblogs/streaming.sql >out.txt 2>err.txt
rc=$?
# 175 requests of the sample are content pages (examples/weblogs/expected.py).
if [[ $rc -eq 0 && "$(count)" == "175" ]]; then echo "ok   first-run"; else
  fail "first-run (rc=$rc, count=$(count))"; cat err.txt; fi
if grep -q '"numInputRows":400' progress.jsonl && grep -q '"batchId":0' progress.jsonl &&
   grep -q '"sink":{"description":"FileSink' progress.jsonl; then echo "ok   progress-json"; else
  fail "progress-json"; cat progress.jsonl; fi

"$WEIR" run --available-now examples/weblogs/streaming.sql >out.txt 2>err.txt
if [[ $? -eq 0 && "$(count)" == "175" ]]; then echo "ok   rerun-writes-nothing-twice"; else
  fail "rerun-writes-nothing-twice (count=$(count))"; fi

# Ten more records, four of them content pages.
head -n 10 examples/weblogs/weblogs.json >examples/weblogs/.weblogs-2.json.tmp
mv examples/weblogs/.weblogs-2.json.tmp examples/weblogs/weblogs-2.json
more=$(head -n 10 examples/weblogs/weblogs.json | grep -cE '"request":"GET [^ ]+(\.html?|/) HTTP')
"$WEIR" run --available-now examples/weblogs/streaming.sql >out.txt 2>err.txt
if [[ $? -eq 0 && "$(count)" == "$((175 + more))" ]]; then echo "ok   new-file-picked-up"; else
  fail "new-file-picked-up (count=$(count), want $((175 + more)))"; cat err.txt; fi

# A pipeline without --available-now runs until SIGINT, then exits 0.
"$WEIR" run examples/weblogs/streaming.sql >out.txt 2>err.txt &
pid=$!
sleep 1
kill -INT "$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then fail "sigint-stops (still running)"; kill -9 "$pid"; else
  wait "$pid"; rc=$?
  if [[ $rc -eq 0 ]]; then echo "ok   sigint-stops"; else fail "sigint-stops (rc=$rc)"; cat err.txt; fi
fi

if [[ $failures -gt 0 ]]; then echo "$failures failure(s)"; exit 1; fi
echo "all passed"
