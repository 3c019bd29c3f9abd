-- about: EXCEPT
-- query
SELECT customer_id FROM orders EXCEPT SELECT id FROM customers
