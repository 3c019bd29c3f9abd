-- Everything ordinary passes through unchanged; run after demo_shop.sql:
--   mariadb -h 127.0.0.1 -P 3307 -u root jasmine_demo < examples/passthrough.sql
SELECT CONNECTION_ID() = @@pseudo_thread_id AS same_backend_thread;

BEGIN;
UPDATE products SET price = price * 2 WHERE name = 'pen';
SELECT name, price FROM products WHERE name = 'pen';
ROLLBACK;
SELECT name, price FROM products WHERE name = 'pen';

CREATE TEMPORARY TABLE big_orders AS SELECT * FROM orders WHERE quantity = 4;
SELECT COUNT(*) AS big_orders FROM big_orders;

PREPARE top FROM 'SELECT name, price FROM products ORDER BY price DESC LIMIT ?';
SET @n = 2;
EXECUTE top USING @n;
DEALLOCATE PREPARE top;

