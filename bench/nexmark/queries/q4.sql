-- Nexmark q4 (NEXMARK.md): average winning price per category. Stateful; complete mode
-- (an aggregation over an aggregation's result).
-- Sources: the nexmark connector over the first 10,000,000 events of the stream (each
-- source generates the events of its table; all share one stream of event numbers).
-- Run: weir run --available-now bench/nexmark/queries/q4.sql
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

CREATE SINK nexmark_q4 WITH (connector = 'blackhole', output_mode = 'complete');

INSERT INTO nexmark_q4
SELECT Q.category, AVG(Q.final)
FROM (
  SELECT MAX(B.price) AS final, A.category
  FROM auction A JOIN bid B
    ON A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
  GROUP BY A.id, A.category) Q
GROUP BY Q.category;
