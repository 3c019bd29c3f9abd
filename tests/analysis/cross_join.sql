-- about: CROSS JOIN with no equality
-- query
SELECT o.id, p.id AS product FROM orders o CROSS JOIN products p
