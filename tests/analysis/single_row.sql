-- about: aggregates with no GROUP BY: one output row, an empty key
-- query
SELECT COUNT(*), SUM(amount) AS total FROM orders
