#!/usr/bin/env python3
"""Writes weblogs.json, the small web log sample the batch-analysis example reads.

Deterministic (fixed seed): rerunning it rewrites the same file. Records look like the
NASA HTTP logs the Spark streaming book analyses: host, timestamp, request,
http_reply, bytes (null for replies without a body).
"""
import json
import random

rng = random.Random(7)
hosts = ["in24.inetnebr.com", "uplherc.upl.com", "ix-esc-ca2-07.ix.netcom.com",
         "slppp6.intermind.net", "piweba4y.prodigy.com", "133.43.96.45"]
pages = ["/shuttle/missions/sts-68/news/sts-68-mcc-05.txt", "/history/apollo/",
         "/images/NASA-logosmall.gif", "/shuttle/countdown/", "/images/KSC-logosmall.gif",
         "/shuttle/countdown/countdown.html", "/history/history.html", "/cgi-bin/imagemap/countdown?99,176",
         "/ksc.html", "/images/MOSAIC-logosmall.gif"]
weights = [2, 3, 9, 4, 7, 5, 2, 1, 6, 5]
replies = [200] * 8 + [304, 304, 404, 500]

records = []
t = 807235200  # 1995-08-01T00:00:00Z
for i in range(400):
    t += rng.randint(0, 2600)
    page = rng.choices(pages, weights)[0]
    method = "POST" if rng.random() < 0.05 else "GET"
    reply = rng.choice(replies)
    day = 1 + (t - 807235200) // 86400
    ts = "1995-08-%02dT%02d:%02d:%02d.000Z" % (day, (t // 3600) % 24, (t // 60) % 60, t % 60)
    rec = {"host": rng.choice(hosts), "timestamp": ts,
           "request": "%s %s HTTP/1.0" % (method, page), "http_reply": reply,
           "bytes": None if reply == 304 else rng.randint(0, 60000)}
    records.append(rec)

with open("weblogs.json", "w") as f:
    for r in records:
        f.write(json.dumps(r, separators=(",", ":")) + "\n")
