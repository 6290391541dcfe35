-- Nexmark q16 (NEXMARK.md): q15 per channel and day, with the day's last minute.
-- Stateful; update mode. Distinct counts as in q15.sql: size(collect_set(x)).
-- Sources: the nexmark connector over the first 10,000,000 events of the stream (each
-- source generates the events of its table; all share one stream of event numbers).
-- Run: weir run --available-now bench/nexmark/queries/q16.sql
-- (a second run continues from the checkpoint; see bench/nexmark/README.md).

CREATE SOURCE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP,
  extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL 4 SECONDS
) WITH (connector = 'nexmark', table = 'bid', events = 10000000);

CREATE SINK nexmark_q16 WITH (connector = 'blackhole', output_mode = 'update');

INSERT INTO nexmark_q16
SELECT channel, date_format(dateTime, 'yyyy-MM-dd') AS day,
  max(date_format(dateTime, 'HH:mm')) AS minute,
  count(*) AS total_bids,
  count(*) FILTER (WHERE price < 10000) AS rank1_bids,
  count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,
  count(*) FILTER (WHERE price >= 1000000) AS rank3_bids,
  size(collect_set(bidder)) AS total_bidders,
  size(collect_set(bidder) FILTER (WHERE price < 10000)) AS rank1_bidders,
  size(collect_set(bidder) FILTER (WHERE price >= 10000 AND price < 1000000)) AS rank2_bidders,
  size(collect_set(bidder) FILTER (WHERE price >= 1000000)) AS rank3_bidders,
  size(collect_set(auction)) AS total_auctions,
  size(collect_set(auction) FILTER (WHERE price < 10000)) AS rank1_auctions,
  size(collect_set(auction) FILTER (WHERE price >= 10000 AND price < 1000000)) AS rank2_auctions,
  size(collect_set(auction) FILTER (WHERE price >= 1000000)) AS rank3_auctions
FROM bid
GROUP BY channel, date_format(dateTime, 'yyyy-MM-dd');
