-- about: SELECT * over one table expands to the catalog columns
-- query
SELECT * FROM orders
