-- about: a parenthesized join and VALUES are not tables the patterns can follow
-- query
SELECT o.id FROM orders o
JOIN (customers c JOIN products p ON p.id = c.id) ON c.id = o.customer_id
