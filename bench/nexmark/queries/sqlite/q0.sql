-- Nexmark q0 in SQLite: pass-through.
SELECT auction, bidder, price, dateTime, extra FROM bid;
