-- about: no current database and an unqualified table
-- schema: none
-- query
SELECT id, amount FROM orders
