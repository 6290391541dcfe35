#!/usr/bin/env python3
"""Computes the answers of analysis.sql over weblogs.json with plain Python, as an
independent check of weir's results (tests/sql/weblogs_example.slt holds its output).
"""
import collections
import json
import re

rows = [json.loads(line) for line in open("weblogs.json")]
print("records", len(rows))

per_day = collections.defaultdict(collections.Counter)
for r in rows:
    m = re.match(r"^GET (\S+) HTTP", r["request"])
    if m:
        per_day[int(r["timestamp"][8:10])][m.group(1)] += 1
for day in sorted(per_day):
    url, hits = sorted(per_day[day].items(), key=lambda kv: (-kv[1], kv[0]))[0]
    print(day, url, hits, sep="\t")

pages = collections.Counter()
for r in rows:
    m = re.match(r"^GET (\S+(\.html?|/)) HTTP", r["request"])
    if m:
        pages[m.group(1)] += 1
for page, hits in sorted(pages.items(), key=lambda kv: (-kv[1], kv[0])):
    print(page, hits, sep="\t")
