-- Nexmark q10 (NEXMARK.md): every bid logged to CSV files with its day and minute.
-- Flink's filesystem sink partitions the files by (dt, hm); weir's file sink has no
-- partitioning, so dt and hm are columns of one directory's files (the same rows).
-- Sources: the nexmark connector over the first 10,000,000 events of the stream (each
-- source generates the events of its table; all share one stream of event numbers).
-- Run: weir run --available-now bench/nexmark/queries/q10.sql
-- (a second run continues from the checkpoint; see bench/nexmark/README.md).

CREATE SOURCE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP,
  extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL 4 SECONDS
) WITH (connector = 'nexmark', table = 'bid', events = 10000000);

CREATE SINK nexmark_q10 WITH (connector = 'file', format = 'csv', path = '/tmp/weir-nexmark-q10');

INSERT INTO nexmark_q10
SELECT auction, bidder, price, dateTime, extra, date_format(dateTime, 'yyyy-MM-dd') AS dt,
  date_format(dateTime, 'HH:mm') AS hm
FROM bid;
