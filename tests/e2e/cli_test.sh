#!/usr/bin/env bash
# The weir CLI's contract: --help and --version succeed, a command's --help
# succeeds, unknown commands and flags give a one-line error and exit code 2, and
# --data-dir is accepted before or after the command name.
set -uo pipefail
WEIR=${1:?usage: cli_test.sh path/to/weir}
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect <name> <exit code> <stdout|stderr> <grep pattern> -- <args...>
expect() {
  local name=$1 want_rc=$2 stream=$3 pattern=$4
  shift 5
  "$WEIR" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [[ $rc -ne $want_rc ]]; then
    echo "FAIL $name: exit code $rc, want $want_rc (args: $*)"; cat "$tmp/err"; failures=$((failures + 1)); return
  fi
  if ! grep -qE -- "$pattern" "$tmp/$stream"; then
    echo "FAIL $name: $stream does not match /$pattern/ (args: $*)"; cat "$tmp/$stream"; failures=$((failures + 1)); return
  fi
  echo "ok   $name"
}

# one_line <name>: the last command's stderr is exactly one line.
one_line() {
  local lines
  lines=$(wc -l <"$tmp/err")
  if [[ $lines -ne 1 ]]; then
    echo "FAIL $1: stderr has $lines lines, want 1"; cat "$tmp/err"; failures=$((failures + 1))
  else
    echo "ok   $1"
  fi
}

expect help 0 out '^Usage: weir' -- --help
expect help-lists-demo 0 out 'demo' -- --help
expect help-lists-data-dir 0 out '--data-dir' -- --help
expect version 0 out '^weir [0-9]+\.[0-9]+\.[0-9]+$' -- --version
expect command-help 0 out '--rows' -- demo --help
expect no-command-prints-help 0 out '^Usage: weir' --

expect unknown-command 2 err "^weir: unknown command 'frobnicate'" -- frobnicate
one_line unknown-command-one-line
expect unknown-flag 2 err "^weir: .*--no-such-flag" -- --no-such-flag
one_line unknown-flag-one-line
expect unknown-command-flag 2 err "^weir: .*--bogus" -- demo --bogus
one_line unknown-command-flag-one-line
expect bad-flag-value 2 err "^weir: .*rows" -- demo --rows lots
one_line bad-flag-value-one-line
expect missing-flag-value 2 err "^weir: " -- --data-dir
one_line missing-flag-value-one-line

expect data-dir-before 0 out 'weir demo' -- --data-dir "$tmp/d1" demo --rows 3
expect data-dir-after 0 out 'weir demo' -- demo --rows 3 --data-dir "$tmp/d2"

# The demo: the sample's printSchema() tree, a streaming query from topic `weblogs` to
# topic `weblog_errors` in epochs of at most 250 records, a second query reading the
# errors back, and show() tables of the result.
expect demo-schema 0 out '^ \|-- http_reply: integer \(nullable = false\)$' -- demo --rows 50 --show 5
expect demo-epochs 0 out '^  query weblog_errors, epoch 3: ' -- --data-dir "$tmp/d3" demo --rows 1000 --show 5
expect demo-summary 0 out '^\|http_reply\|errors\|$' -- --data-dir "$tmp/d3" demo --rows 1000 --show 5
expect demo-footer 0 out '^only showing top 5 rows$' -- --data-dir "$tmp/d3" demo --rows 1000 --show 5
# The errors the streaming queries counted equal the error records in the topic, as
# `weir consume` (which knows nothing of queries) shows them.
"$WEIR" --data-dir "$tmp/d3" demo --rows 1000 --show 0 >"$tmp/out" 2>"$tmp/err"
counted=$(grep -E '^\|[ ]+[45][0-9][0-9]\|' "$tmp/out" | awk -F'|' '{s += $3} END {print s}')
in_topic=$("$WEIR" --data-dir "$tmp/d3/demo" consume weblogs --from-beginning | grep -cE '"http_reply":[45][0-9][0-9]')
if [[ -n "$counted" && "$counted" == "$in_topic" && "$in_topic" -gt 0 ]]; then
  echo "ok   demo-errors-exactly-once ($counted)"
else
  echo "FAIL demo-errors-exactly-once: counted $counted, topic has $in_topic"; failures=$((failures + 1))
fi

if [[ $failures -ne 0 ]]; then
  echo "$failures CLI check(s) failed"
  exit 1
fi
