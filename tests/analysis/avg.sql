-- about: AVG with an implicit alias
-- query
SELECT status, AVG(amount) avg_amount FROM orders GROUP BY status
