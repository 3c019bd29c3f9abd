-- about: MIN and MAX
-- query
SELECT customer_id, MIN(created_at) AS first_order, MAX(amount) AS biggest
FROM orders GROUP BY customer_id
