-- about: an unqualified column both joined tables have
-- query
SELECT id, name FROM orders o JOIN customers c ON c.id = o.customer_id
