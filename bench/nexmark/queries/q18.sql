-- Nexmark q18 (NEXMARK.md): the latest bid of each (bidder, auction). Flink keeps the
-- first row of ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY dateTime DESC);
-- a stream refuses window functions, so this is the same row as an aggregation, the
-- idiomatic Spark "latest row per key": max of a struct that starts with the order
-- key, max(named_struct('dateTime', dateTime, 'price', price, ...)). Structs compare
-- field by field (Spark's RowOrdering), so the ties on dateTime that Flink breaks
-- arbitrarily go to the higher price, then the larger extra, then channel and url:
-- a run is deterministic. (Earlier versions used max_by(the bid, named_struct(
-- dateTime, price, extra)), which encodes two structs per winning bid, the bid and its
-- order key; max keeps one struct per group, and the answers are the same rows up to
-- ties on (dateTime, price, extra), which max_by broke by arrival order.) Stateful;
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
    max(named_struct('dateTime', dateTime, 'price', price, 'extra', extra, 'channel', channel,
                     'url', url)) AS latest
  FROM bid
  GROUP BY bidder, auction) B;
