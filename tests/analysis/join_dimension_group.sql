-- about: inner join to a dimension on its key, GROUP BY a dimension column
-- query
SELECT c.region, COUNT(*) AS n, SUM(o.amount) AS total
FROM orders o JOIN customers c ON o.customer_id = c.id
WHERE o.amount > 0
GROUP BY c.region
