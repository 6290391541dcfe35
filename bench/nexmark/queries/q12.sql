-- Nexmark q12 (NEXMARK.md): bids per bidder per 10 s processing-time tumbling window.
-- Flink's PROCTIME() is current_timestamp(), which weir (as Spark) evaluates once per
-- epoch, so an epoch's bids fall in the window of the epoch's start. Stateful; update
-- mode (a processing-time window has no watermark to close it).
-- Sources: the nexmark connector over the first 10,000,000 events of the stream (each
-- source generates the events of its table; all share one stream of event numbers).
-- Run: weir run --available-now bench/nexmark/queries/q12.sql
-- (a second run continues from the checkpoint; see bench/nexmark/README.md).

CREATE SOURCE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP,
  extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL 4 SECONDS
) WITH (connector = 'nexmark', table = 'bid', events = 10000000);

CREATE SINK nexmark_q12 WITH (connector = 'blackhole', output_mode = 'update');

INSERT INTO nexmark_q12
SELECT bidder, count(*) AS bid_count, window.start AS starttime, window.end AS endtime
FROM bid
GROUP BY bidder, window(current_timestamp(), '10 seconds');
