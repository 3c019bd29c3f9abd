-- about: an output column neither grouped nor aggregated (any row's value)
-- query
SELECT customer_id, status, COUNT(*) AS n FROM orders GROUP BY customer_id
