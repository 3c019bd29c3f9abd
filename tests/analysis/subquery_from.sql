-- about: a derived table
-- query
SELECT d.customer_id, d.n FROM (SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id) AS d
