-- Nexmark q18 (NEXMARK.md): the latest bid of each (bidder, auction). Flink keeps the
-- first row of ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY dateTime DESC);
-- a stream refuses window functions, so this is the same row as an aggregation:
-- max_by(the bid, its order key). The key is dateTime, then price and extra, as one
-- string of fixed-width numbers (max() of a struct is not supported yet): the ties on
-- dateTime that Flink breaks arbitrarily go to the higher price, so a run is
-- deterministic. Stateful; update mode.
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
           concat(lpad(CAST(unix_micros(dateTime) AS STRING), 20, '0'),
                  lpad(CAST(price AS STRING), 20, '0'), extra)) AS latest
  FROM bid
  GROUP BY bidder, auction) B;
