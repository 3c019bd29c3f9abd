-- about: COUNT(DISTINCT) is maintained by incremental (groups recomputed), not trigger
-- query
SELECT product_id, COUNT(DISTINCT customer_id) AS buyers FROM orders GROUP BY product_id
