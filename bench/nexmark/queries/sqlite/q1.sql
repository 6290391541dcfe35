-- Nexmark q1 in SQLite: currency conversion. weir's 0.908 * price is an exact
-- DECIMAL(24,3); price * 908 thousandths prints it exactly with integer arithmetic.
SELECT auction, bidder, printf('%d.%03d', price * 908 / 1000, price * 908 % 1000) AS price,
  dateTime, extra
FROM bid;
