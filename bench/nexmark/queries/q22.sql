-- Nexmark q22 (NEXMARK.md): the first three directories of each bid's URL. Flink's
-- SPLIT_INDEX(url, '/', i) is split(url, '/')[i] (0-based; NULL past the end). The URL
-- is split once, in a subquery: weir does not share a repeated expression, and three
-- splits per bid took 2.4 times as long.
-- Sources: the nexmark connector over the first 10,000,000 events of the stream (each
-- source generates the events of its table; all share one stream of event numbers).
-- Run: weir run --available-now bench/nexmark/queries/q22.sql
-- (a second run continues from the checkpoint; see bench/nexmark/README.md).

CREATE SOURCE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP,
  extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL 4 SECONDS
) WITH (connector = 'nexmark', table = 'bid', events = 10000000);

CREATE SINK nexmark_q22 WITH (connector = 'blackhole');

INSERT INTO nexmark_q22
SELECT auction, bidder, price, channel, parts[3] AS dir1, parts[4] AS dir2, parts[5] AS dir3
FROM (SELECT auction, bidder, price, channel, split(url, '/') AS parts FROM bid) B;
