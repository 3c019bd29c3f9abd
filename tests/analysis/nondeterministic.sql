-- about: NOW(), RAND() and UUID(): snapshot and view only
-- query
SELECT id, NOW() AS at, RAND() AS r, UUID() AS u FROM orders
