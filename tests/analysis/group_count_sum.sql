-- about: one table, GROUP BY with COUNT(*) and SUM
-- query
SELECT customer_id, COUNT(*) AS orders, SUM(amount) AS total
FROM orders
GROUP BY customer_id
