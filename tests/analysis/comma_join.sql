-- about: a comma join whose equality is in WHERE
-- query
SELECT o.id, c.name FROM orders o, customers c WHERE c.id = o.customer_id AND o.amount > 10
