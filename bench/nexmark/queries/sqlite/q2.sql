-- Nexmark q2 in SQLite: selection.
SELECT auction, price FROM bid WHERE auction % 123 = 0;
