-- Nexmark q18 (NEXMARK.md): the latest bid of each (bidder, auction). Flink keeps the
-- first row of ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY dateTime DESC);
-- a stream refuses window functions, so this is the same row as an aggregation:
-- max_by(the bid, its order key). The key is the struct (dateTime, price, extra),
-- which max_by orders field by field as Spark does: the ties on dateTime that Flink
-- breaks arbitrarily go to the higher price, then the larger extra, so a run is
-- deterministic. (Earlier versions built the same order as one string of fixed-width
-- numbers, concat(lpad(CAST(unix_micros(dateTime) AS STRING), 20, '0'), lpad(CAST(price
-- AS STRING), 20, '0'), extra); the answers are equal, since times and prices are
-- non-negative and under 20 digits, and the struct costs no string per bid.) Stateful;
-- update mode.
-- Sources: the nexmark connector over the first 10,000,000 events of the stream (each
-- source generates the events of its table; all share one stream of event numbers).
-- Run: weir run --available-now bench/nexmark/queries/q18.sql
-- (a second run continues from the checkpoint; see bench/nexmark/README.md).

CREATE SOURCE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP,
  extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL 4 SECONDS
) WITH (connector = 'nexmark', table = 'bid', events = 10000000);

CREATE SINK nexmark_q18 WITH (connector = 'blackhole', output_mode = 'update');

INSERT INTO nexmark_q18
SELECT auction, bidder, latest.price, latest.channel, latest.url, latest.dateTime, latest.extra
FROM (
  SELECT auction, bidder,
    max_by(named_struct('price', price, 'channel', channel, 'url', url, 'dateTime', dateTime,
                        'extra', extra),
           named_struct('dateTime', dateTime, 'price', price, 'extra', extra)) AS latest
  FROM bid
  GROUP BY bidder, auction) B;
