#!/usr/bin/env bash
# The embedded log through the real binary: topic create/list/describe/compact/delete,
# produce from stdin with Kafka-compatible key placement, consume as values and as
# JSON with offsets and partitions, follow, one writer per partition, and the exit
# codes of errors (1 for a failure such as an unknown topic, 2 for usage).
set -uo pipefail
WEIR=${1:?usage: log_cli_test.sh path/to/weir}
failures=0
tmp=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null; rm -rf "$tmp"' EXIT
D="$tmp/data"

# check <name> <actual> <expected>
check() {
  if [[ "$2" == "$3" ]]; then
    echo "ok   $1"
  else
    echo "FAIL $1: got"; echo "$2"; echo "want"; echo "$3"; failures=$((failures + 1))
  fi
}

# fails <name> <exit code> <stderr pattern> -- <args...>: one line on stderr.
fails() {
  local name=$1 want_rc=$2 pattern=$3
  shift 4
  "$WEIR" --data-dir "$D" "$@" <"${STDIN:-/dev/null}" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [[ $rc -ne $want_rc ]] || ! grep -qE -- "$pattern" "$tmp/err" || [[ $(wc -l <"$tmp/err") -ne 1 ]]; then
    echo "FAIL $name: exit $rc (want $want_rc), stderr:"; cat "$tmp/err"; failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}

w() { "$WEIR" --data-dir "$D" "$@"; }

check create "$(w topic create clicks --partitions 3 --retention 60d)" "created topic 'clicks' with 3 partitions"
w topic create views >/dev/null
check list "$(w topic list)" "$(printf 'clicks\nviews')"
check describe-config "$(w topic describe clicks | sed -n '1,3p;4p')" \
  "$(printf 'topic: clicks\npartitions: 3\ndurability: fsync\nretention: 60d')"

# Keys land where Kafka's default partitioner puts them: murmur2 % 3 gives
# carol -> 2, dave -> 1, k2 -> 0.
printf 'c1\nc2\n' | w produce clicks --key carol
printf 'd1\n' | w produce clicks --key dave
printf '{"user":"k2","n":1}\n{"user":"carol","n":2}\n' | w produce clicks --key-field user
check produce-rc "$?" "0"
check consume-p2 "$(w consume clicks --partition 2)" "$(printf 'c1\nc2\n{"user":"carol","n":2}')"
check consume-p1-json "$(w consume clicks --partition 1 --format json | sed 's/"timestamp":[0-9]*/"timestamp":T/')" \
  '{"topic":"clicks","partition":1,"offset":0,"timestamp":T,"key":"dave","value":"d1","headers":[]}'
check consume-offset "$(w consume clicks --partition 2 --offset 1 --max 1 --format json | grep -o '"partition":2,"offset":1')" \
  '"partition":2,"offset":1'
check consume-all-count "$(w consume clicks | wc -l)" "5"
check consume-max "$(w consume clicks --max 2 | wc -l)" "2"
check describe-offsets "$(w topic describe clicks | awk '$1 ~ /^[0-9]+$/ {print $1, $2, $3}')" \
  "$(printf '0 0 1\n1 0 1\n2 0 3')"

# Without a key, a whole input goes to one partition (sticky); explicit --partition wins.
seq 1 1000 | w produce views
check thousand "$(w consume views | tail -1)" "1000"
printf 'x\n' | w produce clicks --partition 0
check explicit-partition "$(w consume clicks --partition 0 --offset 1)" "x"

# --acks prints "<partition> <offset>" per appended record. --idempotent: a restarted
# producer that resends lines the log already holds acknowledges them at their
# offsets and appends only the rest.
w topic create ids >/dev/null
check acks "$(printf 'a0\na1\na2\n' | w produce ids --acks --idempotent --producer-id 5)" \
  "$(printf '0 0\n0 1\n0 2')"
check acks-resend "$(printf 'a1\na2\na3\na4\n' | w produce ids --acks --idempotent --producer-id 5 --first-sequence 1)" \
  "$(printf '0 1\n0 2\n0 3\n0 4')"
check acks-log "$(w consume ids | tr '\n' ' ')" "a0 a1 a2 a3 a4 "
check acks-plain "$(printf 'p\n' | w produce views --acks)" "0 1000"
printf 'a9\n' >"$tmp/a9"
STDIN="$tmp/a9" fails idempotent-gap 1 "OutOfOrderSequence: producer 5 epoch 0 sent sequence 9, expected 5" \
  -- produce ids --idempotent --producer-id 5 --first-sequence 9
fails idempotent-needs-id 2 "producer-id" -- produce ids --idempotent
fails idempotent-needs-partition 2 "--idempotent needs --partition: topic 'clicks' has 3 partitions" \
  -- produce clicks --idempotent --producer-id 5

# --follow prints what a writer appends while it waits.
w consume views --follow --max 2 >"$tmp/follow" &
follower=$!
sleep 0.5
printf 'late1\nlate2\n' | w produce views
wait $follower
check follow "$(cat "$tmp/follow")" "$(printf 'late1\nlate2')"

# One writer per partition: a producer holding partition 0 blocks a second one.
mkfifo "$tmp/fifo"
w produce clicks --partition 0 <"$tmp/fifo" &
holder=$!
exec 3>"$tmp/fifo"
echo held >&3
for _ in $(seq 50); do
  [[ "$(w consume clicks --partition 0 | tail -1)" == held ]] && break
  sleep 0.1
done
echo more >"$tmp/more"
STDIN="$tmp/more" fails second-writer 1 "topic 'clicks' partition 0 already has a writer.*clicks/0/writer.lock" -- produce clicks --partition 0
fails delete-while-writing 1 "partition 0 has a writer" -- topic delete clicks
exec 3>&-
wait $holder
check holder-rc "$?" "0"

fails unknown-topic-consume 1 "^weir: unknown topic 'nope'$" -- consume nope
fails unknown-topic-produce 1 "^weir: unknown topic 'nope'$" -- produce nope
fails unknown-topic-describe 1 "^weir: unknown topic 'nope'$" -- topic describe nope
fails exists 1 "already exists" -- topic create clicks
fails bad-name 2 "only ASCII letters" -- topic create 'a/b'
fails bad-partitions 2 "partitions" -- topic create t --partitions 0
fails bad-retention 2 "retention" -- topic create t --retention soon
fails bad-durability 2 "durability" -- topic create t --durability sometimes
fails offset-needs-partition 2 "--offset needs --partition" -- consume clicks --offset 3
fails key-and-key-field 2 "excludes" -- produce clicks --key a --key-field b
fails partition-out-of-range 2 "has partitions 0 to 2" -- consume clicks --partition 7
fails bad-format 2 "format" -- consume clicks --format xml
printf 'not json\n' >"$tmp/bad"
"$WEIR" --data-dir "$D" produce clicks --key-field user <"$tmp/bad" >/dev/null 2>"$tmp/err"
check bad-json-rc "$?" "1"

# topic compact: the latest value per key survives in sealed segments. Segments of
# 100 bytes hold one batch each, so every produce below seals the one before.
w topic create ceos --compact --segment-bytes 100 >/dev/null
for kv in acme:alice globex:gina acme:bob initech:ian acme:carol globex:hank umbrella:uma; do
  printf '%s\n' "${kv#*:}" | w produce ceos --key "${kv%%:*}"
done
check compact-before "$(w consume ceos | tr '\n' ' ')" "alice gina bob ian carol hank uma "
check compact "$(w topic compact ceos | awk 'NR == 1 {print $1, $3} NR > 1 {print $1, $3}')" \
  "$(printf 'partition records-removed\n0 3')"
# alice and bob are superseded by carol, gina by hank; uma is in the active segment.
check compact-after "$(w consume ceos --format json | sed -E 's/.*"offset":([0-9]+).*"value":"([^"]*)".*/\1:\2/' | tr '\n' ' ')" \
  "3:ian 4:carol 5:hank 6:uma "
check compact-again "$(w topic compact ceos | awk 'NR > 1 {print $1, $2, $3}')" "0 0 0"
fails compact-delete-policy 1 "topic 'views' has cleanup policy delete" -- topic compact views
fails compact-unknown 1 "^weir: unknown topic 'nope'$" -- topic compact nope

check delete "$(w topic delete clicks)" "deleted topic 'clicks'"
check list-after-delete "$(w topic list)" "$(printf 'ceos\nids\nviews')"
fails consume-deleted 1 "unknown topic 'clicks'" -- consume clicks

if [[ $failures -ne 0 ]]; then
  echo "$failures log CLI check(s) failed"
  exit 1
fi
