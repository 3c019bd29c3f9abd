-- about: a scalar subquery in the select list
-- query
SELECT id,
       (SELECT name FROM customers c WHERE c.id = o.customer_id) AS customer
FROM orders o
