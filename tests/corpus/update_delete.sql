-- UPDATE and DELETE: WHERE, expressions, ORDER BY ... LIMIT, affected-row counts (changed rows;
-- matched rows with CLIENT_FOUND_ROWS, which SQLAlchemy's pymysql dialect sets).

-- case: update_where
CREATE TABLE t (id INT PRIMARY KEY, v INT);
INSERT INTO t VALUES (1, 1), (2, 2), (3, 3);
UPDATE t SET v = v * 10 WHERE id >= 2;
-- expect
-- > ok: affected=2 insert_id=0
SELECT * FROM t ORDER BY id;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONG", "LONG"]
-- > rows: 3
-- > (1, 1)
-- > (2, 20)
-- > (3, 30)

-- case: update_no_match
CREATE TABLE t (id INT PRIMARY KEY, v INT);
INSERT INTO t VALUES (1, 1);
UPDATE t SET v = 5 WHERE id = 99;
-- expect
-- > ok: affected=0 insert_id=0

-- case: update_same_value
-- note: rows matched but not changed count 0, unless the client sets CLIENT_FOUND_ROWS
CREATE TABLE t (id INT PRIMARY KEY, v INT);
INSERT INTO t VALUES (1, 1), (2, 2);
UPDATE t SET v = 1;
-- expect
-- > ok: affected=1 insert_id=0
-- connection: found found_rows
UPDATE t SET v = 1;
-- expect
-- > ok: affected=2 insert_id=0
UPDATE t SET v = 3 WHERE id = 1;
-- expect
-- > ok: affected=1 insert_id=0

-- case: update_limit
CREATE TABLE t (id INT PRIMARY KEY, v INT);
INSERT INTO t VALUES (1, 0), (2, 0), (3, 0), (4, 0);
UPDATE t SET v = 1 ORDER BY id DESC LIMIT 2;
-- expect
-- > ok: affected=2 insert_id=0
SELECT * FROM t ORDER BY id;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONG", "LONG"]
-- > rows: 4
-- > (1, 0)
-- > (2, 0)
-- > (3, 1)
-- > (4, 1)

-- case: update_limit_without_order
CREATE TABLE t (id INT PRIMARY KEY, v INT);
INSERT INTO t VALUES (1, 0), (2, 0), (3, 0);
UPDATE t SET v = 1 WHERE v = 0 LIMIT 1;
-- expect
-- > ok: affected=1 insert_id=0
SELECT SUM(v) FROM t;
-- expect
-- > names: ["SUM(v)"]
-- > types: ["NEWDECIMAL"]
-- > rows: 1
-- > (Decimal('1'),)

-- case: update_several_columns_and_expressions
CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(8,2), qty INT);
INSERT INTO t VALUES (1, 'a', 0.10, 1), (2, 'b', 0.20, 2);
UPDATE t SET name = CONCAT(name, '!'), price = price + 0.20, qty = qty * 3 WHERE id = 1;
-- expect
-- > ok: affected=1 insert_id=0
SELECT * FROM t ORDER BY id;
-- expect
-- > names: ["id", "name", "price", "qty"]
-- > types: ["LONG", "VAR_STRING", "NEWDECIMAL", "LONG"]
-- > rows: 2
-- > (1, 'a!', Decimal('0.30'), 3)
-- > (2, 'b', Decimal('0.20'), 2)

-- case: update_set_null_and_default
CREATE TABLE t (id INT PRIMARY KEY, v INT DEFAULT 5, s VARCHAR(5));
INSERT INTO t VALUES (1, 1, 'x');
UPDATE t SET v = DEFAULT, s = NULL;
-- expect
-- > ok: affected=1 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["id", "v", "s"]
-- > types: ["LONG", "LONG", "VAR_STRING"]
-- > rows: 1
-- > (1, 5, None)

-- case: update_with_subquery
CREATE TABLE t (id INT PRIMARY KEY, v INT);
CREATE TABLE u (id INT PRIMARY KEY, w INT);
INSERT INTO t VALUES (1, 0), (2, 0);
INSERT INTO u VALUES (1, 7), (2, 8);
UPDATE t SET v = (SELECT w FROM u WHERE u.id = t.id) WHERE id IN (SELECT id FROM u WHERE w > 7);
-- expect
-- > ok: affected=1 insert_id=0
SELECT * FROM t ORDER BY id;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONG", "LONG"]
-- > rows: 2
-- > (1, 0)
-- > (2, 8)

-- case: update_multi_table_join
CREATE TABLE t (id INT PRIMARY KEY, v INT);
CREATE TABLE u (id INT PRIMARY KEY, w INT);
INSERT INTO t VALUES (1, 0), (2, 0), (3, 0);
INSERT INTO u VALUES (1, 7), (2, 8);
UPDATE t JOIN u ON u.id = t.id SET t.v = u.w;
-- expect
-- > ok: affected=2 insert_id=0
SELECT * FROM t ORDER BY id;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONG", "LONG"]
-- > rows: 3
-- > (1, 7)
-- > (2, 8)
-- > (3, 0)

-- case: update_primary_key_duplicate
CREATE TABLE t (id INT PRIMARY KEY);
INSERT INTO t VALUES (1), (2);
UPDATE t SET id = 2 WHERE id = 1;
-- expect
-- > error: 1062

-- case: delete_where
CREATE TABLE t (id INT PRIMARY KEY, v INT);
INSERT INTO t VALUES (1, 1), (2, 2), (3, 3);
DELETE FROM t WHERE v >= 2;
-- expect
-- > ok: affected=2 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONG", "LONG"]
-- > rows: 1
-- > (1, 1)

-- case: delete_no_match
CREATE TABLE t (id INT PRIMARY KEY);
INSERT INTO t VALUES (1);
DELETE FROM t WHERE id = 5;
-- expect
-- > ok: affected=0 insert_id=0

-- case: delete_all
CREATE TABLE t (id INT PRIMARY KEY);
INSERT INTO t VALUES (1), (2), (3);
DELETE FROM t;
-- expect
-- > ok: affected=3 insert_id=0
SELECT COUNT(*) FROM t;
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (0,)

-- case: delete_limit
CREATE TABLE t (id INT PRIMARY KEY, v INT);
INSERT INTO t VALUES (1, 1), (2, 1), (3, 1), (4, 2);
DELETE FROM t WHERE v = 1 ORDER BY id DESC LIMIT 2;
-- expect
-- > ok: affected=2 insert_id=0
SELECT * FROM t ORDER BY id;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONG", "LONG"]
-- > rows: 2
-- > (1, 1)
-- > (4, 2)

-- case: delete_with_subquery
CREATE TABLE t (id INT PRIMARY KEY);
CREATE TABLE gone (id INT PRIMARY KEY);
INSERT INTO t VALUES (1), (2), (3);
INSERT INTO gone VALUES (2), (3);
DELETE FROM t WHERE id IN (SELECT id FROM gone);
-- expect
-- > ok: affected=2 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)

-- case: delete_multi_table_join
CREATE TABLE t (id INT PRIMARY KEY);
CREATE TABLE gone (id INT PRIMARY KEY);
INSERT INTO t VALUES (1), (2), (3);
INSERT INTO gone VALUES (3);
DELETE t FROM t JOIN gone ON gone.id = t.id;
-- expect
-- > ok: affected=1 insert_id=0
SELECT * FROM t ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 2
-- > (1,)
-- > (2,)
