-- Nexmark q5 in SQLite: hot items. HOP(bid, dateTime, 2 s, 10 s) puts each bid in the
-- five windows starting at its 2 s pane's start minus 0, 2, 4, 6 and 8 seconds.
WITH HopBids AS (
  SELECT B.auction, B.dateTime - B.dateTime % 2000000 - K.k * 2000000 AS window_start
  FROM bid B,
       (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3
        UNION ALL SELECT 4) K),
AuctionBids AS (
  SELECT auction, count(*) AS num, window_start AS starttime,
    window_start + 10000000 AS endtime
  FROM HopBids
  GROUP BY auction, window_start),
MaxBids AS (
  SELECT max(num) AS maxn, starttime, endtime FROM AuctionBids GROUP BY starttime, endtime)
SELECT AuctionBids.auction, AuctionBids.num
FROM AuctionBids JOIN MaxBids
  ON AuctionBids.starttime = MaxBids.starttime AND AuctionBids.endtime = MaxBids.endtime
  AND AuctionBids.num >= MaxBids.maxn;
