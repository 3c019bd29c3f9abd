-- about: ORDER BY without LIMIT does not change the rows: no obstacle
-- query
SELECT id, amount FROM orders ORDER BY amount DESC
