-- about: t.* expands one table of a join
-- query
SELECT o.*, c.name AS customer FROM orders o JOIN customers c ON c.id = o.customer_id
