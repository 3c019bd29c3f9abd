-- Common MySQL functions: conditionals, strings, GROUP_CONCAT, LAST_INSERT_ID, numbers, casts.
-- Date and time functions are in datetime.sql.

-- case: ifnull_if_coalesce_nullif
SELECT IFNULL(NULL, 'dflt'), IFNULL('v', 'dflt'), IFNULL(NULL, 5), IF(1 > 0, 'yes', 'no'), IF(NULL, 1, 2);
-- expect
-- > names: ["IFNULL(NULL, 'dflt')", "IFNULL('v', 'dflt')", "IFNULL(NULL, 5)", "IF(1 > 0, 'yes', 'no')", "IF(NULL, 1, 2)"]
-- > types: ["VAR_STRING", "VAR_STRING", "LONG", "VAR_STRING", "LONG"]
-- > rows: 1
-- > ('dflt', 'v', 5, 'yes', 2)
SELECT COALESCE(NULL, NULL, 3), NULLIF(5, 5), NULLIF(5, 6), IF(2 > 1, 1.5, 2);
-- expect
-- > names: ["COALESCE(NULL, NULL, 3)", "NULLIF(5, 5)", "NULLIF(5, 6)", "IF(2 > 1, 1.5, 2)"]
-- > types: ["LONG", "LONG", "LONG", "NEWDECIMAL"]
-- > rows: 1
-- > (3, None, 5, Decimal('1.5'))

-- case: ifnull_on_columns
CREATE TABLE t (id INT PRIMARY KEY, a INT, d DECIMAL(6,2), s VARCHAR(5));
INSERT INTO t VALUES (1, NULL, NULL, NULL), (2, 4, 1.10, 'x');
SELECT id, IFNULL(a, 0), IFNULL(d, 0), IFNULL(s, '-'), IF(a IS NULL, 'none', 'some') FROM t ORDER BY id;
-- expect
-- > names: ["id", "IFNULL(a, 0)", "IFNULL(d, 0)", "IFNULL(s, '-')", "IF(a IS NULL, 'none', 'some')"]
-- > types: ["LONG", "LONG", "NEWDECIMAL", "VAR_STRING", "VAR_STRING"]
-- > rows: 2
-- > (1, 0, Decimal('0.00'), '-', 'none')
-- > (2, 4, Decimal('1.10'), 'x', 'some')

-- case: concat_and_concat_ws
SELECT CONCAT('a', 'b', 'c'), CONCAT('n=', 5), CONCAT('a', NULL), CONCAT_WS('-', 'a', NULL, 'c'), CONCAT_WS(', ', 'x');
-- expect
-- > names: ["CONCAT('a', 'b', 'c')", "CONCAT('n=', 5)", "CONCAT('a', NULL)", "CONCAT_WS('-', 'a', NULL, 'c')", "CONCAT_WS(', ', 'x')"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('abc', 'n=5', None, 'a-c', 'x')
SELECT CONCAT(1.50, '|', 2), CONCAT_WS(NULL, 'a', 'b');
-- expect
-- > names: ["CONCAT(1.50, '|', 2)", "CONCAT_WS(NULL, 'a', 'b')"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('1.50|2', None)

-- case: concat_on_columns
CREATE TABLE t (id INT PRIMARY KEY, first VARCHAR(10), last VARCHAR(10), n INT);
INSERT INTO t VALUES (1, 'Ada', 'Lovelace', 36), (2, 'Alan', NULL, 41);
SELECT id, CONCAT(first, ' ', last), CONCAT_WS(' ', first, last), CONCAT(first, ' (', n, ')') FROM t ORDER BY id;
-- expect
-- > names: ["id", "CONCAT(first, ' ', last)", "CONCAT_WS(' ', first, last)", "CONCAT(first, ' (', n, ')')"]
-- > types: ["LONG", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 2
-- > (1, 'Ada Lovelace', 'Ada Lovelace', 'Ada (36)')
-- > (2, None, 'Alan', 'Alan (41)')

-- case: group_concat
CREATE TABLE t (g VARCHAR(5), v VARCHAR(5), n INT);
INSERT INTO t VALUES ('a', 'x', 3), ('a', 'y', 1), ('a', 'x', 2), ('b', 'z', 1), ('c', NULL, 1);
SELECT g, GROUP_CONCAT(v ORDER BY n) FROM t GROUP BY g ORDER BY g;
-- expect
-- > names: ["g", "GROUP_CONCAT(v ORDER BY n)"]
-- > types: ["VAR_STRING", "BLOB"]
-- > rows: 3
-- > ('a', 'y,x,x')
-- > ('b', 'z')
-- > ('c', None)
SELECT g, GROUP_CONCAT(DISTINCT v ORDER BY v SEPARATOR ';') FROM t GROUP BY g ORDER BY g;
-- expect
-- > names: ["g", "GROUP_CONCAT(DISTINCT v ORDER BY v SEPARATOR ';')"]
-- > types: ["VAR_STRING", "BLOB"]
-- > rows: 3
-- > ('a', 'x;y')
-- > ('b', 'z')
-- > ('c', None)
SELECT GROUP_CONCAT(n ORDER BY n DESC) FROM t;
-- expect
-- > names: ["GROUP_CONCAT(n ORDER BY n DESC)"]
-- > types: ["BLOB"]
-- > rows: 1
-- > ('3,2,1,1,1',)
SELECT g, GROUP_CONCAT(CONCAT(v, ':', n) ORDER BY n SEPARATOR ' | ') FROM t WHERE v IS NOT NULL GROUP BY g ORDER BY g;
-- expect
-- > names: ["g", "GROUP_CONCAT(CONCAT(v, ':', n) ORDER BY n SEPARATOR ' | ')"]
-- > types: ["VAR_STRING", "BLOB"]
-- > rows: 2
-- > ('a', 'y:1 | x:2 | x:3')
-- > ('b', 'z:1')

-- case: last_insert_id
CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT);
SELECT LAST_INSERT_ID();
-- expect
-- > names: ["LAST_INSERT_ID()"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (0,)
INSERT INTO t (v) VALUES (1);
SELECT LAST_INSERT_ID();
-- expect
-- > names: ["LAST_INSERT_ID()"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (1,)
INSERT INTO t (v) VALUES (2), (3);
SELECT LAST_INSERT_ID();
-- expect
-- > names: ["LAST_INSERT_ID()"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (2,)
INSERT INTO t (id, v) VALUES (50, 4);
SELECT LAST_INSERT_ID();
-- expect
-- > names: ["LAST_INSERT_ID()"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (2,)
UPDATE t SET v = 9 WHERE id = 1;
SELECT LAST_INSERT_ID();
-- expect
-- > names: ["LAST_INSERT_ID()"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (2,)

-- case: last_insert_id_is_per_connection
CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT);
INSERT INTO t (v) VALUES (1);
-- connection: other
INSERT INTO t (v) VALUES (2), (3), (4);
-- connection: main
SELECT LAST_INSERT_ID();
-- expect
-- > names: ["LAST_INSERT_ID()"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (1,)
-- connection: other
SELECT LAST_INSERT_ID();
-- expect
-- > names: ["LAST_INSERT_ID()"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (2,)

-- case: last_insert_id_with_expression
CREATE TABLE seq (id INT NOT NULL);
INSERT INTO seq VALUES (0);
UPDATE seq SET id = LAST_INSERT_ID(id + 1);
-- expect: affected insert_id
-- > ok: affected=1 insert_id=1
SELECT LAST_INSERT_ID();
-- expect
-- > names: ["LAST_INSERT_ID()"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (1,)

-- case: string_functions
SELECT UPPER('abc'), LOWER('ÀBC'), LENGTH('héllo'), CHAR_LENGTH('héllo'), SUBSTRING('abcdef', 2, 3), SUBSTR('abcdef', -2);
-- expect
-- > names: ["UPPER('abc')", "LOWER('ÀBC')", "LENGTH('héllo')", "CHAR_LENGTH('héllo')", "SUBSTRING('abcdef', 2, 3)", "SUBSTR('abcdef', -2)"]
-- > types: ["VAR_STRING", "VAR_STRING", "LONG", "LONG", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('ABC', 'àbc', 6, 5, 'bcd', 'ef')
SELECT TRIM('  x  '), LTRIM('  x'), RTRIM('x  '), REPLACE('a.b.c', '.', '/'), REVERSE('abc'), REPEAT('ab', 3);
-- expect
-- > names: ["TRIM('  x  ')", "LTRIM('  x')", "RTRIM('x  ')", "REPLACE('a.b.c', '.', '/')", "REVERSE('abc')", "REPEAT('ab', 3)"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('x', 'x', 'x', 'a/b/c', 'cba', 'ababab')
SELECT LEFT('abcdef', 2), RIGHT('abcdef', 2), LPAD('5', 3, '0'), RPAD('5', 3, '*'), INSTR('abcabc', 'ca'), LOCATE('b', 'abcabc', 3);
-- expect
-- > names: ["LEFT('abcdef', 2)", "RIGHT('abcdef', 2)", "LPAD('5', 3, '0')", "RPAD('5', 3, '*')", "INSTR('abcabc', 'ca')", "LOCATE('b', 'abcabc', 3)"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "LONG", "LONG"]
-- > rows: 1
-- > ('ab', 'ef', '005', '5**', 3, 5)
SELECT SUBSTRING_INDEX('a.b.c', '.', 2), SUBSTRING_INDEX('a.b.c', '.', -1), FIELD('b', 'a', 'b'), ASCII('A'), CHAR(65, 66);
-- expect
-- > names: ["SUBSTRING_INDEX('a.b.c', '.', 2)", "SUBSTRING_INDEX('a.b.c', '.', -1)", "FIELD('b', 'a', 'b')", "ASCII('A')", "CHAR(65, 66)"]
-- > types: ["VAR_STRING", "VAR_STRING", "LONG", "LONG", "VAR_STRING"]
-- > rows: 1
-- > ('a.b', 'c', 2, 65, b'AB')

-- case: numeric_functions
SELECT ROUND(2.5), ROUND(-2.5), ROUND(1.2345, 2), ROUND(1234.5, -2), FLOOR(-1.5), CEIL(1.2), CEILING(-1.2);
-- expect
-- > names: ["ROUND(2.5)", "ROUND(-2.5)", "ROUND(1.2345, 2)", "ROUND(1234.5, -2)", "FLOOR(-1.5)", "CEIL(1.2)", "CEILING(-1.2)"]
-- > types: ["NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "LONG", "LONG", "LONG"]
-- > rows: 1
-- > (Decimal('3'), Decimal('-3'), Decimal('1.23'), Decimal('1200'), -2, 2, -1)
SELECT ABS(-3), ABS(-1.50), SIGN(-7), TRUNCATE(1.999, 1), POW(2, 10), SQRT(16), GREATEST(1, 5, 3), LEAST('b', 'a');
-- expect
-- > names: ["ABS(-3)", "ABS(-1.50)", "SIGN(-7)", "TRUNCATE(1.999, 1)", "POW(2, 10)", "SQRT(16)", "GREATEST(1, 5, 3)", "LEAST('b', 'a')"]
-- > types: ["LONG", "NEWDECIMAL", "LONG", "NEWDECIMAL", "DOUBLE", "DOUBLE", "LONG", "VAR_STRING"]
-- > rows: 1
-- > (3, Decimal('1.50'), -1, Decimal('1.9'), 1024.0, 4.0, 5, 'a')
SELECT ROUND(2.5e0), ROUND(3.5e0), FORMAT(1234567.891, 2), CONV(255, 10, 16), HEX(255);
-- expect
-- > names: ["ROUND(2.5e0)", "ROUND(3.5e0)", "FORMAT(1234567.891, 2)", "CONV(255, 10, 16)", "HEX(255)"]
-- > types: ["DOUBLE", "DOUBLE", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > (2.0, 4.0, '1,234,567.89', 'FF', 'FF')

-- case: cast_and_convert
SELECT CAST('42' AS SIGNED), CAST(-1 AS UNSIGNED), CAST(3.7 AS SIGNED), CAST('1.50' AS DECIMAL(10,2)), CAST(12 AS CHAR);
-- expect
-- > names: ["CAST('42' AS SIGNED)", "CAST(-1 AS UNSIGNED)", "CAST(3.7 AS SIGNED)", "CAST('1.50' AS DECIMAL(10,2))", "CAST(12 AS CHAR)"]
-- > types: ["LONG", "LONGLONG", "LONG", "NEWDECIMAL", "VAR_STRING"]
-- > rows: 1
-- > (42, 18446744073709551615, 4, Decimal('1.50'), '12')
SELECT CAST('2024-01-15' AS DATE), CAST('2024-01-15 10:30:00' AS DATETIME), CAST(0.1 AS DECIMAL(10,2)), CONVERT('7', SIGNED);
-- expect
-- > names: ["CAST('2024-01-15' AS DATE)", "CAST('2024-01-15 10:30:00' AS DATETIME)", "CAST(0.1 AS DECIMAL(10,2))", "CONVERT('7', SIGNED)"]
-- > types: ["DATE", "DATETIME", "NEWDECIMAL", "LONG"]
-- > rows: 1
-- > (datetime.date(2024, 1, 15), datetime.datetime(2024, 1, 15, 10, 30), Decimal('0.10'), 7)
SELECT '10' + 5, '1.5' + 1, 'abc' + 0, '3 apples' * 2;
-- expect: names types rows
-- > names: ["'10' + 5", "'1.5' + 1", "'abc' + 0", "'3 apples' * 2"]
-- > types: ["DOUBLE", "DOUBLE", "DOUBLE", "DOUBLE"]
-- > rows: 1
-- > (15.0, 2.5, 0.0, 6.0)

-- case: string_number_comparison
SELECT '10' = 10, '10' > 9, '9' > '10', 1 = '1.0';
-- expect
-- > names: ["'10' = 10", "'10' > 9", "'9' > '10'", "1 = '1.0'"]
-- > types: ["LONG", "LONG", "LONG", "LONG"]
-- > rows: 1
-- > (1, 1, 1, 1)

-- case: md5_and_hashes
SELECT MD5('abc'), SHA1('abc'), SHA2('abc', 256), CRC32('abc');
-- expect
-- > names: ["MD5('abc')", "SHA1('abc')", "SHA2('abc', 256)", "CRC32('abc')"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "LONG"]
-- > rows: 1
-- > ('900150983cd24fb0d6963f7d28e17f72', 'a9993e364706816aba3e25717850c26c9cd0d89d', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 891568578)

-- case: uuid_shape
-- note: UUID() is random: only its type, length and shape are compared
SELECT LENGTH(UUID()), UUID() REGEXP '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
-- expect
-- > names: ["LENGTH(UUID())", "UUID() REGEXP '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'"]
-- > types: ["LONG", "LONG"]
-- > rows: 1
-- > (36, 1)

-- case: json_functions
SELECT JSON_EXTRACT('{"a": {"b": 5}}', '$.a.b'), JSON_UNQUOTE(JSON_EXTRACT('{"s": "x"}', '$.s')), JSON_OBJECT('k', 1), JSON_ARRAY(1, 'a');
-- expect
-- > names: ["JSON_EXTRACT('{\"a\": {\"b\": 5}}', '$.a.b')", "JSON_UNQUOTE(JSON_EXTRACT('{\"s\": \"x\"}', '$.s'))", "JSON_OBJECT('k', 1)", "JSON_ARRAY(1, 'a')"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('5', 'x', '{"k": 1}', '[1, "a"]')

-- case: regexp
SELECT 'abc123' REGEXP '[0-9]+$', 'abc' REGEXP '^b', 'ABC' RLIKE 'b';
-- expect
-- > names: ["'abc123' REGEXP '[0-9]+$'", "'abc' REGEXP '^b'", "'ABC' RLIKE 'b'"]
-- > types: ["LONG", "LONG", "LONG"]
-- > rows: 1
-- > (1, 0, 1)
