-- Nexmark q8 in SQLite: new users who opened auctions in the same 10 s window.
WITH P AS (
  SELECT id, name, dateTime - dateTime % 10000000 AS starttime,
    dateTime - dateTime % 10000000 + 10000000 AS endtime
  FROM person
  GROUP BY id, name, starttime, endtime),
A AS (
  SELECT seller, dateTime - dateTime % 10000000 AS starttime,
    dateTime - dateTime % 10000000 + 10000000 AS endtime
  FROM auction
  GROUP BY seller, starttime, endtime)
SELECT P.id, P.name, P.starttime
FROM P JOIN A ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime;
