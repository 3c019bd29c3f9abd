-- about: the output does not carry the driving table's primary key
-- query
SELECT customer_id, amount FROM orders
