-- about: a fact with two dimensions, grouped by both
-- query
SELECT c.region, p.category, SUM(o.amount) AS revenue, COUNT(DISTINCT o.customer_id) AS buyers
FROM orders o
JOIN customers c ON c.id = o.customer_id
JOIN products p ON p.id = o.product_id
GROUP BY c.region, p.category
