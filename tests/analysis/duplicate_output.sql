-- about: two output columns with the same name
-- query
SELECT o.id, c.id, o.amount FROM orders o JOIN customers c ON c.id = o.customer_id
