-- Zero lag and incremental refreshes, on the shop data set of demo_shop.sql. Runs as written
-- on the embedded default (`jasmine-proxy serve`) and through a MySQL/MariaDB backend:
--   mariadb -h 127.0.0.1 -P 3307 -u root < examples/demo_shop.sql
--   mariadb -h 127.0.0.1 -P 3307 -u root --table < examples/live_revenue.sql
USE jasmine_demo;
DROP MATERIALIZATION IF EXISTS revenue_by_country;
DROP MATERIALIZATION IF EXISTS product_sales;

-- Which strategy would auto take for zero lag, and why not the others?
EXPLAIN CREATE MATERIALIZATION revenue_by_country WITH (target_lag = '0 seconds') AS
SELECT c.country, COUNT(*) AS orders, SUM(o.quantity * p.price) AS revenue
FROM orders o JOIN products p ON p.id = o.product_id JOIN customers c ON c.id = o.customer_id
GROUP BY c.country;

-- trigger: kept current by AFTER INSERT/UPDATE/DELETE triggers on orders, products and
-- customers, in the writer's own transaction.
CREATE MATERIALIZATION revenue_by_country USING trigger AS
SELECT c.country, COUNT(*) AS orders, SUM(o.quantity * p.price) AS revenue,
       MAX(p.price) AS top_price
FROM orders o JOIN products p ON p.id = o.product_id JOIN customers c ON c.id = o.customer_id
GROUP BY c.country;
SELECT * FROM revenue_by_country ORDER BY country;

-- A new order is in the result as soon as it commits: no refresh.
INSERT INTO orders (customer_id, product_id, quantity, ordered_at)
VALUES (1, 2, 3, '2026-11-02 09:00:00');
SELECT * FROM revenue_by_country ORDER BY country;

-- A write rolled back leaves it as it was; a price change reaches every country that bought.
BEGIN;
DELETE FROM orders WHERE quantity >= 2;
ROLLBACK;
UPDATE products SET price = price + 1.00 WHERE id = 2;
SELECT * FROM revenue_by_country ORDER BY country;

-- incremental: each refresh reads only the orders whose updated_at is past the watermark
-- and recomputes the products they touch.
CREATE MATERIALIZATION product_sales USING incremental
WITH (watermark = 'updated_at', target_lag = '5 minutes') AS
SELECT p.name, SUM(o.quantity) AS units, COUNT(DISTINCT o.customer_id) AS buyers
FROM orders o JOIN products p ON p.id = o.product_id
GROUP BY p.name;
UPDATE orders SET quantity = quantity + 1 WHERE id = 1;
REFRESH MATERIALIZATION product_sales;
SELECT * FROM product_sales ORDER BY name;

SHOW MATERIALIZATIONS FROM jasmine_demo;
DROP MATERIALIZATION product_sales;
DROP MATERIALIZATION revenue_by_country;
