-- about: UNION ALL
-- query
SELECT id FROM orders UNION ALL SELECT id FROM customers
