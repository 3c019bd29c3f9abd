-- about: GROUP BY an output alias
-- query
SELECT DATE(created_at) AS day, COUNT(*) n FROM orders GROUP BY day
