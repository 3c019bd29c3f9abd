-- about: RIGHT JOIN
-- query
SELECT o.id, c.id AS customer_id FROM orders o RIGHT JOIN customers c ON c.id = o.customer_id
