-- Nexmark q9 (NEXMARK.md): the winning bid of each auction (the highest bid within the
-- auction's lifetime; the earlier of equal bids). Flink keeps the first row of
-- ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.dateTime ASC); a
-- stream refuses window functions, so this is the same row as an aggregation over the
-- join: max_by(the bid, its order key). The key is the struct (price, the negated
-- time in microseconds, so earlier is larger, extra), which max_by orders field by
-- field as Spark does; extra breaks the ties Flink breaks arbitrarily. (Earlier
-- versions built the same order as one string of fixed-width numbers: price, the
-- microseconds to the end of year 9999, extra, each number lpad-ed to 20 digits; the
-- answers are equal, since prices and times are non-negative and under 20 digits, and
-- the struct costs no string per joined bid.) Stateful; update mode (an aggregation
-- over a stream-stream join).
-- Sources: the nexmark connector over the first 10,000,000 events of the stream (each
-- source generates the events of its table; all share one stream of event numbers).
-- Run: weir run --available-now bench/nexmark/queries/q9.sql
-- (a second run continues from the checkpoint; see bench/nexmark/README.md).

CREATE SOURCE auction (
  id BIGINT, itemName STRING, description STRING, initialBid BIGINT, reserve BIGINT,
  dateTime TIMESTAMP, expires TIMESTAMP, seller BIGINT, category BIGINT, extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL 4 SECONDS
) WITH (connector = 'nexmark', table = 'auction', events = 10000000);

CREATE SOURCE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP,
  extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL 4 SECONDS
) WITH (connector = 'nexmark', table = 'bid', events = 10000000);

CREATE SINK nexmark_q9 WITH (connector = 'blackhole', output_mode = 'update');

INSERT INTO nexmark_q9
SELECT id, itemName, description, initialBid, reserve, dateTime, expires, seller, category,
  extra, winner.auction, winner.bidder, winner.price, winner.bid_dateTime, winner.bid_extra
FROM (
  SELECT A.id, A.itemName, A.description, A.initialBid, A.reserve, A.dateTime, A.expires,
    A.seller, A.category, A.extra,
    max_by(named_struct('auction', B.auction, 'bidder', B.bidder, 'price', B.price,
                        'bid_dateTime', B.dateTime, 'bid_extra', B.extra),
           named_struct('price', B.price, 'earlier', -unix_micros(B.dateTime),
                        'extra', B.extra)) AS winner
  FROM auction A JOIN bid B
    ON A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
  GROUP BY A.id, A.itemName, A.description, A.initialBid, A.reserve, A.dateTime, A.expires,
    A.seller, A.category, A.extra) W;
