-- about: ORDER BY with LIMIT (a top-N)
-- query
SELECT id, amount FROM orders
ORDER BY amount DESC
LIMIT 10
