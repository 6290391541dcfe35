-- The streaming form of analysis.sql's last question: the content pages requested,
-- as the log records arrive. A text source reads JSON lines; from_json parses them,
-- as the streaming book's web-log example does; a file sink keeps the result
-- exactly once. Run from the repository root:
--
--   weir run --available-now examples/weblogs/streaming.sql
--   weir sql -e "SELECT page, count(*) AS hits FROM json.\`weir-data/out/content_pages\`
--                GROUP BY page ORDER BY hits DESC"
--
-- Without --available-now the query keeps watching for new files matching the path.

CREATE SOURCE raw_logs WITH (
  connector = 'file',
  path = 'examples/weblogs/weblogs*.json',
  format = 'text'
);

CREATE SINK content_pages WITH (
  connector = 'file',
  path = 'weir-data/out/content_pages',
  format = 'json'
);

INSERT INTO content_pages
SELECT log.host, log.timestamp, page
FROM (
  SELECT log, regexp_extract(log.request, '^GET (\\S+(\\.html?|/)) HTTP', 1) AS page
  FROM (
    SELECT from_json(value,
                     'host STRING, timestamp TIMESTAMP, request STRING, http_reply INT, bytes BIGINT')
           AS log
    FROM raw_logs
  )
)
WHERE page <> '';
