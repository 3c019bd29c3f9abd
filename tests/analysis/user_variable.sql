-- about: a user variable
-- query
SELECT id, amount * @rate AS converted FROM orders
