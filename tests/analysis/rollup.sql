-- about: WITH ROLLUP adds subtotal rows
-- query
SELECT status, SUM(amount) AS total FROM orders GROUP BY status WITH ROLLUP
