-- about: LEFT JOIN with the driving table on the left
-- query
SELECT o.id, o.amount, c.name FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
