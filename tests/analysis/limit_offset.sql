-- about: LIMIT offset, count
-- query
SELECT id, amount FROM orders LIMIT 20, 10
