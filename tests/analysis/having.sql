-- about: HAVING: incremental recomputes whole groups; trigger refuses it
-- query
SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id HAVING COUNT(*) > 5 AND MAX(amount) > 100
