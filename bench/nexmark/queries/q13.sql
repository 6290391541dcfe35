-- Nexmark q13 (NEXMARK.md): bids joined with a bounded side input by auction % 10000.
-- Flink's processing-time lookup join on a static file is a stream-static join here;
-- the side input is 10,000 rows (key, 'value-<key>') made with range().
-- Sources: the nexmark connector over the first 10,000,000 events of the stream (each
-- source generates the events of its table; all share one stream of event numbers).
-- Run: weir run --available-now bench/nexmark/queries/q13.sql
-- (a second run continues from the checkpoint; see bench/nexmark/README.md).

CREATE SOURCE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP,
  extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL 4 SECONDS
) WITH (connector = 'nexmark', table = 'bid', events = 10000000);

CREATE TEMPORARY VIEW side_input AS
SELECT id AS key, concat('value-', CAST(id AS STRING)) AS value FROM range(10000);

CREATE SINK nexmark_q13 WITH (connector = 'blackhole');

INSERT INTO nexmark_q13
SELECT B.auction, B.bidder, B.price, B.dateTime, S.value
FROM bid B JOIN side_input S ON B.auction % 10000 = S.key;
