-- about: JSON_ARRAYAGG, which sqlglot does not know as an aggregate
-- query
SELECT customer_id, JSON_ARRAYAGG(id) AS ids FROM orders GROUP BY customer_id
