-- about: SELECT DISTINCT: every output column is the key; trigger refuses it
-- query
SELECT DISTINCT customer_id, status FROM orders
