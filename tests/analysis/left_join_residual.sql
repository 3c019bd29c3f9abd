-- about: a LEFT JOIN condition with more than the key equality
-- query
SELECT o.id, c.name FROM orders AS o LEFT OUTER JOIN customers AS c ON c.id = o.customer_id AND c.region = 'EU'
