-- Introspection: SHOW DATABASES/TABLES/FULL TABLES/COLUMNS/DESCRIBE/CREATE TABLE/INDEX/VARIABLES
-- and the information_schema queries that SQLAlchemy reflection and the mariadb CLI send.

-- case: show_databases
-- note: other databases on the server differ: the full list compares names and types only
SHOW DATABASES;
-- expect: names types
-- > names: ["Database"]
-- > types: ["VAR_STRING"]
SHOW DATABASES LIKE '{db}';
-- expect
-- > names: ["Database ({db})"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('{db}',)
SHOW SCHEMAS LIKE '{db}';
-- expect
-- > names: ["Database ({db})"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('{db}',)
SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{db}';
-- expect
-- > names: ["SCHEMA_NAME", "DEFAULT_CHARACTER_SET_NAME"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('{db}', 'utf8mb4')

-- case: show_tables
CREATE TABLE zeta (id INT);
CREATE TABLE alpha (id INT);
CREATE TABLE `Mixed_Case` (id INT);
SHOW TABLES;
-- expect
-- > names: ["Tables_in_{db}"]
-- > types: ["VAR_STRING"]
-- > rows: 3
-- > ('Mixed_Case',)
-- > ('alpha',)
-- > ('zeta',)
SHOW TABLES LIKE 'a%';
-- expect
-- > names: ["Tables_in_{db} (a%)"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('alpha',)
SHOW TABLES FROM `{db}`;
-- expect
-- > names: ["Tables_in_{db}"]
-- > types: ["VAR_STRING"]
-- > rows: 3
-- > ('Mixed_Case',)
-- > ('alpha',)
-- > ('zeta',)
SHOW TABLES IN `{db}` LIKE 'zeta';
-- expect
-- > names: ["Tables_in_{db} (zeta)"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('zeta',)

-- case: show_tables_empty
SHOW TABLES;
-- expect
-- > names: ["Tables_in_{db}"]
-- > types: ["VAR_STRING"]
-- > rows: 0

-- case: show_full_tables
CREATE TABLE t (id INT);
CREATE VIEW v AS SELECT id FROM t;
SHOW FULL TABLES;
-- expect
-- > names: ["Tables_in_{db}", "Table_type"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 2
-- > ('t', 'BASE TABLE')
-- > ('v', 'VIEW')
SHOW FULL TABLES FROM `{db}`;
-- expect
-- > names: ["Tables_in_{db}", "Table_type"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 2
-- > ('t', 'BASE TABLE')
-- > ('v', 'VIEW')
SHOW FULL TABLES WHERE Table_type = 'BASE TABLE';
-- expect
-- > names: ["Tables_in_{db}", "Table_type"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('t', 'BASE TABLE')

-- case: show_columns_and_describe
CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL DEFAULT '', price DECIMAL(10,2), note TEXT, data BLOB, code CHAR(3) UNIQUE, qty INT UNSIGNED DEFAULT 0, KEY ix_name (name));
SHOW COLUMNS FROM t;
-- expect
-- > names: ["Field", "Type", "Null", "Key", "Default", "Extra"]
-- > types: ["VAR_STRING", "BLOB", "VAR_STRING", "VAR_STRING", "BLOB", "VAR_STRING"]
-- > rows: 7
-- > ('id', 'int(11)', 'NO', 'PRI', None, 'auto_increment')
-- > ('name', 'varchar(50)', 'NO', 'MUL', '', '')
-- > ('price', 'decimal(10,2)', 'YES', '', None, '')
-- > ('note', 'text', 'YES', '', None, '')
-- > ('data', 'blob', 'YES', '', None, '')
-- > ('code', 'char(3)', 'YES', 'UNI', None, '')
-- > ('qty', 'int(10) unsigned', 'YES', '', '0', '')
DESCRIBE t;
-- expect
-- > names: ["Field", "Type", "Null", "Key", "Default", "Extra"]
-- > types: ["VAR_STRING", "BLOB", "VAR_STRING", "VAR_STRING", "BLOB", "VAR_STRING"]
-- > rows: 7
-- > ('id', 'int(11)', 'NO', 'PRI', None, 'auto_increment')
-- > ('name', 'varchar(50)', 'NO', 'MUL', '', '')
-- > ('price', 'decimal(10,2)', 'YES', '', None, '')
-- > ('note', 'text', 'YES', '', None, '')
-- > ('data', 'blob', 'YES', '', None, '')
-- > ('code', 'char(3)', 'YES', 'UNI', None, '')
-- > ('qty', 'int(10) unsigned', 'YES', '', '0', '')
DESC t;
-- expect
-- > names: ["Field", "Type", "Null", "Key", "Default", "Extra"]
-- > types: ["VAR_STRING", "BLOB", "VAR_STRING", "VAR_STRING", "BLOB", "VAR_STRING"]
-- > rows: 7
-- > ('id', 'int(11)', 'NO', 'PRI', None, 'auto_increment')
-- > ('name', 'varchar(50)', 'NO', 'MUL', '', '')
-- > ('price', 'decimal(10,2)', 'YES', '', None, '')
-- > ('note', 'text', 'YES', '', None, '')
-- > ('data', 'blob', 'YES', '', None, '')
-- > ('code', 'char(3)', 'YES', 'UNI', None, '')
-- > ('qty', 'int(10) unsigned', 'YES', '', '0', '')
SHOW COLUMNS FROM t FROM `{db}`;
-- expect
-- > names: ["Field", "Type", "Null", "Key", "Default", "Extra"]
-- > types: ["VAR_STRING", "BLOB", "VAR_STRING", "VAR_STRING", "BLOB", "VAR_STRING"]
-- > rows: 7
-- > ('id', 'int(11)', 'NO', 'PRI', None, 'auto_increment')
-- > ('name', 'varchar(50)', 'NO', 'MUL', '', '')
-- > ('price', 'decimal(10,2)', 'YES', '', None, '')
-- > ('note', 'text', 'YES', '', None, '')
-- > ('data', 'blob', 'YES', '', None, '')
-- > ('code', 'char(3)', 'YES', 'UNI', None, '')
-- > ('qty', 'int(10) unsigned', 'YES', '', '0', '')
SHOW COLUMNS FROM t LIKE 'p%';
-- expect
-- > names: ["Field", "Type", "Null", "Key", "Default", "Extra"]
-- > types: ["VAR_STRING", "BLOB", "VAR_STRING", "VAR_STRING", "BLOB", "VAR_STRING"]
-- > rows: 1
-- > ('price', 'decimal(10,2)', 'YES', '', None, '')
DESCRIBE `{db}`.t;
-- expect
-- > names: ["Field", "Type", "Null", "Key", "Default", "Extra"]
-- > types: ["VAR_STRING", "BLOB", "VAR_STRING", "VAR_STRING", "BLOB", "VAR_STRING"]
-- > rows: 7
-- > ('id', 'int(11)', 'NO', 'PRI', None, 'auto_increment')
-- > ('name', 'varchar(50)', 'NO', 'MUL', '', '')
-- > ('price', 'decimal(10,2)', 'YES', '', None, '')
-- > ('note', 'text', 'YES', '', None, '')
-- > ('data', 'blob', 'YES', '', None, '')
-- > ('code', 'char(3)', 'YES', 'UNI', None, '')
-- > ('qty', 'int(10) unsigned', 'YES', '', '0', '')

-- case: describe_time_columns
-- note: MariaDB spells these defaults current_timestamp(); the comparison is MariaDB's text
CREATE TABLE t (id INT PRIMARY KEY, created DATETIME DEFAULT CURRENT_TIMESTAMP, updated TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, d DATE);
DESCRIBE t;
-- expect
-- > names: ["Field", "Type", "Null", "Key", "Default", "Extra"]
-- > types: ["VAR_STRING", "BLOB", "VAR_STRING", "VAR_STRING", "BLOB", "VAR_STRING"]
-- > rows: 4
-- > ('id', 'int(11)', 'NO', 'PRI', None, '')
-- > ('created', 'datetime', 'YES', '', 'current_timestamp()', '')
-- > ('updated', 'timestamp', 'NO', '', 'current_timestamp()', 'on update current_timestamp()')
-- > ('d', 'date', 'YES', '', None, '')

-- case: show_full_columns
CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20));
SHOW FULL COLUMNS FROM t;
-- expect: names types rowcount
-- > names: ["Field", "Type", "Collation", "Null", "Key", "Default", "Extra", "Privileges", "Comment"]
-- > types: ["VAR_STRING", "BLOB", "VAR_STRING", "VAR_STRING", "VAR_STRING", "BLOB", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 2

-- case: describe_missing_table
-- note: SQLAlchemy's has_table() runs DESCRIBE and looks for error 1146
DESCRIBE nope;
-- expect
-- > error: 1146
SHOW COLUMNS FROM nope;
-- expect
-- > error: 1146
SHOW CREATE TABLE nope;
-- expect
-- > error: 1146

-- case: show_create_table
-- mask: \) ENGINE=.*$
-- note: the table options after the closing parenthesis (ENGINE, AUTO_INCREMENT, CHARSET, COLLATE) are masked
CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT, name VARCHAR(50) NOT NULL, price DECIMAL(10,2) DEFAULT NULL, PRIMARY KEY (id), UNIQUE KEY uq_name (name), KEY ix_price (price));
SHOW CREATE TABLE t;
-- expect
-- > names: ["Table", "Create Table"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('t', 'CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `name` varchar(50) NOT NULL,\n  `price` decimal(10,2) DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `uq_name` (`name`),\n  KEY `ix_price` (`price`)\n<masked>')

-- case: show_create_table_types_and_defaults
-- mask: \) ENGINE=.*$
CREATE TABLE t (a BIGINT NOT NULL, b TINYINT(1) DEFAULT 0, c DOUBLE, d DATE, e DATETIME DEFAULT CURRENT_TIMESTAMP, f TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, g TEXT, h BLOB, i VARCHAR(10) DEFAULT 'x', PRIMARY KEY (a));
SHOW CREATE TABLE t;
-- expect
-- > names: ["Table", "Create Table"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('t', "CREATE TABLE `t` (\n  `a` bigint(20) NOT NULL,\n  `b` tinyint(1) DEFAULT 0,\n  `c` double DEFAULT NULL,\n  `d` date DEFAULT NULL,\n  `e` datetime DEFAULT current_timestamp(),\n  `f` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),\n  `g` text DEFAULT NULL,\n  `h` blob DEFAULT NULL,\n  `i` varchar(10) DEFAULT 'x',\n  PRIMARY KEY (`a`)\n<masked>")

-- case: show_index
CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(10), c INT, UNIQUE KEY uq_b (b), KEY ix_ac (a, c));
SHOW INDEX FROM t;
-- expect
-- > names: ["Table", "Non_unique", "Key_name", "Seq_in_index", "Column_name", "Collation", "Cardinality", "Sub_part", "Packed", "Null", "Index_type", "Comment", "Index_comment", "Ignored"]
-- > types: ["VAR_STRING", "LONGLONG", "VAR_STRING", "LONG", "VAR_STRING", "VAR_STRING", "LONGLONG", "LONGLONG", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 4
-- > ('t', 0, 'PRIMARY', 1, 'id', 'A', 0, None, None, '', 'BTREE', '', '', 'NO')
-- > ('t', 0, 'uq_b', 1, 'b', 'A', 0, None, None, 'YES', 'BTREE', '', '', 'NO')
-- > ('t', 1, 'ix_ac', 1, 'a', 'A', 0, None, None, 'YES', 'BTREE', '', '', 'NO')
-- > ('t', 1, 'ix_ac', 2, 'c', 'A', 0, None, None, 'YES', 'BTREE', '', '', 'NO')
SHOW INDEXES FROM t FROM `{db}`;
-- expect: names types rowcount
-- > names: ["Table", "Non_unique", "Key_name", "Seq_in_index", "Column_name", "Collation", "Cardinality", "Sub_part", "Packed", "Null", "Index_type", "Comment", "Index_comment", "Ignored"]
-- > types: ["VAR_STRING", "LONGLONG", "VAR_STRING", "LONG", "VAR_STRING", "VAR_STRING", "LONGLONG", "LONGLONG", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 4
SHOW KEYS FROM t;
-- expect: names types rowcount
-- > names: ["Table", "Non_unique", "Key_name", "Seq_in_index", "Column_name", "Collation", "Cardinality", "Sub_part", "Packed", "Null", "Index_type", "Comment", "Index_comment", "Ignored"]
-- > types: ["VAR_STRING", "LONGLONG", "VAR_STRING", "LONG", "VAR_STRING", "VAR_STRING", "LONGLONG", "LONGLONG", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 4

-- case: show_index_key_columns
-- note: Table, Non_unique, Key_name, Seq_in_index, Column_name of SHOW INDEX, selected through information_schema.STATISTICS as well
CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(10), c INT, UNIQUE KEY uq_b (b), KEY ix_ac (a, c));
SELECT TABLE_NAME, NON_UNIQUE, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NULLABLE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 't' ORDER BY INDEX_NAME, SEQ_IN_INDEX;
-- expect
-- > names: ["TABLE_NAME", "NON_UNIQUE", "INDEX_NAME", "SEQ_IN_INDEX", "COLUMN_NAME", "NULLABLE"]
-- > types: ["VAR_STRING", "LONGLONG", "VAR_STRING", "LONG", "VAR_STRING", "VAR_STRING"]
-- > rows: 4
-- > ('t', 1, 'ix_ac', 1, 'a', 'YES')
-- > ('t', 1, 'ix_ac', 2, 'c', 'YES')
-- > ('t', 0, 'PRIMARY', 1, 'id', '')
-- > ('t', 0, 'uq_b', 1, 'b', 'YES')

-- case: show_variables_like
SHOW VARIABLES LIKE 'autocommit';
-- expect
-- > names: ["Variable_name", "Value"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('autocommit', 'ON')
SHOW VARIABLES LIKE 'lower_case_table_names';
-- expect
-- > names: ["Variable_name", "Value"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('lower_case_table_names', '0')
SHOW VARIABLES LIKE 'sql_mode';
-- expect
-- > names: ["Variable_name", "Value"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('sql_mode', 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION')
SHOW SESSION VARIABLES LIKE 'character_set_client';
-- expect
-- > names: ["Variable_name", "Value"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('character_set_client', 'utf8mb4')
SHOW VARIABLES LIKE 'version';
-- expect: names types rowcount
-- > names: ["Variable_name", "Value"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1
SHOW VARIABLES LIKE 'max_allowed_packet';
-- expect: names types rowcount
-- > names: ["Variable_name", "Value"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1
SHOW GLOBAL VARIABLES LIKE 'nothing_like_this';
-- expect
-- > names: ["Variable_name", "Value"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 0
SHOW VARIABLES WHERE Variable_name = 'autocommit';
-- expect
-- > names: ["Variable_name", "Value"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('autocommit', 'ON')

-- case: show_status_and_warnings
CREATE TABLE t (id INT PRIMARY KEY);
INSERT IGNORE INTO t VALUES (1), (1);
SHOW WARNINGS;
-- expect: names types rowcount
-- > names: ["Level", "Code", "Message"]
-- > types: ["VAR_STRING", "LONG", "VAR_STRING"]
-- > rows: 1
SHOW COUNT(*) WARNINGS;
-- expect: names types rowcount
-- > names: ["@@session.warning_count"]
-- > types: ["LONGLONG"]
-- > rows: 1
SHOW STATUS LIKE 'Uptime';
-- expect: names types rowcount
-- > names: ["Variable_name", "Value"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1

-- case: show_engines_and_charset
SHOW CHARACTER SET LIKE 'utf8mb4';
-- expect
-- > names: ["Charset", "Description", "Default collation", "Maxlen"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "LONGLONG"]
-- > rows: 1
-- > ('utf8mb4', 'UTF-8 Unicode', 'utf8mb4_general_ci', 4)
SHOW COLLATION WHERE Charset = 'utf8mb4' AND Collation = 'utf8mb4_bin';
-- expect
-- > names: ["Collation", "Charset", "Id", "Default", "Compiled", "Sortlen"]
-- > types: ["VAR_STRING", "VAR_STRING", "LONGLONG", "VAR_STRING", "VAR_STRING", "LONGLONG"]
-- > rows: 1
-- > ('utf8mb4_bin', 'utf8mb4', 46, '', 'Yes', 1)
SHOW ENGINES;
-- expect: names types
-- > names: ["Engine", "Support", "Comment", "Transactions", "XA", "Savepoints"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]

-- case: information_schema_tables
CREATE TABLE t (id INT);
CREATE TABLE u (id INT);
CREATE VIEW v AS SELECT id FROM t;
SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{db}' ORDER BY TABLE_NAME;
-- expect
-- > names: ["TABLE_SCHEMA", "TABLE_NAME", "TABLE_TYPE"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 3
-- > ('{db}', 't', 'BASE TABLE')
-- > ('{db}', 'u', 'BASE TABLE')
-- > ('{db}', 'v', 'VIEW')
SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE='SEQUENCE' and TABLE_SCHEMA='{db}';
-- expect
-- > names: ["TABLE_NAME"]
-- > types: ["VAR_STRING"]
-- > rows: 0
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '{db}' AND table_name = 't';
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (1,)
SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'VIEW';
-- expect
-- > names: ["table_name"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('v',)

-- case: information_schema_columns
CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL DEFAULT 'x', price DECIMAL(10,2), created DATETIME, note TEXT);
SELECT COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, COLUMN_TYPE, COLUMN_KEY, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 't' ORDER BY ORDINAL_POSITION;
-- expect
-- > names: ["COLUMN_NAME", "ORDINAL_POSITION", "COLUMN_DEFAULT", "IS_NULLABLE", "DATA_TYPE", "CHARACTER_MAXIMUM_LENGTH", "NUMERIC_PRECISION", "NUMERIC_SCALE", "COLUMN_TYPE", "COLUMN_KEY", "EXTRA"]
-- > types: ["VAR_STRING", "LONGLONG", "BLOB", "VAR_STRING", "VAR_STRING", "LONGLONG", "LONGLONG", "LONGLONG", "BLOB", "VAR_STRING", "VAR_STRING"]
-- > rows: 5
-- > ('id', 1, None, 'NO', 'int', None, 10, 0, 'int(11)', 'PRI', 'auto_increment')
-- > ('name', 2, "'x'", 'NO', 'varchar', 50, None, None, 'varchar(50)', '', '')
-- > ('price', 3, 'NULL', 'YES', 'decimal', None, 10, 2, 'decimal(10,2)', '', '')
-- > ('created', 4, 'NULL', 'YES', 'datetime', None, None, None, 'datetime', '', '')
-- > ('note', 5, 'NULL', 'YES', 'text', 65535, None, None, 'text', '', '')
SELECT table_schema, table_name, column_name FROM information_schema.columns WHERE table_schema = '{db}' AND table_name = 't' AND lower(column_name) IN ('id', 'price') ORDER BY column_name;
-- expect
-- > names: ["table_schema", "table_name", "column_name"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 2
-- > ('{db}', 't', 'id')
-- > ('{db}', 't', 'price')

-- case: information_schema_key_column_usage
CREATE TABLE parent (id INT PRIMARY KEY, code VARCHAR(5) UNIQUE);
CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id));
SELECT CONSTRAINT_NAME, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = '{db}' ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION;
-- expect
-- > names: ["CONSTRAINT_NAME", "TABLE_NAME", "COLUMN_NAME", "ORDINAL_POSITION", "REFERENCED_TABLE_SCHEMA", "REFERENCED_TABLE_NAME", "REFERENCED_COLUMN_NAME"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "LONGLONG", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 4
-- > ('fk_parent', 'child', 'parent_id', 1, '{db}', 'parent', 'id')
-- > ('PRIMARY', 'child', 'id', 1, None, None, None)
-- > ('code', 'parent', 'code', 1, None, None, None)
-- > ('PRIMARY', 'parent', 'id', 1, None, None, None)
SELECT CONSTRAINT_NAME, TABLE_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = '{db}' ORDER BY TABLE_NAME, CONSTRAINT_NAME;
-- expect
-- > names: ["CONSTRAINT_NAME", "TABLE_NAME", "CONSTRAINT_TYPE"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 4
-- > ('fk_parent', 'child', 'FOREIGN KEY')
-- > ('PRIMARY', 'child', 'PRIMARY KEY')
-- > ('code', 'parent', 'UNIQUE')
-- > ('PRIMARY', 'parent', 'PRIMARY KEY')

-- case: information_schema_statistics
CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, UNIQUE KEY uq_a (a), KEY ix_ba (b, a));
SELECT INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 't' ORDER BY INDEX_NAME, SEQ_IN_INDEX;
-- expect
-- > names: ["INDEX_NAME", "NON_UNIQUE", "SEQ_IN_INDEX", "COLUMN_NAME"]
-- > types: ["VAR_STRING", "LONGLONG", "LONG", "VAR_STRING"]
-- > rows: 4
-- > ('ix_ba', 1, 1, 'b')
-- > ('ix_ba', 1, 2, 'a')
-- > ('PRIMARY', 0, 1, 'id')
-- > ('uq_a', 0, 1, 'a')

-- case: information_schema_empty_schema
SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{db}';
-- expect
-- > names: ["TABLE_NAME"]
-- > types: ["VAR_STRING"]
-- > rows: 0
SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 'nope';
-- expect
-- > names: ["COLUMN_NAME"]
-- > types: ["VAR_STRING"]
-- > rows: 0
