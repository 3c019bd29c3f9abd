-- Transactions: BEGIN/START TRANSACTION, COMMIT, ROLLBACK, SAVEPOINT, isolation between two
-- connections (each case connection `other` is a second client of the same database).

-- case: begin_commit
CREATE TABLE t (id INT PRIMARY KEY);
BEGIN;
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO t VALUES (1);
-- expect
-- > ok: affected=1 insert_id=0
COMMIT;
-- expect
-- > ok: affected=0 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)

-- case: begin_rollback
CREATE TABLE t (id INT PRIMARY KEY, v INT);
INSERT INTO t VALUES (1, 1);
BEGIN;
INSERT INTO t VALUES (2, 2);
UPDATE t SET v = 10 WHERE id = 1;
DELETE FROM t WHERE id = 1;
ROLLBACK;
-- expect
-- > ok: affected=0 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["id", "v"]
-- > types: ["LONG", "LONG"]
-- > rows: 1
-- > (1, 1)

-- case: start_transaction
CREATE TABLE t (id INT PRIMARY KEY);
START TRANSACTION;
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO t VALUES (1);
ROLLBACK;
START TRANSACTION;
INSERT INTO t VALUES (2);
COMMIT;
SELECT * FROM t;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (2,)

-- case: uncommitted_rows_are_invisible_to_others
CREATE TABLE t (id INT PRIMARY KEY);
BEGIN;
INSERT INTO t VALUES (1);
SELECT COUNT(*) FROM t;
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (1,)
-- connection: other
SELECT COUNT(*) FROM t;
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (0,)
-- connection: main
COMMIT;
-- connection: other
SELECT COUNT(*) FROM t;
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (1,)

-- case: rolled_back_rows_never_visible
CREATE TABLE t (id INT PRIMARY KEY);
BEGIN;
INSERT INTO t VALUES (1), (2);
ROLLBACK;
-- connection: other
SELECT COUNT(*) FROM t;
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (0,)

-- case: commit_without_transaction
COMMIT;
-- expect
-- > ok: affected=0 insert_id=0
ROLLBACK;
-- expect
-- > ok: affected=0 insert_id=0

-- case: begin_twice_commits_the_first
CREATE TABLE t (id INT PRIMARY KEY);
BEGIN;
INSERT INTO t VALUES (1);
BEGIN;
-- expect
-- > ok: affected=0 insert_id=0
ROLLBACK;
SELECT * FROM t;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)

-- case: error_inside_transaction_keeps_it_open
CREATE TABLE t (id INT PRIMARY KEY);
BEGIN;
INSERT INTO t VALUES (1);
INSERT INTO t VALUES (1);
-- expect
-- > error: 1062
INSERT INTO t VALUES (2);
COMMIT;
SELECT * FROM t ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 2
-- > (1,)
-- > (2,)

-- case: savepoints
CREATE TABLE t (id INT PRIMARY KEY);
BEGIN;
INSERT INTO t VALUES (1);
SAVEPOINT sp1;
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO t VALUES (2);
ROLLBACK TO SAVEPOINT sp1;
-- expect
-- > ok: affected=0 insert_id=0
INSERT INTO t VALUES (3);
RELEASE SAVEPOINT sp1;
-- expect
-- > ok: affected=0 insert_id=0
COMMIT;
SELECT * FROM t ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 2
-- > (1,)
-- > (3,)

-- case: transaction_with_last_insert_id_and_upsert
CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(5) UNIQUE, n INT);
BEGIN;
INSERT INTO t (k, n) VALUES ('a', 1);
-- expect
-- > ok: affected=1 insert_id=1
INSERT INTO t (k, n) VALUES ('a', 1) ON DUPLICATE KEY UPDATE n = n + 1;
-- expect: affected
-- > ok: affected=2
COMMIT;
SELECT k, n FROM t;
-- expect
-- > names: ["k", "n"]
-- > types: ["VAR_STRING", "LONG"]
-- > rows: 1
-- > ('a', 2)

-- case: commit_makes_rows_visible_to_a_reader_that_started_before
CREATE TABLE t (id INT PRIMARY KEY);
-- connection: other
SELECT COUNT(*) FROM t;
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (0,)
-- connection: main
BEGIN;
INSERT INTO t VALUES (1);
COMMIT;
-- connection: other
SELECT COUNT(*) FROM t;
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (1,)

-- case: read_only_transaction
CREATE TABLE t (id INT PRIMARY KEY);
INSERT INTO t VALUES (1);
START TRANSACTION READ ONLY;
-- expect
-- > ok: affected=0 insert_id=0
SELECT * FROM t;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)
COMMIT;
