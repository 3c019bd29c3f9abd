-- about: GROUP_CONCAT and STDDEV
-- query
SELECT customer_id, GROUP_CONCAT(DISTINCT status ORDER BY status SEPARATOR '/') AS statuses,
       STDDEV(amount) AS spread
FROM orders GROUP BY customer_id
