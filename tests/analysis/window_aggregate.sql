-- about: an aggregate used as a window function
-- query
SELECT id, SUM(amount) OVER (PARTITION BY customer_id) AS running FROM orders
