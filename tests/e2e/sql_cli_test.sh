#!/usr/bin/env bash
# `weir sql` as a process: -e and -f scripts, --format table|csv|json, errors on
# stderr with the position and a caret, exit codes, piped statements, and the
# weblogs example run from the repository root.
set -uo pipefail
WEIR=$(realpath "${1:?usage: sql_cli_test.sh path/to/weir}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL $1"; failures=$((failures + 1)); }

# run <args...>: runs weir in $tmp, output in $tmp/out and $tmp/err, exit code in $rc.
run() { (cd "$tmp" && "$WEIR" --data-dir "$tmp/data" "$@" >"$tmp/out" 2>"$tmp/err"); rc=$?; }

# same <name> <file> <expected text>
same() {
  if [[ "$(cat "$2")" == "$3" ]]; then echo "ok   $1"; else
    fail "$1"; echo "--- want"; echo "$3"; echo "--- got"; cat "$2"; fi
}

run sql -e "SELECT 1 AS a, 'x' AS b"
same table "$tmp/out" "+---+---+
|  a|  b|
+---+---+
|  1|  x|
+---+---+"

run sql --format csv -e "SELECT 1 AS a, 'x,y' AS b, NULL AS c, 2.50 AS d UNION ALL SELECT 2, 'q\"q', 'n', 1"
same csv "$tmp/out" 'a,b,c,d
1,"x,y",NULL,2.50
2,"q""q",n,1.00'

run sql --format json -e "SELECT 1 AS a, 'x' AS b, NULL AS c"
same json "$tmp/out" '{"a":1,"b":"x"}'

run sql -e "CREATE TEMPORARY VIEW v AS SELECT * FROM VALUES (1), (2), (3) AS v(n); SELECT sum(n) AS s FROM v"
same script-keeps-views "$tmp/out" "+---+
|  s|
+---+
|  6|
+---+"

run sql -e "SELECT 1 AS ok;
SELECT reqest FROM VALUES ('GET /') AS t(request)"
if [[ $rc -eq 1 ]] && grep -q 'line 2, column 8' "$tmp/err" && grep -q '^         \^$' "$tmp/err" &&
   grep -q "hint: did you mean 'request'" "$tmp/err" && grep -q '| ok|' "$tmp/out"; then
  echo "ok   error-with-position-caret-and-hint"
else
  fail "error-with-position-caret-and-hint (rc=$rc)"; cat "$tmp/out" "$tmp/err"
fi

run sql -e "SELEC 1"
if [[ $rc -eq 1 ]] && grep -q 'PARSE_SYNTAX_ERROR' "$tmp/err"; then echo "ok   syntax-error"; else
  fail "syntax-error (rc=$rc)"; cat "$tmp/err"; fi

printf 'SELECT 40 + 2 AS answer;\n' >"$tmp/q.sql"
run sql --format csv -f "$tmp/q.sql"
same file "$tmp/out" "answer
42"

(cd "$tmp" && printf 'SELECT 7 AS n;\n' | "$WEIR" sql --format csv >"$tmp/out" 2>"$tmp/err")
same piped "$tmp/out" "n
7"

run sql -f "$tmp/missing.sql"
if [[ $rc -eq 1 ]] && grep -q 'cannot read' "$tmp/err"; then echo "ok   missing-file"; else
  fail "missing-file (rc=$rc)"; fi

# The book's batch analysis, as docs/getting-started.md tells users to run it.
(cd "$ROOT" && "$WEIR" --data-dir "$tmp/data" sql --format csv -f examples/weblogs/analysis.sql >"$tmp/out" 2>"$tmp/err")
rc=$?
if [[ $rc -eq 0 ]] && grep -q '^400$' "$tmp/out" && grep -q '^3,/images/NASA-logosmall.gif,16$' "$tmp/out" &&
   grep -q '^/shuttle/countdown/countdown.html,53$' "$tmp/out"; then
  echo "ok   weblogs-example"
else
  fail "weblogs-example (rc=$rc)"; cat "$tmp/out" "$tmp/err"
fi

if [[ $failures -gt 0 ]]; then echo "$failures failure(s)"; exit 1; fi
echo "all passed"
