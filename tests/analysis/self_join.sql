-- about: a table joined to itself
-- query
SELECT a.id, b.id AS other_id FROM orders a JOIN orders b ON b.customer_id = a.customer_id
