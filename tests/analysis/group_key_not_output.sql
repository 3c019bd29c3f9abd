-- about: grouped by a column the output does not show
-- query
SELECT SUM(amount) AS total FROM orders GROUP BY customer_id
