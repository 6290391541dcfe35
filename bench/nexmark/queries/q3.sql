-- Nexmark q3 (NEXMARK.md): local item suggestion (an unbounded stream-stream join). Stateful.
-- Sources: the nexmark connector over the first 10,000,000 events of the stream (each
-- source generates the events of its table; all share one stream of event numbers).
-- Run: weir run --available-now bench/nexmark/queries/q3.sql
-- (a second run continues from the checkpoint; see bench/nexmark/README.md).

CREATE SOURCE auction (
  id BIGINT, itemName STRING, description STRING, initialBid BIGINT, reserve BIGINT,
  dateTime TIMESTAMP, expires TIMESTAMP, seller BIGINT, category BIGINT, extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL 4 SECONDS
) WITH (connector = 'nexmark', table = 'auction', events = 10000000);

CREATE SOURCE person (
  id BIGINT, name STRING, emailAddress STRING, creditCard STRING, city STRING, state STRING,
  dateTime TIMESTAMP, extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL 4 SECONDS
) WITH (connector = 'nexmark', table = 'person', events = 10000000);

CREATE SINK nexmark_q3 WITH (connector = 'blackhole');

INSERT INTO nexmark_q3
SELECT P.name, P.city, P.state, A.id
FROM auction A JOIN person P ON A.seller = P.id
WHERE A.category = 10 AND P.state IN ('OR', 'ID', 'CA');
