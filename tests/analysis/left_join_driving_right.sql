-- about: the driving table on the right of a LEFT JOIN
-- query
SELECT c.id AS customer_id, o.id AS order_id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
