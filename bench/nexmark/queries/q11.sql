-- Nexmark q11 (NEXMARK.md): bids per bidder per 10 s session window. Stateful.
-- Sources: the nexmark connector over the first 10,000,000 events of the stream (each
-- source generates the events of its table; all share one stream of event numbers).
-- Run: weir run --available-now bench/nexmark/queries/q11.sql
-- (a second run continues from the checkpoint; see bench/nexmark/README.md).

CREATE SOURCE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP,
  extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL 4 SECONDS
) WITH (connector = 'nexmark', table = 'bid', events = 10000000);

CREATE SINK nexmark_q11 WITH (connector = 'blackhole');

INSERT INTO nexmark_q11
SELECT bidder, count(*) AS bid_count, window_start AS starttime, window_end AS endtime
FROM SESSION(bid, dateTime, INTERVAL 10 SECONDS)
GROUP BY bidder, window_start, window_end;
