#!/usr/bin/env bash
# `weir produce` and `weir run` side by side on one data dir (issue #8): a streaming
# job reads topic `in` with the log source and writes topic `out` with the log sink,
# while `weir produce` processes, one after another and two at once, append to `in`.
# Every produced record reaches `out` exactly once. One writer per partition: a
# producer of a partition that another process writes (a producer, or the job's sink)
# fails at once with exit 1 and one line naming the topic, the partition and the lock
# file. SIGTERM stops the job cleanly: exit 0, and its writer locks are free again.
# Every wait polls with a deadline; none is a fixed sleep.
set -uo pipefail
WEIR=$(realpath "${1:?usage: log_produce_run_test.sh path/to/weir}")
failures=0
tmp=$(mktemp -d)
job=
holder=
cleanup() {
  exec 7>&- 2>/dev/null
  [[ -n $holder ]] && kill -9 "$holder" 2>/dev/null
  [[ -n $job ]] && kill -9 "$job" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
D="$tmp/data"
w() { "$WEIR" --data-dir "$D" "$@"; }

ok() { echo "ok   $1"; }
fail() {
  echo "FAIL $1"
  failures=$((failures + 1))
}

# wait_for <seconds> <command...>: runs the command until it succeeds; 1 at the deadline.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS >= deadline)) && return 1
    sleep 0.05
  done
}

# lines <first> <last> <producer>: the JSON records <first>..<last> of one producer,
# written the way the job's json sink writes them.
lines() { seq -f "{\"id\":%.0f,\"producer\":\"$3\"}" "$1" "$2"; }

# second_writer <name> <topic> <partition>: a producer of a partition someone else
# writes fails at once, naming the topic, the partition and the lock file.
second_writer() {
  lines 9000 9000 intruder | w produce "$2" --partition "$3" >"$tmp/sw.out" 2>"$tmp/sw.err"
  local rc=$?
  if [[ $rc -eq 1 && $(wc -l <"$tmp/sw.err") -eq 1 ]] &&
    grep -q "topic '$2' partition $3 already has a writer" "$tmp/sw.err" &&
    grep -q "$D/topics/$2/$3/writer.lock" "$tmp/sw.err"; then
    ok "$1"
  else
    fail "$1 (exit $rc, want 1), stderr:"
    cat "$tmp/sw.err"
  fi
}

w topic create in --partitions 2 >/dev/null || exit 1
w topic create out --partitions 2 >/dev/null || exit 1
cat >"$tmp/job.sql" <<'EOF'
CREATE SOURCE events (id BIGINT, producer STRING)
WITH (connector = 'log', topic = 'in', format = 'json');
CREATE SINK copied WITH (connector = 'log', topic = 'out', format = 'json');
INSERT INTO copied SELECT id, producer FROM events;
EOF
# Background processes are started directly, not through w(), so that $! is weir's pid.
"$WEIR" --data-dir "$D" run "$tmp/job.sql" >"$tmp/job.out" 2>"$tmp/job.err" &
job=$!

# out_has <n>: `out` holds at least n records.
out_has() { [[ $(w consume out | wc -l) -ge $1 ]]; }

# Four producers one after another (each input goes to one partition, sticky), then
# two at once, one per partition. The job is seen running (it copied the first
# producer's records) before the others start.
: >"$tmp/expected"
for p in 1 2 3 4; do
  lines $((p * 100)) $((p * 100 + 49)) "p$p" | tee -a "$tmp/expected" | w produce in ||
    fail "produce p$p (exit $?)"
  if [[ $p -eq 1 ]] && ! wait_for 60 out_has 50; then
    fail "the job copied nothing within 60 s; its stderr:"
    cat "$tmp/job.err"
  fi
done
lines 500 749 p5 >"$tmp/p5"
lines 750 999 p6 >"$tmp/p6"
cat "$tmp/p5" "$tmp/p6" >>"$tmp/expected"
"$WEIR" --data-dir "$D" produce in --partition 0 <"$tmp/p5" &
p5=$!
"$WEIR" --data-dir "$D" produce in --partition 1 <"$tmp/p6" &
p6=$!
wait "$p5" || fail "concurrent produce p5 (exit $?)"
wait "$p6" || fail "concurrent produce p6 (exit $?)"

# A producer that holds partition 0 of `in` (its stdin stays open), and a second one.
mkfifo "$tmp/fifo"
"$WEIR" --data-dir "$D" produce in --partition 0 <"$tmp/fifo" 2>"$tmp/holder.err" &
holder=$!
exec 7>"$tmp/fifo"
lines 1000 1000 holder | tee -a "$tmp/expected" >&7
has_holder_record() { w consume in --partition 0 | grep -q '"id":1000,'; }
if wait_for 30 has_holder_record; then
  second_writer second-producer-of-a-partition-fails in 0
else
  fail "holder's record never appeared in 'in'"
fi
exec 7>&-
if wait "$holder"; then ok holder-exits-cleanly; else
  fail "holder-exits-cleanly (exit $?)"
  cat "$tmp/holder.err"
fi
holder=

expected_count=$(wc -l <"$tmp/expected")
if wait_for 60 out_has "$expected_count"; then ok "job-copied-$expected_count-records"; else
  fail "job copied $(w consume out | wc -l) of $expected_count records; job stderr:"
  cat "$tmp/job.err"
fi
w consume out | sort >"$tmp/got"
sort "$tmp/expected" >"$tmp/want"
if cmp -s "$tmp/got" "$tmp/want"; then ok every-record-exactly-once; else
  fail "every-record-exactly-once: duplicated $(uniq -d "$tmp/got" | wc -l), diff:"
  diff "$tmp/want" "$tmp/got" | head -20
fi

# The job's sink holds the writer locks of `out` while it runs.
second_writer producer-beside-the-sink-fails out 1

kill -TERM "$job"
stopped() { ! kill -0 "$job" 2>/dev/null; }
if wait_for 30 stopped; then
  wait "$job"
  rc=$?
  if [[ $rc -eq 0 ]]; then ok sigterm-stops-the-job; else
    fail "sigterm-stops-the-job (exit $rc), stderr:"
    cat "$tmp/job.err"
  fi
else
  fail "sigterm-stops-the-job (still running)"
fi
job=
# Its locks are released: `out` takes a producer now, and nothing was appended since.
if lines 2000 2000 after | w produce out --partition 1 2>"$tmp/after.err"; then
  ok locks-released-after-the-job
else
  fail "locks-released-after-the-job: $(cat "$tmp/after.err")"
fi
check_count=$(w consume out | wc -l)
if [[ $check_count -eq $((expected_count + 1)) ]]; then ok nothing-written-after-the-stop; else
  fail "nothing-written-after-the-stop ($check_count records, want $((expected_count + 1)))"
fi

if [[ $failures -gt 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all passed"
