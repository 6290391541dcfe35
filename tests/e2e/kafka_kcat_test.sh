#!/usr/bin/env bash
# Interop with a Kafka client that is not weir (issue #9): kcat (Debian's) produces into
# a librdkafka mock cluster running in its own process (kafka_mock_cluster); `weir run`
# reads the topic with the kafka source, filters it and writes another topic with the
# kafka sink; kcat consumes weir's output (read_committed) and sees exactly the
# expected records, with their keys and weir's epoch headers. `weir sql` reads a range
# of the input topic in batch (startingOffsets/endingOffsets).
#
# Usage: kafka_kcat_test.sh path/to/weir path/to/kafka_mock_cluster
set -uo pipefail
WEIR=$(realpath "${1:?usage: kafka_kcat_test.sh path/to/weir path/to/kafka_mock_cluster}")
MOCK=$(realpath "${2:?usage: kafka_kcat_test.sh path/to/weir path/to/kafka_mock_cluster}")
command -v kcat >/dev/null || { echo "kcat is not installed (apt-get install kcat)"; exit 1; }
failures=0
tmp=$(mktemp -d)
mock=
cleanup() {
  [[ -n $mock ]] && kill "$mock" 2>/dev/null
  wait 2>/dev/null
  [[ -n "${KEEP:-}" ]] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp" || exit 1
ok() { echo "ok   $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }

mkfifo cluster.in
"$MOCK" clicks:2 errors:1 <cluster.in >cluster.out 2>cluster.err &
mock=$!
exec 7>cluster.in
for _ in $(seq 1 100); do [[ -s cluster.out ]] && break; sleep 0.05; done
BS=$(head -n 1 cluster.out)
[[ -n $BS ]] || { echo "the mock cluster did not start: $(cat cluster.err)"; exit 1; }

# 40 clicks into partition 0 and 1 alternately, keyed by user, every 4th a 500.
for i in $(seq 0 39); do
  status=200
  ((i % 4 == 3)) && status=500
  printf 'u%d\t{"user":"u%d","url":"/p%d","status":%d}\n' $((i % 5)) $((i % 5)) "$i" "$status" |
    kcat -b "$BS" -P -t clicks -p $((i % 2)) -K '\t' || fail "kcat produce $i"
done

cat >job.sql <<EOF
CREATE SOURCE clicks (user STRING, url STRING, status INT)
WITH (connector = 'kafka', 'kafka.bootstrap.servers' = '$BS', subscribe = 'clicks',
      startingOffsets = 'earliest', format = 'json');
CREATE SINK errors WITH (connector = 'kafka', 'kafka.bootstrap.servers' = '$BS',
                         topic = 'errors', checkpointLocation = 'ckpt');
INSERT INTO errors
SELECT user AS key, concat(url, ' ', CAST(status AS STRING)) AS value
FROM clicks WHERE status >= 500;
EOF
if "$WEIR" --data-dir data run --available-now job.sql >job.log 2>&1; then
  ok "weir run from kcat's topic to another"
else
  fail "weir run exited $?: $(tail -n 3 job.log)"
fi

# kcat reads weir's output: key, value and the epoch header of every record.
kcat -b "$BS" -C -t errors -e -q -X isolation.level=read_committed -f '%k %s|%h\n' >out.txt
sort out.txt | cut -d'|' -f1 >got.txt
for i in $(seq 3 4 39); do echo "u$((i % 5)) /p$i 500"; done | sort >want.txt
if cmp -s want.txt got.txt; then
  ok "kcat consumes weir's 10 records exactly"
else
  fail "kcat read other records:"
  diff want.txt got.txt | head
fi
if grep -q 'weir.epoch=0' out.txt && [[ $(grep -c 'weir.commit=weir-errors-0' out.txt) -ge 1 ]]; then
  ok "weir's records carry weir.epoch, the last one weir.commit"
else
  fail "headers: $(head -n 2 out.txt)"
fi

# Running again with nothing new writes nothing.
"$WEIR" --data-dir data run --available-now job.sql >job2.log 2>&1 || fail "rerun: $(tail -n 3 job2.log)"
n=$(kcat -b "$BS" -C -t errors -e -q -f '%o\n' | wc -l)
[[ $n -eq 10 ]] && ok "a rerun writes nothing again" || fail "after a rerun the topic has $n records"

# A batch read of a range: partition 0 offsets 2..5, partition 1 from its start to 3.
"$WEIR" --data-dir data sql --format csv -e "
CREATE SOURCE slice WITH (connector = 'kafka', 'kafka.bootstrap.servers' = '$BS',
  subscribe = 'clicks', startingOffsets = '{\"clicks\":{\"0\":2,\"1\":-2}}',
  endingOffsets = '{\"clicks\":{\"0\":6,\"1\":3}}');
SELECT \`partition\`, \`offset\`, CAST(key AS STRING) AS k FROM slice ORDER BY 1, 2;
" >batch.txt 2>&1
printf 'partition,offset,k\n0,2,u4\n0,3,u1\n0,4,u3\n0,5,u0\n1,0,u1\n1,1,u3\n1,2,u0\n' >batch.want
if cmp -s batch.want batch.txt; then
  ok "weir sql reads a topic range in batch"
else
  fail "weir sql batch read:"
  diff batch.want batch.txt | head
fi

if [[ $failures -gt 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all passed"
