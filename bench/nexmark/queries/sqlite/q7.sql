-- Nexmark q7 in SQLite: the highest bid of each 10 s tumbling window; B1.dateTime is
-- the window's end.
WITH B1 AS (
  SELECT MAX(price) AS maxprice, dateTime - dateTime % 10000000 + 10000000 AS dateTime
  FROM bid
  GROUP BY dateTime - dateTime % 10000000)
SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra
FROM bid B JOIN B1 ON B.price = B1.maxprice
WHERE B.dateTime BETWEEN B1.dateTime - 10000000 AND B1.dateTime;
