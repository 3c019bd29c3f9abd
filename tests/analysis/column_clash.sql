-- about: the same column name in two joined tables, told apart by qualification
-- query
SELECT o.id AS order_id, c.id AS customer_id, o.created_at, c.created_at AS customer_since
FROM orders o JOIN customers c ON c.id = o.customer_id
