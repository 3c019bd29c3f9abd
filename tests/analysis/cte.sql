-- about: WITH is refused by the maintaining strategies
-- query
WITH big AS (SELECT * FROM orders WHERE amount > 100)
SELECT customer_id, COUNT(*) AS n FROM big GROUP BY customer_id
