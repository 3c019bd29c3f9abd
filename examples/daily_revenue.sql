-- A day in the life of a materialization, on the shop data set of demo_shop.sql:
--   mariadb -h 127.0.0.1 -P 3307 -u root < examples/demo_shop.sql
--   mariadb -h 127.0.0.1 -P 3307 -u root --table < examples/daily_revenue.sql
USE jasmine_demo;
DROP MATERIALIZATION IF EXISTS daily_revenue;
DROP MATERIALIZATION IF EXISTS big_orders;

-- What would Jasmine build? The plan, with every statement; nothing runs.
EXPLAIN CREATE MATERIALIZATION daily_revenue USING snapshot WITH (target_lag = '1 hour') AS
SELECT DATE(o.ordered_at) AS day, COUNT(*) AS orders, SUM(o.quantity * p.price) AS revenue
FROM orders o JOIN products p ON p.id = o.product_id
GROUP BY DATE(o.ordered_at);

-- The nightly batch job, as one statement: computed into a shadow table, swapped in atomically.
CREATE MATERIALIZATION daily_revenue USING snapshot WITH (target_lag = '1 hour') AS
SELECT DATE(o.ordered_at) AS day, COUNT(*) AS orders, SUM(o.quantity * p.price) AS revenue
FROM orders o JOIN products p ON p.id = o.product_id
GROUP BY DATE(o.ordered_at);

-- It reads like any table.
SELECT * FROM daily_revenue ORDER BY day LIMIT 3;

-- A view needs no refresh: it is always current.
CREATE MATERIALIZATION big_orders USING view AS
SELECT id, customer_id, quantity FROM orders WHERE quantity >= 4;

SHOW MATERIALIZATIONS FROM jasmine_demo;
SHOW MATERIALIZATIONS LIKE 'daily%';
SHOW MATERIALIZATIONS WHERE Strategy = 'view' AND Health = 'ok';

-- Running it again is harmless with IF NOT EXISTS.
CREATE MATERIALIZATION IF NOT EXISTS big_orders USING view AS
SELECT id, customer_id, quantity FROM orders WHERE quantity >= 4;

-- New orders arrive; the snapshot keeps its last result until it is refreshed.
INSERT INTO orders (customer_id, product_id, quantity, ordered_at)
VALUES (1, 4, 2, '2026-11-01 12:00:00');
SELECT revenue FROM daily_revenue WHERE day = '2026-11-01';
REFRESH MATERIALIZATION daily_revenue;
SELECT revenue FROM daily_revenue WHERE day = '2026-11-01';

-- Walk it through one lifecycle step and see everything before and after.
ALTER MATERIALIZATION daily_revenue STEP check;

-- Pause it (the scheduler leaves it alone), change its target lag, resume it.
ALTER MATERIALIZATION daily_revenue PAUSE;
ALTER MATERIALIZATION daily_revenue SET (target_lag = '15 minutes');
ALTER MATERIALIZATION daily_revenue RESUME;

-- Refresh through ALTER, or rebuild from scratch (readers keep the old rows until the swap).
ALTER MATERIALIZATION daily_revenue REFRESH;
ALTER MATERIALIZATION daily_revenue REBUILD;

SHOW CREATE MATERIALIZATION daily_revenue;
SHOW MATERIALIZATION EVENTS FOR daily_revenue LIMIT 5;

-- Dropping removes the table and every internal object, nothing else.
DROP MATERIALIZATION big_orders;
DROP MATERIALIZATION daily_revenue;
SHOW MATERIALIZATIONS FROM jasmine_demo;
