-- The batch analysis of a web log sample, as the streaming book starts it: look at a
-- sample with SQL first, then turn the same SQL into a stream.
-- Run: weir sql -f examples/weblogs/analysis.sql   (from the repository root)

CREATE TEMPORARY VIEW logs (
  host STRING, timestamp TIMESTAMP, request STRING, http_reply INT, bytes BIGINT
) USING json OPTIONS (path 'examples/weblogs/weblogs.json');

-- How many records.
SELECT count(*) AS records FROM logs;

-- The most requested URL of each day (ties broken by URL).
WITH urls AS (
  SELECT dayofmonth(timestamp) AS day,
         regexp_extract(request, '^GET (\\S+) HTTP', 1) AS url
  FROM logs
), hits AS (
  SELECT day, url, count(*) AS hits FROM urls WHERE url <> '' GROUP BY day, url
)
SELECT day, url, hits
FROM (SELECT *, row_number() OVER (PARTITION BY day ORDER BY hits DESC, url) AS rank FROM hits)
WHERE rank = 1
ORDER BY day;

-- Content pages only (HTML pages and directory indexes, not images or scripts),
-- most requested first.
SELECT regexp_extract(request, '^GET (\\S+(\\.html?|/)) HTTP', 1) AS page, count(*) AS hits
FROM logs
WHERE regexp_extract(request, '^GET (\\S+(\\.html?|/)) HTTP', 1) <> ''
GROUP BY 1
ORDER BY hits DESC, page;
