-- about: GROUP BY an expression shown in the output, qualified differently
-- query
SELECT DATE(o.created_at) AS day, SUM(amount) AS total FROM orders o GROUP BY DATE(created_at)
