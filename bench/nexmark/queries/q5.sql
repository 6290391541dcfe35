-- Nexmark q5 (NEXMARK.md): hot items, the auctions with the most bids in 10 s windows
-- sliding every 2 s. Stateful.
-- Sources: the nexmark connector over the first 10,000,000 events of the stream (each
-- source generates the events of its table; all share one stream of event numbers).
-- Run: weir run --available-now bench/nexmark/queries/q5.sql
-- (a second run continues from the checkpoint; see bench/nexmark/README.md).

CREATE SOURCE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP,
  extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL 4 SECONDS
) WITH (connector = 'nexmark', table = 'bid', events = 10000000);

CREATE SINK nexmark_q5 WITH (connector = 'blackhole');

INSERT INTO nexmark_q5
SELECT AuctionBids.auction, AuctionBids.num
FROM (
  SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime
  FROM HOP(bid, dateTime, INTERVAL 2 SECONDS, INTERVAL 10 SECONDS)
  GROUP BY auction, window_start, window_end) AuctionBids
JOIN (
  SELECT max(num) AS maxn, starttime, endtime
  FROM (
    SELECT count(*) AS num, window_start AS starttime, window_end AS endtime
    FROM HOP(bid, dateTime, INTERVAL 2 SECONDS, INTERVAL 10 SECONDS)
    GROUP BY auction, window_start, window_end) CountBids
  GROUP BY starttime, endtime) MaxBids
ON AuctionBids.starttime = MaxBids.starttime AND AuctionBids.endtime = MaxBids.endtime
   AND AuctionBids.num >= MaxBids.maxn;
