-- Errors: the MySQL error code of each failure (the message text is not compared: servers word
-- it differently); after an error the connection keeps working.

-- case: syntax_error
SELEC 1;
-- expect
-- > error: 1064
SELECT * FORM t;
-- expect
-- > error: 1064
SELECT 1 +;
-- expect
-- > error: 1064
SELECT 1;
-- expect
-- > names: ["1"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)

-- case: unknown_table
SELECT * FROM nope;
-- expect
-- > error: 1146
INSERT INTO nope VALUES (1);
-- expect
-- > error: 1146
UPDATE nope SET a = 1;
-- expect
-- > error: 1146
DELETE FROM nope;
-- expect
-- > error: 1146
DROP TABLE nope;
-- expect
-- > error: 1051
ALTER TABLE nope ADD COLUMN x INT;
-- expect
-- > error: 1146

-- case: unknown_column
CREATE TABLE t (id INT);
SELECT nope FROM t;
-- expect
-- > error: 1054
INSERT INTO t (nope) VALUES (1);
-- expect
-- > error: 1054
UPDATE t SET nope = 1;
-- expect
-- > error: 1054
SELECT id FROM t ORDER BY nope;
-- expect
-- > error: 1054

-- case: duplicate_key
CREATE TABLE t (id INT PRIMARY KEY, u VARCHAR(5) UNIQUE);
INSERT INTO t VALUES (1, 'a');
INSERT INTO t VALUES (1, 'b');
-- expect
-- > error: 1062
INSERT INTO t VALUES (2, 'a');
-- expect
-- > error: 1062
SELECT COUNT(*) FROM t;
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (1,)

-- case: no_database_selected
-- connection: bare nodb
SELECT * FROM t;
-- expect
-- > error: 1046
CREATE TABLE t (id INT);
-- expect
-- > error: 1046
SHOW TABLES;
-- expect
-- > error: 1046
SELECT 1;
-- expect
-- > names: ["1"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)

-- case: unknown_database
SELECT * FROM `{db}_missing`.t;
-- expect
-- > error: 1146
SHOW TABLES FROM `{db}_missing`;
-- expect
-- > error: 1049
DROP DATABASE `{db}_missing`;
-- expect
-- > error: 1008

-- case: table_already_exists
CREATE TABLE t (id INT);
CREATE TABLE t (id INT);
-- expect
-- > error: 1050

-- case: column_count_mismatch
CREATE TABLE t (a INT, b INT);
INSERT INTO t VALUES (1);
-- expect
-- > error: 1136
INSERT INTO t (a) VALUES (1, 2);
-- expect
-- > error: 1136

-- case: not_null_violation
CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(5) NOT NULL);
INSERT INTO t VALUES (1, NULL);
-- expect
-- > error: 1048
INSERT INTO t (id) VALUES (2);
-- expect
-- > error: 1364
INSERT INTO t VALUES (3, 'ok');
UPDATE t SET v = NULL;
-- expect
-- > error: 1048

-- case: data_too_long
CREATE TABLE t (v VARCHAR(3));
INSERT INTO t VALUES ('abcd');
-- expect
-- > error: 1406
INSERT INTO t VALUES ('abc');
-- expect
-- > ok: affected=1 insert_id=0

-- case: incorrect_integer_value
CREATE TABLE t (i INT, ti TINYINT);
INSERT INTO t (i) VALUES ('abc');
-- expect
-- > error: 1366
INSERT INTO t (ti) VALUES (1000);
-- expect
-- > error: 1264

-- case: ambiguous_column
CREATE TABLE a (id INT);
CREATE TABLE b (id INT);
SELECT id FROM a JOIN b;
-- expect
-- > error: 1052

-- case: unknown_function
SELECT NO_SUCH_FUNCTION(1);
-- expect
-- > error: 1305

-- case: unknown_system_variable
SELECT @@no_such_variable;
-- expect
-- > error: 1193
SET no_such_variable = 1;
-- expect
-- > error: 1193

-- case: subquery_returns_more_than_one_row
CREATE TABLE t (id INT);
INSERT INTO t VALUES (1), (2);
SELECT (SELECT id FROM t);
-- expect
-- > error: 1242

-- case: wrong_group_by_use
CREATE TABLE t (id INT);
SELECT id FROM t WHERE COUNT(*) > 1;
-- expect
-- > error: 1111

-- case: drop_missing_index
CREATE TABLE t (id INT);
DROP INDEX nope ON t;
-- expect
-- > error: 1091

-- case: duplicate_column_name
CREATE TABLE t (a INT, a INT);
-- expect
-- > error: 1060

-- case: incomplete_statement
SELECT 1 FROM;
-- expect
-- > error: 1064

-- case: errors_inside_a_connection_do_not_close_it
CREATE TABLE t (id INT PRIMARY KEY);
INSERT INTO t VALUES (1);
SELEC oops;
-- expect
-- > error: 1064
INSERT INTO t VALUES (1);
-- expect
-- > error: 1062
SELECT * FROM nope;
-- expect
-- > error: 1146
SELECT COUNT(*) FROM t;
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (1,)
