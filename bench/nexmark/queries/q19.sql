-- Nexmark q19 (NEXMARK.md): the 10 highest bids of each auction. Flink keeps the rows
-- of ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) <= 10; a stream
-- refuses window functions, so each auction's bids are collected and sorted by price
-- (descending; ties by the other fields), and its first 10 (element_at is NULL past
-- the end) exploded with their rank. The top 10 are picked before the explode so that
-- it copies 10 bids per auction, not the whole list. Stateful, update mode: the
-- optimizer sees that the list is read only through element_at(sort_array(...), i)
-- with i <= 10 and keeps just each auction's 10 highest bids in state (the internal
-- _top_k aggregate; docs/architecture.md "Bounded top-K").
-- Sources: the nexmark connector over the first 10,000,000 events of the stream (each
-- source generates the events of its table; all share one stream of event numbers).
-- Run: weir run --available-now bench/nexmark/queries/q19.sql
-- (a second run continues from the checkpoint; see bench/nexmark/README.md).

CREATE SOURCE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP,
  extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL 4 SECONDS
) WITH (connector = 'nexmark', table = 'bid', events = 10000000);

CREATE SINK nexmark_q19 WITH (connector = 'blackhole', output_mode = 'update');

INSERT INTO nexmark_q19
SELECT auction, b.bidder, b.price, b.channel, b.url, b.dateTime, b.extra, pos + 1 AS rank_number
FROM (
  SELECT auction,
    array(element_at(bids, 1), element_at(bids, 2), element_at(bids, 3), element_at(bids, 4),
          element_at(bids, 5), element_at(bids, 6), element_at(bids, 7), element_at(bids, 8),
          element_at(bids, 9), element_at(bids, 10)) AS top
  FROM (
    SELECT auction,
      sort_array(collect_list(named_struct('price', price, 'bidder', bidder, 'channel', channel,
                                           'url', url, 'dateTime', dateTime, 'extra', extra)),
                 false) AS bids
    FROM bid
    GROUP BY auction) A) T
LATERAL VIEW posexplode(top) E AS pos, b
WHERE b IS NOT NULL;
