#!/usr/bin/env bash
# Runs `weir bench nexmark` for every query in the four settings of RESULTS.md (the
# generator inside or pregenerated input, with or without --checkpoint) on one
# thread, q0-q2 pregenerated with one checkpoint per 10M events, then q0, q5 and q7 on
# two threads, appending one JSON line per run (plus the
# 1-minute load average and the flags) to OUT. results_tables.py turns such files
# into RESULTS.md's tables.
#
#   bench/nexmark/run_all.sh build/tools/weir/weir results.jsonl [DATA_DIR]
set -uo pipefail
WEIR=${1:?usage: run_all.sh path/to/weir out.jsonl [data-dir]}
OUT=${2:?usage: run_all.sh path/to/weir out.jsonl [data-dir]}
DATA=${3:-/tmp/weir-nexmark-bench}
# Queries whose state or output makes 10M events slow here run 2M.
heavy=" q4 q5 q7 q9 q10 q16 q18 q19 q20 "
run() {  # query events flags...
  local q=$1 n=$2
  shift 2
  local load line
  load=$(cut -d' ' -f1 /proc/loadavg)
  line=$("$WEIR" --data-dir "$DATA" bench nexmark --query "$q" --events "$n" "$@" 2>"$OUT.err")
  [[ -z "$line" ]] && line="{\"query\":\"$q\",\"error\":\"$(tr -d '"\n' <"$OUT.err")\"}"
  echo "${line%\}},\"load1\":$load,\"flags\":\"$*\"}" >>"$OUT"
}
for q in q0 q1 q2 q3 q4 q5 q7 q8 q9 q10 q11 q12 q13 q14 q15 q16 q17 q18 q19 q20 q21 q22; do
  n=10000000
  [[ "$heavy" == *" $q "* ]] && n=2000000
  run "$q" "$n"
  run "$q" "$n" --checkpoint
  run "$q" "$n" --pregenerated
  run "$q" "$n" --pregenerated --checkpoint
done
# With 1M-event epochs, pregenerated q0-q2 commit an epoch every few milliseconds, and
# the epoch's two fsynced checkpoint records outweigh its work; Flink's Nexmark
# setup checkpoints every 3 minutes. These runs checkpoint once per 10M events.
for q in q0 q1 q2; do
  run "$q" 10000000 --pregenerated --checkpoint --epoch-events 10000000
done
for q in q0 q5 q7; do
  n=10000000
  [[ "$heavy" == *" $q "* ]] && n=2000000
  run "$q" "$n" --threads 2 --checkpoint
done
rm -f "$OUT.err"
