-- INSERT in its MySQL forms: multi-row, INSERT ... SELECT, ON DUPLICATE KEY UPDATE, REPLACE,
-- INSERT IGNORE, INSERT ... SET; affected-row counts and last insert ids as the OK packet says.

-- case: insert_single_row
CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10));
INSERT INTO t (v) VALUES ('a');
-- expect
-- > ok: affected=1 insert_id=1
SELECT LAST_INSERT_ID();
-- expect
-- > names: ["LAST_INSERT_ID()"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (1,)

-- case: insert_multi_row
-- note: the OK packet's insert id (and LAST_INSERT_ID()) is the FIRST id of a multi-row insert
CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10));
INSERT INTO t (v) VALUES ('a'), ('b'), ('c');
-- expect
-- > ok: affected=3 insert_id=1
SELECT LAST_INSERT_ID();
-- expect
-- > names: ["LAST_INSERT_ID()"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (1,)
INSERT INTO t (v) VALUES ('d'), ('e');
-- expect
-- > ok: affected=2 insert_id=4
SELECT id, v FROM t ORDER BY id;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONG", "VAR_STRING"]
-- > rows: 5
-- > (1, 'a')
-- > (2, 'b')
-- > (3, 'c')
-- > (4, 'd')
-- > (5, 'e')

-- case: insert_without_column_list
CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), n INT);
INSERT INTO t VALUES (1, 'a', 10), (2, 'b', NULL);
-- expect
-- > ok: affected=2 insert_id=0
SELECT * FROM t ORDER BY id;
-- expect
-- > names: ["id", "v", "n"]
-- > types: ["LONG", "VAR_STRING", "LONG"]
-- > rows: 2
-- > (1, 'a', 10)
-- > (2, 'b', None)

-- case: insert_set_syntax
CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10), n INT);
INSERT INTO t SET v = 'x', n = 5;
-- expect
-- > ok: affected=1 insert_id=1
SELECT * FROM t;
-- expect
-- > names: ["id", "v", "n"]
-- > types: ["LONG", "VAR_STRING", "LONG"]
-- > rows: 1
-- > (1, 'x', 5)

-- case: insert_select
CREATE TABLE src (id INT PRIMARY KEY, v INT);
CREATE TABLE dst (id INT AUTO_INCREMENT PRIMARY KEY, src_id INT, doubled INT);
INSERT INTO src VALUES (1, 10), (2, 20), (3, 30);
INSERT INTO dst (src_id, doubled) SELECT id, v * 2 FROM src WHERE v > 10 ORDER BY id;
-- expect
-- > ok: affected=2 insert_id=1
SELECT * FROM dst ORDER BY id;
-- expect
-- > names: ["id", "src_id", "doubled"]
-- > types: ["LONG", "LONG", "LONG"]
-- > rows: 2
-- > (1, 2, 40)
-- > (2, 3, 60)

-- case: insert_select_from_same_table
CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT);
INSERT INTO t (v) VALUES (1), (2);
INSERT INTO t (v) SELECT v + 10 FROM t;
-- expect: affected
-- > ok: affected=2
SELECT v FROM t ORDER BY v;
-- expect
-- > names: ["v"]
-- > types: ["LONG"]
-- > rows: 4
-- > (1,)
-- > (2,)
-- > (11,)
-- > (12,)

-- case: insert_select_aggregate
CREATE TABLE sales (day DATE, amount DECIMAL(10,2));
CREATE TABLE daily (day DATE PRIMARY KEY, total DECIMAL(12,2), n INT);
INSERT INTO sales VALUES ('2024-01-01', 0.10), ('2024-01-01', 0.20), ('2024-01-02', 5.00);
INSERT INTO daily SELECT day, SUM(amount), COUNT(*) FROM sales GROUP BY day;
-- expect
-- > ok: affected=2 insert_id=0
SELECT * FROM daily ORDER BY day;
-- expect
-- > names: ["day", "total", "n"]
-- > types: ["DATE", "NEWDECIMAL", "LONG"]
-- > rows: 2
-- > (datetime.date(2024, 1, 1), Decimal('0.30'), 2)
-- > (datetime.date(2024, 1, 2), Decimal('5.00'), 1)

-- case: on_duplicate_key_update_inserts
CREATE TABLE t (id INT PRIMARY KEY, v INT, hits INT DEFAULT 0);
INSERT INTO t (id, v) VALUES (1, 10) ON DUPLICATE KEY UPDATE v = 10, hits = hits + 1;
-- expect
-- > ok: affected=1 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["id", "v", "hits"]
-- > types: ["LONG", "LONG", "LONG"]
-- > rows: 1
-- > (1, 10, 0)

-- case: on_duplicate_key_update_updates
-- note: MySQL counts an updated row as 2 affected rows
CREATE TABLE t (id INT PRIMARY KEY, v INT, hits INT DEFAULT 0);
INSERT INTO t (id, v) VALUES (1, 10);
INSERT INTO t (id, v) VALUES (1, 20) ON DUPLICATE KEY UPDATE v = 20, hits = hits + 1;
-- expect
-- > ok: affected=2 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["id", "v", "hits"]
-- > types: ["LONG", "LONG", "LONG"]
-- > rows: 1
-- > (1, 20, 1)

-- case: on_duplicate_key_update_unchanged
-- note: a duplicate whose update changes nothing counts 0 affected rows (1 with CLIENT_FOUND_ROWS)
CREATE TABLE t (id INT PRIMARY KEY, v INT);
INSERT INTO t VALUES (1, 10);
INSERT INTO t VALUES (1, 10) ON DUPLICATE KEY UPDATE v = 10;
-- expect
-- > ok: affected=0 insert_id=0
-- connection: found found_rows
INSERT INTO t VALUES (1, 10) ON DUPLICATE KEY UPDATE v = 10;
-- expect
-- > ok: affected=1 insert_id=0

-- case: on_duplicate_key_update_values_function
CREATE TABLE t (id INT PRIMARY KEY, v INT, total INT);
INSERT INTO t VALUES (1, 1, 1), (2, 2, 2);
INSERT INTO t (id, v, total) VALUES (1, 5, 5), (2, 6, 6), (3, 7, 7) ON DUPLICATE KEY UPDATE v = VALUES(v), total = total + VALUES(total);
-- expect
-- > ok: affected=5 insert_id=0
SELECT * FROM t ORDER BY id;
-- expect
-- > names: ["id", "v", "total"]
-- > types: ["LONG", "LONG", "LONG"]
-- > rows: 3
-- > (1, 5, 6)
-- > (2, 6, 8)
-- > (3, 7, 7)

-- case: on_duplicate_key_update_unique_key
CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(50) NOT NULL UNIQUE, visits INT NOT NULL DEFAULT 1);
INSERT INTO t (email) VALUES ('a@example.com');
INSERT INTO t (email) VALUES ('a@example.com') ON DUPLICATE KEY UPDATE visits = visits + 1;
-- expect: affected
-- > ok: affected=2
INSERT INTO t (email) VALUES ('a@example.com') ON DUPLICATE KEY UPDATE visits = visits + 1;
-- expect: affected
-- > ok: affected=2
SELECT id, email, visits FROM t;
-- expect
-- > names: ["id", "email", "visits"]
-- > types: ["LONG", "VAR_STRING", "LONG"]
-- > rows: 1
-- > (1, 'a@example.com', 3)

-- case: on_duplicate_key_update_from_select
CREATE TABLE src (k VARCHAR(5), amount DECIMAL(8,2));
CREATE TABLE agg (k VARCHAR(5) PRIMARY KEY, total DECIMAL(10,2));
INSERT INTO src VALUES ('a', 0.10), ('a', 0.20), ('b', 1.00);
INSERT INTO agg VALUES ('a', 100.00);
INSERT INTO agg (k, total) SELECT k, SUM(amount) FROM src GROUP BY k ON DUPLICATE KEY UPDATE total = VALUES(total);
-- expect
-- > ok: affected=3 insert_id=0
SELECT * FROM agg ORDER BY k;
-- expect
-- > names: ["k", "total"]
-- > types: ["VAR_STRING", "NEWDECIMAL"]
-- > rows: 2
-- > ('a', Decimal('0.30'))
-- > ('b', Decimal('1.00'))

-- case: replace_new_row
CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(5));
REPLACE INTO t VALUES (1, 'a');
-- expect
-- > ok: affected=1 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONG", "VAR_STRING"]
-- > rows: 1
-- > (1, 'a')

-- case: replace_existing_row
-- note: REPLACE over an existing row is a delete plus an insert: 2 affected rows
CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(5), n INT DEFAULT 9);
INSERT INTO t (id, v, n) VALUES (1, 'a', 1);
REPLACE INTO t (id, v) VALUES (1, 'b');
-- expect
-- > ok: affected=2 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["id", "v", "n"]
-- > types: ["LONG", "VAR_STRING", "LONG"]
-- > rows: 1
-- > (1, 'b', 9)

-- case: replace_multi_row
CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(5));
INSERT INTO t VALUES (1, 'a'), (2, 'b');
REPLACE INTO t VALUES (2, 'B'), (3, 'C');
-- expect
-- > ok: affected=3 insert_id=0
SELECT * FROM t ORDER BY id;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONG", "VAR_STRING"]
-- > rows: 3
-- > (1, 'a')
-- > (2, 'B')
-- > (3, 'C')

-- case: insert_ignore_duplicates
CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(5));
INSERT INTO t VALUES (1, 'a');
INSERT IGNORE INTO t VALUES (1, 'x'), (2, 'b');
-- expect: affected insert_id warnings
-- > ok: affected=1 insert_id=0 warnings=1
SELECT * FROM t ORDER BY id;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONG", "VAR_STRING"]
-- > rows: 2
-- > (1, 'a')
-- > (2, 'b')

-- case: insert_ignore_all_duplicates
CREATE TABLE t (id INT PRIMARY KEY);
INSERT INTO t VALUES (1);
INSERT IGNORE INTO t VALUES (1);
-- expect: affected warnings
-- > ok: affected=0 warnings=1

-- case: insert_auto_increment_null_and_zero
CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, v INT);
INSERT INTO t VALUES (NULL, 1);
-- expect
-- > ok: affected=1 insert_id=1
INSERT INTO t VALUES (0, 2);
-- expect
-- > ok: affected=1 insert_id=2
SELECT * FROM t ORDER BY id;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONGLONG", "LONG"]
-- > rows: 2
-- > (1, 1)
-- > (2, 2)

-- case: insert_duplicate_primary_key
CREATE TABLE t (id INT PRIMARY KEY);
INSERT INTO t VALUES (1);
INSERT INTO t VALUES (1);
-- expect
-- > error: 1062
INSERT INTO t VALUES (2), (2);
-- expect
-- > error: 1062
SELECT * FROM t;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)

-- case: insert_string_escapes
CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(50));
INSERT INTO t VALUES (1, 'it''s'), (2, 'back\\slash'), (3, 'quote \' here'), (4, 'tab\there'), (5, 'line\nbreak'), (6, '');
-- expect
-- > ok: affected=6 insert_id=0
SELECT id, v, LENGTH(v) FROM t ORDER BY id;
-- expect
-- > names: ["id", "v", "LENGTH(v)"]
-- > types: ["LONG", "VAR_STRING", "LONG"]
-- > rows: 6
-- > (1, "it's", 4)
-- > (2, 'back\\slash', 10)
-- > (3, "quote ' here", 12)
-- > (4, 'tab\there', 8)
-- > (5, 'line\nbreak', 10)
-- > (6, '', 0)

-- case: insert_unicode
CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20));
INSERT INTO t VALUES (1, 'naïve café'), (2, '日本語'), (3, '😀 emoji');
-- expect
-- > ok: affected=3 insert_id=0
SELECT id, v, CHAR_LENGTH(v), LENGTH(v) FROM t ORDER BY id;
-- expect
-- > names: ["id", "v", "CHAR_LENGTH(v)", "LENGTH(v)"]
-- > types: ["LONG", "VAR_STRING", "LONG", "LONG"]
-- > rows: 3
-- > (1, 'naïve café', 10, 12)
-- > (2, '日本語', 3, 9)
-- > (3, '😀 emoji', 7, 10)

-- case: insert_numbers_as_strings
CREATE TABLE t (i INT, d DECIMAL(10,2), f DOUBLE);
INSERT INTO t VALUES ('42', '3.14', '2.5');
-- expect
-- > ok: affected=1 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["i", "d", "f"]
-- > types: ["LONG", "NEWDECIMAL", "DOUBLE"]
-- > rows: 1
-- > (42, Decimal('3.14'), 2.5)

-- case: insert_decimal_rounding
-- note: a DECIMAL(10,2) column rounds extra digits (half away from zero) with a note
CREATE TABLE t (d DECIMAL(10,2));
INSERT INTO t VALUES (1.005), (1.004), (-1.005), (2.5);
-- expect
-- > ok: affected=4 insert_id=0
SELECT d FROM t;
-- expect
-- > names: ["d"]
-- > types: ["NEWDECIMAL"]
-- > rows: 4
-- > (Decimal('1.01'),)
-- > (Decimal('1.00'),)
-- > (Decimal('-1.01'),)
-- > (Decimal('2.50'),)

-- case: enum_and_year_strict
-- note: strict mode refuses an ENUM value not in the list (1265) and a YEAR outside
-- note: 1901..2155 (1264); the embedded default stored both
CREATE TABLE t (id INT PRIMARY KEY, e ENUM('a','b','it''s') NOT NULL DEFAULT 'a', y YEAR);
INSERT INTO t VALUES (1, 'b', 2024), (2, 'it''s', 0);
INSERT INTO t VALUES (3, 'z', NULL);
-- expect: affected
-- > error: 1265
INSERT INTO t VALUES (4, 'a', 1800);
-- expect: affected
-- > error: 1264
INSERT INTO t VALUES (5, 'a', 2156);
-- expect: affected
-- > error: 1264
INSERT INTO t (id, y) VALUES (6, 1901);
UPDATE t SET e = 'q' WHERE id = 1;
-- expect: affected
-- > error: 1265
SELECT * FROM t ORDER BY id;
-- expect
-- > names: ["id", "e", "y"]
-- > types: ["LONG", "STRING", "YEAR"]
-- > rows: 3
-- > (1, 'b', 2024)
-- > (2, "it's", 0)
-- > (6, 'a', 1901)
