-- about: SUM(DISTINCT)
-- query
SELECT customer_id, SUM(DISTINCT amount) AS s FROM orders GROUP BY customer_id
