-- CREATE / DROP / ALTER TABLE, column types, AUTO_INCREMENT, defaults, indexes and unique keys.

-- case: create_table_auto_increment
CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL);
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO t (name) VALUES ('a');
-- expect
-- > ok: affected=1 insert_id=1
INSERT INTO t (name) VALUES ('b');
-- expect
-- > ok: affected=1 insert_id=2
SELECT id, name FROM t ORDER BY id;
-- expect
-- > names: ["id", "name"]
-- > types: ["LONG", "VAR_STRING"]
-- > rows: 2
-- > (1, 'a')
-- > (2, 'b')

-- case: auto_increment_table_option
CREATE TABLE t (id BIGINT NOT NULL AUTO_INCREMENT, v INT, PRIMARY KEY (id)) AUTO_INCREMENT=100;
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO t (v) VALUES (1);
-- expect
-- > ok: affected=1 insert_id=100
SELECT id, v FROM t;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONGLONG", "LONG"]
-- > rows: 1
-- > (100, 1)

-- case: auto_increment_after_explicit_id
CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT);
INSERT INTO t (id, v) VALUES (10, 1);
-- expect
-- > ok: affected=1 insert_id=10
INSERT INTO t (v) VALUES (2);
-- expect
-- > ok: affected=1 insert_id=11
INSERT INTO t (id, v) VALUES (NULL, 3);
-- expect
-- > ok: affected=1 insert_id=12
INSERT INTO t (id, v) VALUES (0, 4);
-- expect
-- > ok: affected=1 insert_id=13
SELECT id, v FROM t ORDER BY id;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONG", "LONG"]
-- > rows: 4
-- > (10, 1)
-- > (11, 2)
-- > (12, 3)
-- > (13, 4)

-- case: auto_increment_not_reused_after_delete
CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT);
INSERT INTO t (v) VALUES (1), (2), (3);
DELETE FROM t WHERE id = 3;
INSERT INTO t (v) VALUES (4);
-- expect
-- > ok: affected=1 insert_id=4
SELECT id, v FROM t ORDER BY id;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONG", "LONG"]
-- > rows: 3
-- > (1, 1)
-- > (2, 2)
-- > (4, 4)

-- case: create_table_if_not_exists
CREATE TABLE t (id INT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, other INT);
-- expect: affected warnings
-- > ok: affected=0 warnings=1
SELECT * FROM t;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 0

-- case: create_table_column_types
-- note: the type codes and Python types every common column type comes back with
CREATE TABLE t (
  i INT, ti TINYINT, si SMALLINT, bi BIGINT, ui INT UNSIGNED, b TINYINT(1),
  d DECIMAL(10,2), f FLOAT, db DOUBLE,
  c CHAR(3), vc VARCHAR(20), tx TEXT, bl BLOB, vb VARBINARY(8),
  dt DATETIME, ts TIMESTAMP NULL, da DATE, tm TIME
);
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO t VALUES (
  -5, 7, 300, 9007199254740993, 4000000000, 1,
  12.34, 1.5, 2.25,
  'abc', 'hello', 'some text', X'00FF10', X'CAFE',
  '2024-02-29 23:59:59', '2024-03-01 00:00:01', '2024-12-31', '13:45:30'
);
-- expect
-- > ok: affected=1 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["i", "ti", "si", "bi", "ui", "b", "d", "f", "db", "c", "vc", "tx", "bl", "vb", "dt", "ts", "da", "tm"]
-- > types: ["LONG", "TINY", "SHORT", "LONGLONG", "LONG", "TINY", "NEWDECIMAL", "FLOAT", "DOUBLE", "STRING", "VAR_STRING", "BLOB", "BLOB", "VAR_STRING", "DATETIME", "TIMESTAMP", "DATE", "TIME"]
-- > rows: 1
-- > (-5, 7, 300, 9007199254740993, 4000000000, 1, Decimal('12.34'), 1.5, 2.25, 'abc', 'hello', 'some text', b'\x00\xff\x10', b'\xca\xfe', datetime.datetime(2024, 2, 29, 23, 59, 59), datetime.datetime(2024, 3, 1, 0, 0, 1), datetime.date(2024, 12, 31), datetime.timedelta(seconds=49530))

-- case: create_table_nulls
CREATE TABLE t (i INT, d DECIMAL(10,2), vc VARCHAR(20), bl BLOB, dt DATETIME, da DATE);
INSERT INTO t VALUES (NULL, NULL, NULL, NULL, NULL, NULL);
-- expect
-- > ok: affected=1 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["i", "d", "vc", "bl", "dt", "da"]
-- > types: ["LONG", "NEWDECIMAL", "VAR_STRING", "BLOB", "DATETIME", "DATE"]
-- > rows: 1
-- > (None, None, None, None, None, None)

-- case: create_table_defaults
CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, n INT NOT NULL DEFAULT 7, s VARCHAR(10) DEFAULT 'x', d DECIMAL(6,2) DEFAULT 1.50, z INT);
INSERT INTO t (z) VALUES (1);
-- expect
-- > ok: affected=1 insert_id=1
INSERT INTO t () VALUES ();
-- expect
-- > ok: affected=1 insert_id=2
INSERT INTO t VALUES (DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT);
-- expect
-- > ok: affected=1 insert_id=3
SELECT * FROM t ORDER BY id;
-- expect
-- > names: ["id", "n", "s", "d", "z"]
-- > types: ["LONG", "LONG", "VAR_STRING", "NEWDECIMAL", "LONG"]
-- > rows: 3
-- > (1, 7, 'x', Decimal('1.50'), 1)
-- > (2, 7, 'x', Decimal('1.50'), None)
-- > (3, 7, 'x', Decimal('1.50'), None)

-- case: datetime_default_current_timestamp
CREATE TABLE t (id INT PRIMARY KEY, created DATETIME DEFAULT CURRENT_TIMESTAMP);
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO t (id) VALUES (1);
-- expect
-- > ok: affected=1 insert_id=0
SELECT id, created FROM t;
-- expect: names types rows now
-- > names: ["id", "created"]
-- > types: ["LONG", "DATETIME"]
-- > rows: 1
-- > (1, <now>)
SELECT created >= NOW() - INTERVAL 1 MINUTE, created <= NOW() FROM t;
-- expect
-- > names: ["created >= NOW() - INTERVAL 1 MINUTE", "created <= NOW()"]
-- > types: ["LONG", "LONG"]
-- > rows: 1
-- > (1, 1)

-- case: timestamp_default_and_on_update
CREATE TABLE t (id INT PRIMARY KEY, v INT, updated TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP);
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO t (id, v) VALUES (1, 1);
-- expect
-- > ok: affected=1 insert_id=0
SELECT id, v, updated FROM t;
-- expect: names types rows now
-- > names: ["id", "v", "updated"]
-- > types: ["LONG", "LONG", "TIMESTAMP"]
-- > rows: 1
-- > (1, 1, <now>)
INSERT INTO t (id, v, updated) VALUES (2, 1, '2000-01-01 00:00:00');
-- expect
-- > ok: affected=1 insert_id=0
UPDATE t SET v = 2 WHERE id = 2;
-- expect
-- > ok: affected=1 insert_id=0
SELECT id, v, updated > '2020-01-01', updated >= NOW() - INTERVAL 1 MINUTE FROM t WHERE id = 2;
-- expect
-- > names: ["id", "v", "updated > '2020-01-01'", "updated >= NOW() - INTERVAL 1 MINUTE"]
-- > types: ["LONG", "LONG", "LONG", "LONG"]
-- > rows: 1
-- > (2, 2, 1, 1)

-- case: datetime_on_update_unchanged_row
-- note: an UPDATE that changes nothing leaves ON UPDATE CURRENT_TIMESTAMP alone
CREATE TABLE t (id INT PRIMARY KEY, v INT, updated DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP);
INSERT INTO t (id, v, updated) VALUES (1, 5, '2000-01-01 00:00:00');
UPDATE t SET v = 5 WHERE id = 1;
-- expect
-- > ok: affected=0 insert_id=0
SELECT id, v, updated FROM t;
-- expect
-- > names: ["id", "v", "updated"]
-- > types: ["LONG", "LONG", "DATETIME"]
-- > rows: 1
-- > (1, 5, datetime.datetime(2000, 1, 1, 0, 0))

-- case: varchar_text_blob
CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), tx TEXT, mt MEDIUMTEXT, lt LONGTEXT, bl BLOB, lb LONGBLOB);
INSERT INTO t VALUES (1, 'héllo', 'text ✓', 'medium', 'long', X'000102FF', 'bytes');
-- expect
-- > ok: affected=1 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["id", "v", "tx", "mt", "lt", "bl", "lb"]
-- > types: ["LONG", "VAR_STRING", "BLOB", "BLOB", "BLOB", "BLOB", "BLOB"]
-- > rows: 1
-- > (1, 'héllo', 'text ✓', 'medium', 'long', b'\x00\x01\x02\xff', b'bytes')
SELECT LENGTH(v), CHAR_LENGTH(v), LENGTH(bl), HEX(bl) FROM t;
-- expect
-- > names: ["LENGTH(v)", "CHAR_LENGTH(v)", "LENGTH(bl)", "HEX(bl)"]
-- > types: ["LONG", "LONG", "LONG", "MEDIUM_BLOB"]
-- > rows: 1
-- > (6, 5, 4, '000102FF')

-- case: drop_table
CREATE TABLE t (id INT PRIMARY KEY);
DROP TABLE t;
-- expect
-- > ok: affected=0 insert_id=0
SELECT * FROM t;
-- expect
-- > error: 1146
DROP TABLE IF EXISTS t;
-- expect: affected warnings
-- > ok: affected=0 warnings=1

-- case: drop_several_tables
CREATE TABLE a (id INT);
CREATE TABLE b (id INT);
DROP TABLE a, b;
-- expect
-- > ok: affected=0 insert_id=0
SHOW TABLES;
-- expect
-- > names: ["Tables_in_{db}"]
-- > types: ["VAR_STRING"]
-- > rows: 0

-- case: truncate_table
CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT);
INSERT INTO t (v) VALUES (1), (2);
TRUNCATE TABLE t;
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO t (v) VALUES (3);
-- expect
-- > ok: affected=1 insert_id=1
SELECT id, v FROM t;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONG", "LONG"]
-- > rows: 1
-- > (1, 3)

-- case: alter_table_add_column
CREATE TABLE t (id INT PRIMARY KEY);
INSERT INTO t VALUES (1);
ALTER TABLE t ADD COLUMN n INT NOT NULL DEFAULT 7;
-- expect
-- > ok: affected=0 insert_id=0
ALTER TABLE t ADD COLUMN s VARCHAR(10) NULL;
-- expect
-- > ok: affected=0 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["id", "n", "s"]
-- > types: ["LONG", "LONG", "VAR_STRING"]
-- > rows: 1
-- > (1, 7, None)

-- case: alter_table_add_column_after
CREATE TABLE t (a INT, c INT);
ALTER TABLE t ADD COLUMN b INT AFTER a;
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO t VALUES (1, 2, 3);
SELECT * FROM t;
-- expect
-- > names: ["a", "b", "c"]
-- > types: ["LONG", "LONG", "LONG"]
-- > rows: 1
-- > (1, 2, 3)

-- case: alter_table_drop_column
CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT);
INSERT INTO t VALUES (1, 2, 3);
ALTER TABLE t DROP COLUMN a;
-- expect
-- > ok: affected=0 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["id", "b"]
-- > types: ["LONG", "LONG"]
-- > rows: 1
-- > (1, 3)

-- case: alter_table_rename_column
CREATE TABLE t (id INT PRIMARY KEY, a INT);
INSERT INTO t VALUES (1, 2);
ALTER TABLE t RENAME COLUMN a TO b;
-- expect
-- > ok: affected=0 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["id", "b"]
-- > types: ["LONG", "LONG"]
-- > rows: 1
-- > (1, 2)

-- case: alter_table_modify_column
CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(5));
INSERT INTO t VALUES (1, '12');
-- note: ALTER's affected count is how many rows InnoDB copied (0 when done in place): not compared
ALTER TABLE t MODIFY COLUMN v INT NOT NULL;
-- expect: ok
-- > ok
SELECT id, v, v + 1 FROM t;
-- expect
-- > names: ["id", "v", "v + 1"]
-- > types: ["LONG", "LONG", "LONGLONG"]
-- > rows: 1
-- > (1, 12, 13)

-- case: alter_table_change_column
CREATE TABLE t (id INT PRIMARY KEY, price DECIMAL(6,2));
INSERT INTO t VALUES (1, 1.25);
ALTER TABLE t CHANGE COLUMN price amount DECIMAL(10,3);
-- expect: ok
-- > ok
SELECT * FROM t;
-- expect
-- > names: ["id", "amount"]
-- > types: ["LONG", "NEWDECIMAL"]
-- > rows: 1
-- > (1, Decimal('1.250'))

-- case: alter_table_rename
CREATE TABLE t (id INT PRIMARY KEY);
INSERT INTO t VALUES (1);
ALTER TABLE t RENAME TO u;
-- expect
-- > ok: affected=0 insert_id=0
SELECT * FROM u;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)
SELECT * FROM t;
-- expect
-- > error: 1146

-- case: rename_table
CREATE TABLE t (id INT PRIMARY KEY);
INSERT INTO t VALUES (1);
RENAME TABLE t TO u;
-- expect
-- > ok: affected=0 insert_id=0
SELECT * FROM u;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)

-- case: alter_table_add_index_and_unique
CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(10));
ALTER TABLE t ADD INDEX ix_a (a);
-- expect
-- > ok: affected=0 insert_id=0
ALTER TABLE t ADD UNIQUE KEY uq_b (b);
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO t VALUES (1, 1, 'x');
INSERT INTO t VALUES (2, 1, 'x');
-- expect
-- > error: 1062

-- case: alter_table_add_auto_increment_primary_key
CREATE TABLE t (v INT);
INSERT INTO t VALUES (5), (6);
ALTER TABLE t ADD COLUMN id INT AUTO_INCREMENT PRIMARY KEY FIRST;
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO t (v) VALUES (7);
-- expect
-- > ok: affected=1 insert_id=3
SELECT id, v FROM t ORDER BY id;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONG", "LONG"]
-- > rows: 3
-- > (1, 5)
-- > (2, 6)
-- > (3, 7)

-- case: create_index_and_drop_index
CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT);
CREATE INDEX ix_ab ON t (a, b);
-- expect
-- > ok: affected=0 insert_id=0
CREATE UNIQUE INDEX uq_b ON t (b);
-- expect
-- > ok: affected=0 insert_id=0
DROP INDEX ix_ab ON t;
-- expect
-- > ok: affected=0 insert_id=0
ALTER TABLE t DROP INDEX uq_b;
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO t VALUES (1, 1, 1), (2, 1, 1);
-- expect
-- > ok: affected=2 insert_id=0

-- case: unique_key_in_create_table
CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(100) NOT NULL, UNIQUE KEY uq_email (email), KEY ix_id_email (id, email));
INSERT INTO t (email) VALUES ('a@example.com');
-- expect
-- > ok: affected=1 insert_id=1
INSERT INTO t (email) VALUES ('a@example.com');
-- expect
-- > error: 1062
-- note: InnoDB spends an AUTO_INCREMENT value on the failed INSERT; MySQL allows gaps, so the id is not compared
INSERT INTO t (email) VALUES ('b@example.com');
-- expect: affected
-- > ok: affected=1

-- case: composite_primary_key
CREATE TABLE t (a INT, b INT, v VARCHAR(5), PRIMARY KEY (a, b));
INSERT INTO t VALUES (1, 1, 'x'), (1, 2, 'y');
-- expect
-- > ok: affected=2 insert_id=0
INSERT INTO t VALUES (1, 1, 'z');
-- expect
-- > error: 1062
SELECT * FROM t ORDER BY a, b;
-- expect
-- > names: ["a", "b", "v"]
-- > types: ["LONG", "LONG", "VAR_STRING"]
-- > rows: 2
-- > (1, 1, 'x')
-- > (1, 2, 'y')

-- case: unique_key_allows_several_nulls
CREATE TABLE t (id INT PRIMARY KEY, u INT, UNIQUE KEY (u));
INSERT INTO t VALUES (1, NULL), (2, NULL);
-- expect
-- > ok: affected=2 insert_id=0
SELECT COUNT(*) FROM t;
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (2,)

-- case: foreign_key
CREATE TABLE parent (id INT PRIMARY KEY);
CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, FOREIGN KEY (parent_id) REFERENCES parent (id));
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO parent VALUES (1);
INSERT INTO child VALUES (1, 1);
-- expect
-- > ok: affected=1 insert_id=0
INSERT INTO child VALUES (2, 99);
-- expect
-- > error: 1452

-- case: create_table_as_select
CREATE TABLE t (id INT PRIMARY KEY, v DECIMAL(8,2));
INSERT INTO t VALUES (1, 1.50), (2, 2.25);
CREATE TABLE u AS SELECT id, v * 2 AS v2 FROM t;
-- expect
-- > ok: affected=2 insert_id=0
SELECT * FROM u ORDER BY id;
-- expect
-- > names: ["id", "v2"]
-- > types: ["LONG", "NEWDECIMAL"]
-- > rows: 2
-- > (1, Decimal('3.00'))
-- > (2, Decimal('4.50'))

-- case: create_table_like
CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(5) NOT NULL);
CREATE TABLE u LIKE t;
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO u (v) VALUES ('a');
-- expect
-- > ok: affected=1 insert_id=1
SELECT * FROM u;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONG", "VAR_STRING"]
-- > rows: 1
-- > (1, 'a')

-- case: create_and_drop_view
CREATE TABLE t (id INT PRIMARY KEY, v DECIMAL(8,2));
INSERT INTO t VALUES (1, 0.10), (2, 0.20);
CREATE VIEW vw AS SELECT SUM(v) AS total, COUNT(*) AS n FROM t;
-- expect
-- > ok: affected=0 insert_id=0
SELECT total, n FROM vw;
-- expect
-- > names: ["total", "n"]
-- > types: ["NEWDECIMAL", "LONGLONG"]
-- > rows: 1
-- > (Decimal('0.30'), 2)
CREATE OR REPLACE VIEW vw AS SELECT id FROM t WHERE v > 0.15;
-- expect
-- > ok: affected=0 insert_id=0
SELECT * FROM vw;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (2,)
DROP VIEW vw;
-- expect
-- > ok: affected=0 insert_id=0
SELECT * FROM vw;
-- expect
-- > error: 1146

-- case: temporary_table
CREATE TEMPORARY TABLE tmp (id INT PRIMARY KEY, v VARCHAR(5));
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO tmp VALUES (1, 'a');
-- expect
-- > ok: affected=1 insert_id=0
SELECT * FROM tmp;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONG", "VAR_STRING"]
-- > rows: 1
-- > (1, 'a')
DROP TEMPORARY TABLE tmp;
-- expect
-- > ok: affected=0 insert_id=0

-- case: quoted_and_reserved_identifiers
CREATE TABLE `order` (`select` INT, `group` VARCHAR(5), `my col` INT);
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO `order` (`select`, `group`, `my col`) VALUES (1, 'g', 2);
-- expect
-- > ok: affected=1 insert_id=0
SELECT `select`, `group`, `my col` FROM `order`;
-- expect
-- > names: ["select", "group", "my col"]
-- > types: ["LONG", "VAR_STRING", "LONG"]
-- > rows: 1
-- > (1, 'g', 2)

-- case: hostile_table_names
-- note: a dot or a quote in a table name must not reach another table (the embedded default stores db.t)
CREATE TABLE `a.b` (v INT);
-- expect
-- > ok: affected=0 insert_id=0
CREATE TABLE `a` (v INT);
-- expect
-- > ok: affected=0 insert_id=0
CREATE TABLE `we"ird'name` (v INT);
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO `a.b` VALUES (1);
INSERT INTO `a` VALUES (2);
INSERT INTO `we"ird'name` VALUES (3);
SELECT * FROM `a.b`;
-- expect
-- > names: ["v"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)
SELECT * FROM `a`;
-- expect
-- > names: ["v"]
-- > types: ["LONG"]
-- > rows: 1
-- > (2,)
SELECT * FROM `we"ird'name`;
-- expect
-- > names: ["v"]
-- > types: ["LONG"]
-- > rows: 1
-- > (3,)
SHOW TABLES;
-- expect
-- > names: ["Tables_in_{db}"]
-- > types: ["VAR_STRING"]
-- > rows: 3
-- > ('a',)
-- > ('a.b',)
-- > ('we"ird\'name',)

-- case: table_names_in_other_database
CREATE DATABASE `{db}_2`;
CREATE TABLE t (v INT);
CREATE TABLE `{db}_2`.t (v INT);
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO t VALUES (1);
INSERT INTO `{db}_2`.t VALUES (2);
-- expect
-- > ok: affected=1 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["v"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)
SELECT * FROM `{db}_2`.t;
-- expect
-- > names: ["v"]
-- > types: ["LONG"]
-- > rows: 1
-- > (2,)
SELECT a.v, b.v FROM t AS a JOIN `{db}_2`.t AS b;
-- expect
-- > names: ["v", "v"]
-- > types: ["LONG", "LONG"]
-- > rows: 1
-- > (1, 2)
