-- about: expressions over aggregates; an unaliased column is named by its text as written
-- query
SELECT customer_id, SUM(amount) / COUNT(*) AS mean, SUM(amount)  *  2, COUNT(*) + 1 AS n1
FROM orders GROUP BY customer_id
