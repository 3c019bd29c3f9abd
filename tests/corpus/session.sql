-- Session statements: USE, CREATE/DROP DATABASE, SET NAMES, SET autocommit, SET @var, system
-- variables (@@version: type only), DATABASE(), and what drivers and tools ask at connect time.

-- case: database_function
SELECT DATABASE();
-- expect
-- > names: ["DATABASE()"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('{db}',)
-- connection: bare nodb
SELECT DATABASE();
-- expect
-- > names: ["DATABASE()"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > (None,)

-- case: create_use_and_drop_database
CREATE DATABASE `{db}_2`;
-- expect
-- > ok: affected=1 insert_id=0
USE `{db}_2`;
-- expect
-- > ok: affected=0 insert_id=0
SELECT DATABASE();
-- expect
-- > names: ["DATABASE()"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('{db}_2',)
CREATE TABLE t (v INT);
INSERT INTO t VALUES (1);
USE `{db}`;
SELECT DATABASE();
-- expect
-- > names: ["DATABASE()"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('{db}',)
SELECT * FROM t;
-- expect
-- > error: 1146
SELECT * FROM `{db}_2`.t;
-- expect
-- > names: ["v"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)
DROP DATABASE `{db}_2`;
-- expect: ok
-- > ok
SELECT * FROM `{db}_2`.t;
-- expect
-- > error: 1146

-- case: create_database_if_not_exists
CREATE DATABASE IF NOT EXISTS `{db}`;
-- expect: affected warnings
-- > ok: affected=0 warnings=1
CREATE DATABASE `{db}`;
-- expect
-- > error: 1007
DROP DATABASE IF EXISTS `{db}_none`;
-- expect: affected warnings
-- > ok: affected=0 warnings=1

-- case: use_from_no_database
-- connection: bare nodb
SELECT * FROM t;
-- expect
-- > error: 1046
USE `{db}`;
-- expect
-- > ok: affected=0 insert_id=0
CREATE TABLE t (v INT);
SELECT * FROM t;
-- expect
-- > names: ["v"]
-- > types: ["LONG"]
-- > rows: 0

-- case: use_unknown_database
USE `{db}_missing`;
-- expect
-- > error: 1049
SELECT DATABASE();
-- expect
-- > names: ["DATABASE()"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('{db}',)

-- case: set_names
SET NAMES utf8mb4;
-- expect
-- > ok: affected=0 insert_id=0
SET NAMES 'utf8mb4' COLLATE 'utf8mb4_general_ci';
-- expect
-- > ok: affected=0 insert_id=0
SET NAMES utf8;
-- expect
-- > ok: affected=0 insert_id=0
SELECT 'héllo ✓';
-- expect: types rows
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('héllo ✓',)
SET NAMES utf8mb4;
SELECT 'héllo ✓ 😀';
-- expect: types rows
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('héllo ✓ 😀',)
SET CHARACTER SET utf8mb4;
-- expect
-- > ok: affected=0 insert_id=0

-- case: set_autocommit
SELECT @@autocommit;
-- expect
-- > names: ["@@autocommit"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (1,)
SET autocommit = 0;
-- expect
-- > ok: affected=0 insert_id=0
SELECT @@autocommit, @@session.autocommit;
-- expect
-- > names: ["@@autocommit", "@@session.autocommit"]
-- > types: ["LONGLONG", "LONGLONG"]
-- > rows: 1
-- > (0, 0)
SET autocommit = 1;
SET SESSION autocommit = ON;
-- expect
-- > ok: affected=0 insert_id=0
SELECT @@autocommit;
-- expect
-- > names: ["@@autocommit"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (1,)

-- case: autocommit_off_rolls_back
CREATE TABLE t (id INT PRIMARY KEY);
SET autocommit = 0;
INSERT INTO t VALUES (1);
ROLLBACK;
-- expect
-- > ok: affected=0 insert_id=0
SELECT COUNT(*) FROM t;
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (0,)
INSERT INTO t VALUES (2);
COMMIT;
-- expect
-- > ok: affected=0 insert_id=0
SET autocommit = 1;
-- connection: other
SELECT id FROM t;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (2,)

-- case: autocommit_off_is_invisible_to_others_until_commit
CREATE TABLE t (id INT PRIMARY KEY);
SET autocommit = 0;
INSERT INTO t VALUES (1);
-- connection: other
SELECT COUNT(*) FROM t;
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (0,)
-- connection: main
SET autocommit = 1;
-- connection: other
SELECT COUNT(*) FROM t;
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (1,)

-- case: user_variables
SET @x = 5;
-- expect
-- > ok: affected=0 insert_id=0
SELECT @x, @x + 1, @nothing;
-- expect
-- > names: ["@x", "@x + 1", "@nothing"]
-- > types: ["LONGLONG", "LONGLONG", "LONG_BLOB"]
-- > rows: 1
-- > (5, 6, None)
SET @s = 'abc', @d = 1.50, @f = 2.5e0;
SELECT @s, @d, @f, CONCAT(@s, @x);
-- expect
-- > names: ["@s", "@d", "@f", "CONCAT(@s, @x)"]
-- > types: ["LONG_BLOB", "NEWDECIMAL", "DOUBLE", "LONG_BLOB"]
-- > rows: 1
-- > ('abc', Decimal('1.50'), 2.5, 'abc5')
SELECT @y := 10, @y * 2;
-- expect
-- > names: ["@y := 10", "@y * 2"]
-- > types: ["LONG", "DOUBLE"]
-- > rows: 1
-- > (10, 20.0)

-- case: user_variables_in_queries
CREATE TABLE t (id INT PRIMARY KEY, v INT);
INSERT INTO t VALUES (1, 10), (2, 20), (3, 30);
SET @min = 15;
SELECT id FROM t WHERE v > @min ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 2
-- > (2,)
-- > (3,)
SELECT @total := SUM(v) FROM t;
-- expect
-- > names: ["@total := SUM(v)"]
-- > types: ["NEWDECIMAL"]
-- > rows: 1
-- > (Decimal('60'),)
SELECT @total;
-- expect
-- > names: ["@total"]
-- > types: ["NEWDECIMAL"]
-- > rows: 1
-- > (Decimal('60'),)

-- case: user_variables_are_per_connection
SET @x = 1;
-- connection: other
SELECT @x;
-- expect
-- > names: ["@x"]
-- > types: ["LONG_BLOB"]
-- > rows: 1
-- > (None,)

-- case: version
-- note: the server's version text cannot match MySQL's on another server: names and types only
SELECT @@version;
-- expect: names types
-- > names: ["@@version"]
-- > types: ["VAR_STRING"]
SELECT VERSION();
-- expect: names types
-- > names: ["VERSION()"]
-- > types: ["VAR_STRING"]
SELECT @@version_comment LIMIT 1;
-- expect: names types rowcount
-- > names: ["@@version_comment"]
-- > types: ["VAR_STRING"]
-- > rows: 1

-- case: system_variables_drivers_read
-- note: what SQLAlchemy (sql_mode, lower_case_table_names, tx_isolation), JDBC and the mariadb CLI ask
SELECT @@sql_mode;
-- expect
-- > names: ["@@sql_mode"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION',)
SELECT @@lower_case_table_names;
-- expect
-- > names: ["@@lower_case_table_names"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (0,)
SELECT @@tx_isolation;
-- expect: names types rowcount
-- > names: ["@@tx_isolation"]
-- > types: ["VAR_STRING"]
-- > rows: 1
SELECT @@session.tx_read_only, @@max_allowed_packet;
-- expect: names types rowcount
-- > names: ["@@session.tx_read_only", "@@max_allowed_packet"]
-- > types: ["LONGLONG", "LONGLONG"]
-- > rows: 1
SELECT @@character_set_client, @@character_set_connection, @@character_set_results, @@collation_connection;
-- expect
-- > names: ["@@character_set_client", "@@character_set_connection", "@@character_set_results", "@@collation_connection"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('utf8mb4', 'utf8mb4', 'utf8mb4', 'utf8mb4_general_ci')
SELECT @@time_zone, @@system_time_zone;
-- expect: names types rowcount
-- > names: ["@@time_zone", "@@system_time_zone"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1
SELECT @@GLOBAL.max_connections, @@session.wait_timeout, @@interactive_timeout;
-- expect: names types rowcount
-- > names: ["@@GLOBAL.max_connections", "@@session.wait_timeout", "@@interactive_timeout"]
-- > types: ["LONGLONG", "LONGLONG", "LONGLONG"]
-- > rows: 1

-- case: connection_id_and_user
SELECT CONNECTION_ID();
-- expect: names types rowcount
-- > names: ["CONNECTION_ID()"]
-- > types: ["LONG"]
-- > rows: 1
SELECT CURRENT_USER(), USER();
-- expect: names types rowcount
-- > names: ["CURRENT_USER()", "USER()"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1

-- case: set_session_variables
SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION';
-- expect
-- > ok: affected=0 insert_id=0
SELECT @@sql_mode;
-- expect
-- > names: ["@@sql_mode"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION',)
SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED;
-- expect
-- > ok: affected=0 insert_id=0
SET time_zone = '+00:00';
-- expect
-- > ok: affected=0 insert_id=0
SET SQL_SELECT_LIMIT = DEFAULT;
-- expect
-- > ok: affected=0 insert_id=0

-- case: mariadb_cli_status
-- note: what `mariadb` sends on connect and for \s
SELECT @@version_comment LIMIT 1;
-- expect: names types rowcount
-- > names: ["@@version_comment"]
-- > types: ["VAR_STRING"]
-- > rows: 1
SELECT DATABASE(), USER() LIMIT 1;
-- expect: names types rowcount
-- > names: ["DATABASE()", "USER()"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1

-- case: sqlalchemy_initialize
-- note: the statements SQLAlchemy's MySQL dialect runs on its first connection
SELECT DATABASE();
-- expect
-- > names: ["DATABASE()"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('{db}',)
SELECT @@sql_mode;
-- expect
-- > names: ["@@sql_mode"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION',)
SELECT @@lower_case_table_names;
-- expect
-- > names: ["@@lower_case_table_names"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (0,)
SHOW COLLATION;
-- expect: names types
-- > names: ["Collation", "Charset", "Id", "Default", "Compiled", "Sortlen"]
-- > types: ["VAR_STRING", "VAR_STRING", "LONGLONG", "VAR_STRING", "VAR_STRING", "LONGLONG"]
SELECT @@tx_isolation;
-- expect: names types rowcount
-- > names: ["@@tx_isolation"]
-- > types: ["VAR_STRING"]
-- > rows: 1
