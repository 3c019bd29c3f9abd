-- about: GROUP BY a position
-- query
SELECT status, SUM(amount) FROM orders GROUP BY 1
