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

-- case: format_edge_cases
-- note: FORMAT rounds a DECIMAL half up and a double half to even on its binary value (2.675e0
-- note: times 100 is 267.5), clamps the places to 0..38, and writes the locale's separators
SELECT FORMAT(-1234567.891, 2), FORMAT(2.5, 0), FORMAT(2.5e0, 0), FORMAT(2.675e0, 2), FORMAT(1.005e0, 2), FORMAT(-0.001, 2), FORMAT(1234.5, -1), FORMAT(1.5, 40);
-- expect
-- > names: ["FORMAT(-1234567.891, 2)", "FORMAT(2.5, 0)", "FORMAT(2.5e0, 0)", "FORMAT(2.675e0, 2)", "FORMAT(1.005e0, 2)", "FORMAT(-0.001, 2)", "FORMAT(1234.5, -1)", "FORMAT(1.5, 40)"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('-1,234,567.89', '3', '2', '2.68', '1.00', '0.00', '1,235', '1.50000000000000000000000000000000000000')
SELECT FORMAT(NULL, 2), FORMAT(1, NULL), FORMAT('12345.678x', 1), FORMAT('abc', 2), FORMAT(12345678901234567890123, 3), FORMAT(1e20, 2), FORMAT(1/3e0, 20), FORMAT(12.3, 2.6);
-- expect
-- > names: ["FORMAT(NULL, 2)", "FORMAT(1, NULL)", "FORMAT('12345.678x', 1)", "FORMAT('abc', 2)", "FORMAT(12345678901234567890123, 3)", "FORMAT(1e20, 2)", "FORMAT(1/3e0, 20)", "FORMAT(12.3, 2.6)"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > (None, None, '12,345.7', '0.00', '12,345,678,901,234,567,890,123.000', '100,000,000,000,000,000,000.00', '0.33333333333333330000', '12.300')
SELECT FORMAT(1234567.891, 2, 'de_DE'), FORMAT(1234567.891, 2, 'fr_FR'), FORMAT(1234567.891, 2, 'de_CH'), FORMAT(1234567.891, 2, 'ru_RU'), FORMAT(123456789.25, 1, 'en_IN'), FORMAT(1234567.891, 2, 'xx_XX'), FORMAT(1234567.891, 2, NULL), FORMAT(1234.5, 1, 'DE_de');
-- expect
-- > names: ["FORMAT(1234567.891, 2, 'de_DE')", "FORMAT(1234567.891, 2, 'fr_FR')", "FORMAT(1234567.891, 2, 'de_CH')", "FORMAT(1234567.891, 2, 'ru_RU')", "FORMAT(123456789.25, 1, 'en_IN')", "FORMAT(1234567.891, 2, 'xx_XX')", "FORMAT(1234567.891, 2, NULL)", "FORMAT(1234.5, 1, 'DE_de')"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('1.234.567,89', '1234567,89', "1'234'567.89", '1 234 567,89', '12,34,56,789.3', '1,234,567.89', '1,234,567.89', '1.234,5')
CREATE TABLE t (id INT PRIMARY KEY, d DECIMAL(10,3), w DECIMAL(30,5), f DOUBLE, s VARCHAR(20), n INT);
INSERT INTO t VALUES (1, 1234.5675, 12345678901234567890.12345, 2.675, '1234.5', -7), (2, -0.0005, -0.5, -2.5, 'x', NULL), (3, NULL, NULL, NULL, NULL, 255);
SELECT id, FORMAT(d, 2), FORMAT(w, 3), FORMAT(f, 2), FORMAT(s, 1), FORMAT(n, 0, 'de_DE'), FORMAT(d + 1, 1), FORMAT(f * 2, 0), FORMAT(SUM(d) OVER (), 1) FROM t ORDER BY id;
-- expect
-- > names: ["id", "FORMAT(d, 2)", "FORMAT(w, 3)", "FORMAT(f, 2)", "FORMAT(s, 1)", "FORMAT(n, 0, 'de_DE')", "FORMAT(d + 1, 1)", "FORMAT(f * 2, 0)", "FORMAT(SUM(d) OVER (), 1)"]
-- > types: ["LONG", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 3
-- > (1, '1,234.57', '12,345,678,901,234,567,890.123', '2.68', '1,234.5', '-7', '1,235.6', '5', '1,234.6')
-- > (2, '0.00', '-0.500', '-2.50', '0.0', None, '1.0', '-5', '1,234.6')
-- > (3, None, None, None, None, '255', None, None, '1,234.6')

-- case: conv_edge_cases
-- note: CONV reads a prefix of valid digits as an unsigned 64-bit number (signed for a
-- note: negative base), saturating; a base outside 2..36, '' or NULL gives NULL
SELECT CONV(255, 10, 16), CONV('ff', 16, 10), CONV(-1, 10, 16), CONV(-255, 10, -16), CONV('-ff', 16, -10), CONV(NULL, 10, 2), CONV(10, NULL, 2), CONV(-17, -10, -16);
-- expect
-- > names: ["CONV(255, 10, 16)", "CONV('ff', 16, 10)", "CONV(-1, 10, 16)", "CONV(-255, 10, -16)", "CONV('-ff', 16, -10)", "CONV(NULL, 10, 2)", "CONV(10, NULL, 2)", "CONV(-17, -10, -16)"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('FF', '255', 'FFFFFFFFFFFFFFFF', '-FF', '-255', None, None, '-11')
SELECT CONV('zz', 36, 10), CONV(35, 10, 36), CONV(10, 10, 37), CONV(10, 1, 2), CONV('', 10, 2), CONV('12abc', 10, 16), CONV('abc', 10, 16), CONV(12.7, 10, 2), CONV(' 12', 10, 2);
-- expect
-- > names: ["CONV('zz', 36, 10)", "CONV(35, 10, 36)", "CONV(10, 10, 37)", "CONV(10, 1, 2)", "CONV('', 10, 2)", "CONV('12abc', 10, 16)", "CONV('abc', 10, 16)", "CONV(12.7, 10, 2)", "CONV(' 12', 10, 2)"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('1295', 'Z', None, None, None, 'C', '0', '1100', '1100')
SELECT CONV('18446744073709551616', 10, 16), CONV('FFFFFFFFFFFFFFFFF', 16, 10), CONV(-9223372036854775808, 10, -10), CONV('99999999999999999999', -10, -10), CONV('-99999999999999999999', -10, -10), CONV(CONV('255', 10, 2), 2, 16);
-- expect
-- > names: ["CONV('18446744073709551616', 10, 16)", "CONV('FFFFFFFFFFFFFFFFF', 16, 10)", "CONV(-9223372036854775808, 10, -10)", "CONV('99999999999999999999', -10, -10)", "CONV('-99999999999999999999', -10, -10)", "CONV(CONV('255', 10, 2), 2, 16)"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('FFFFFFFFFFFFFFFF', '18446744073709551615', '-9223372036854775808', '9223372036854775807', '-9223372036854775808', 'FF')
CREATE TABLE t (id INT PRIMARY KEY, n INT, s VARCHAR(20));
INSERT INTO t VALUES (1, -7, 'zz'), (2, NULL, '101'), (3, 255, NULL);
SELECT id, CONV(n, 10, 2), CONV(n, 10, -16), CONV(s, 36, 10), CONV(s, 2, 10) FROM t ORDER BY id;
-- expect
-- > names: ["id", "CONV(n, 10, 2)", "CONV(n, 10, -16)", "CONV(s, 36, 10)", "CONV(s, 2, 10)"]
-- > types: ["LONG", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 3
-- > (1, '1111111111111111111111111111111111111111111111111111111111111001', '-7', '1295', '0')
-- > (2, None, None, '1297', '5')
-- > (3, '11111111', 'FF', None, None)

-- case: round_and_hex_of_doubles
-- note: ROUND of a double is half to even on the binary value; HEX of a number is its 64-bit
-- note: integer (rounded half away from zero, two's complement, saturating)
SELECT ROUND(2.5e0), ROUND(-2.5e0), ROUND(25, -1), ROUND(25e0, -1), ROUND('2.5'), ROUND(2.675e0, 2), ROUND(1e300, -400), ROUND(-0.4), TRUNCATE(-0.001, 2);
-- expect
-- > names: ["ROUND(2.5e0)", "ROUND(-2.5e0)", "ROUND(25, -1)", "ROUND(25e0, -1)", "ROUND('2.5')", "ROUND(2.675e0, 2)", "ROUND(1e300, -400)", "ROUND(-0.4)", "TRUNCATE(-0.001, 2)"]
-- > types: ["DOUBLE", "DOUBLE", "LONG", "DOUBLE", "DOUBLE", "DOUBLE", "DOUBLE", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 1
-- > (2.0, -2.0, 30, 20.0, 2.0, 2.68, 0.0, Decimal('0'), Decimal('0.00'))
SELECT HEX(255), HEX(-1), HEX(2.5), HEX(-2.5), HEX('255'), HEX(X'00ff'), HEX(NULL), HEX(18446744073709551616), HEX(1e20);
-- expect
-- > names: ["HEX(255)", "HEX(-1)", "HEX(2.5)", "HEX(-2.5)", "HEX('255')", "HEX(X'00ff')", "HEX(NULL)", "HEX(18446744073709551616)", "HEX(1e20)"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('FF', 'FFFFFFFFFFFFFFFF', '3', 'FFFFFFFFFFFFFFFD', '323535', '00FF', None, 'FFFFFFFFFFFFFFFF', 'FFFFFFFFFFFFFFFF')
CREATE TABLE t (id INT PRIMARY KEY, d DECIMAL(10,3), f DOUBLE, s VARCHAR(20), n INT);
INSERT INTO t VALUES (1, 1234.5675, 2.675, '1234.5', -7), (2, -0.0005, -2.5, 'x', NULL);
SELECT id, ROUND(d, 2), ROUND(f, 1), ROUND(s), ROUND(n, -1), ROUND(n, 2), HEX(n), HEX(s), HEX(d) FROM t ORDER BY id;
-- expect
-- > names: ["id", "ROUND(d, 2)", "ROUND(f, 1)", "ROUND(s)", "ROUND(n, -1)", "ROUND(n, 2)", "HEX(n)", "HEX(s)", "HEX(d)"]
-- > types: ["LONG", "NEWDECIMAL", "DOUBLE", "DOUBLE", "LONGLONG", "LONG", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 2
-- > (1, Decimal('1234.57'), 2.7, 1234.0, -10, -7, 'FFFFFFFFFFFFFFF9', '313233342E35', '4D3')
-- > (2, Decimal('0.00'), -2.5, 0.0, None, None, None, '78', '0')

-- case: bit_operations
-- note: MySQL's bit operators work on unsigned 64-bit integers (SQLite's are signed and it
-- note: has no ^); XOR is logical
SELECT 5 ^ 3, -1 ^ 0, 5 ^ NULL, '5' ^ 3, 1.6 ^ 1, 5 & -1, 5 | -1, -5 >> 1;
-- expect
-- > names: ["5 ^ 3", "-1 ^ 0", "5 ^ NULL", "'5' ^ 3", "1.6 ^ 1", "5 & -1", "5 | -1", "-5 >> 1"]
-- > types: ["LONGLONG", "LONGLONG", "LONGLONG", "LONGLONG", "LONGLONG", "LONGLONG", "LONGLONG", "LONGLONG"]
-- > rows: 1
-- > (6, 18446744073709551615, None, 6, 3, 5, 18446744073709551615, 9223372036854775805)
SELECT ~0, ~5, 1 << 64, -1 >> 1, 1 << -1, BIT_COUNT(~0), BIT_COUNT(7), 5 XOR 3, 1 XOR 0, NULL XOR 1, 'a' XOR 1;
-- expect
-- > names: ["~0", "~5", "1 << 64", "-1 >> 1", "1 << -1", "BIT_COUNT(~0)", "BIT_COUNT(7)", "5 XOR 3", "1 XOR 0", "NULL XOR 1", "'a' XOR 1"]
-- > types: ["LONGLONG", "LONGLONG", "LONGLONG", "LONGLONG", "LONGLONG", "LONG", "LONG", "LONG", "LONG", "LONG", "LONG"]
-- > rows: 1
-- > (18446744073709551615, 18446744073709551610, 0, 9223372036854775807, 0, 64, 3, 0, 1, None, 1)
CREATE TABLE t (id INT PRIMARY KEY, n INT);
INSERT INTO t VALUES (1, 5), (2, NULL), (3, -3);
SELECT id, n ^ 1, n & 6, n | 8, n << 2, n >> 1, ~n, n XOR 0 FROM t ORDER BY id;
-- expect
-- > names: ["id", "n ^ 1", "n & 6", "n | 8", "n << 2", "n >> 1", "~n", "n XOR 0"]
-- > types: ["LONG", "LONGLONG", "LONGLONG", "LONGLONG", "LONGLONG", "LONGLONG", "LONGLONG", "LONG"]
-- > rows: 3
-- > (1, 4, 4, 13, 20, 2, 18446744073709551610, 1)
-- > (2, None, None, None, None, None, None, None)
-- > (3, 18446744073709551612, 4, 18446744073709551613, 18446744073709551604, 9223372036854775806, 2, 1)

-- case: cast_to_integer_edges
-- note: a double rounds half to even and saturates, a DECIMAL rounds half away from zero
-- note: (negative to UNSIGNED is 0), an integer wraps, a string reads its integer prefix
SELECT CAST(2.5e0 AS SIGNED), CAST(-2.5e0 AS SIGNED), CAST(2.5 AS SIGNED), CAST(-2.5 AS SIGNED), CAST(1e20 AS UNSIGNED), CAST(-1e0 AS UNSIGNED), CAST(-1 AS UNSIGNED), CAST(-0.4 AS UNSIGNED), CAST(99999999999999999999 AS SIGNED), CAST(99999999999999999999 AS UNSIGNED);
-- expect
-- > names: ["CAST(2.5e0 AS SIGNED)", "CAST(-2.5e0 AS SIGNED)", "CAST(2.5 AS SIGNED)", "CAST(-2.5 AS SIGNED)", "CAST(1e20 AS UNSIGNED)", "CAST(-1e0 AS UNSIGNED)", "CAST(-1 AS UNSIGNED)", "CAST(-0.4 AS UNSIGNED)", "CAST(99999999999999999999 AS SIGNED)", "CAST(99999999999999999999 AS UNSIGNED)"]
-- > types: ["LONGLONG", "LONGLONG", "LONG", "LONG", "LONGLONG", "LONGLONG", "LONGLONG", "LONGLONG", "LONGLONG", "LONGLONG"]
-- > rows: 1
-- > (2, -2, 3, -3, 18446744073709551615, 0, 18446744073709551615, 0, 9223372036854775807, 18446744073709551615)
SELECT CAST('1.9' AS SIGNED), CAST('-5' AS UNSIGNED), CAST(' 42x' AS SIGNED), CAST('-99999999999999999999' AS SIGNED), CAST('99999999999999999999' AS SIGNED), CAST('1e3' AS SIGNED), CAST(NULL AS SIGNED), CAST(9223372036854775808 AS SIGNED);
-- expect
-- > names: ["CAST('1.9' AS SIGNED)", "CAST('-5' AS UNSIGNED)", "CAST(' 42x' AS SIGNED)", "CAST('-99999999999999999999' AS SIGNED)", "CAST('99999999999999999999' AS SIGNED)", "CAST('1e3' AS SIGNED)", "CAST(NULL AS SIGNED)", "CAST(9223372036854775808 AS SIGNED)"]
-- > types: ["LONG", "LONGLONG", "LONG", "LONGLONG", "LONGLONG", "LONG", "LONG", "LONGLONG"]
-- > rows: 1
-- > (1, 18446744073709551611, 42, -9223372036854775808, -1, 1, None, -9223372036854775808)
SELECT CAST(1e15 AS CHAR), CAST(0.5e0 AS CHAR), CAST(1e-5 AS CHAR), CAST(12 AS CHAR), CAST(1.50 AS CHAR);
-- expect
-- > names: ["CAST(1e15 AS CHAR)", "CAST(0.5e0 AS CHAR)", "CAST(1e-5 AS CHAR)", "CAST(12 AS CHAR)", "CAST(1.50 AS CHAR)"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('1e15', '0.5', '0.00001', '12', '1.50')

-- case: substring_edges
-- note: position 0, a negative position past the start and a negative length give ''
SELECT SUBSTRING('hello', 0, 2), SUBSTRING('hello', -3, 2), SUBSTRING('hello', 2, -1), MID('hello', 2, 2), SUBSTR('hello', 6), SUBSTRING('hello', -5), SUBSTRING('hello', -6), SUBSTRING('hello' FROM 2 FOR 2);
-- expect
-- > names: ["SUBSTRING('hello', 0, 2)", "SUBSTRING('hello', -3, 2)", "SUBSTRING('hello', 2, -1)", "MID('hello', 2, 2)", "SUBSTR('hello', 6)", "SUBSTRING('hello', -5)", "SUBSTRING('hello', -6)", "SUBSTRING('hello' FROM 2 FOR 2)"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('', 'll', '', 'el', '', 'hello', '', 'el')
CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20), n INT);
INSERT INTO t VALUES (1, 'Hello World', 5), (2, NULL, NULL), (3, 'ÄÖü', -3), (4, 'abc', 0);
SELECT id, SUBSTRING(s, n), MID(s, 2, 3), SUBSTRING(s FROM 3), SUBSTRING(s, 1, n) FROM t ORDER BY id;
-- expect
-- > names: ["id", "SUBSTRING(s, n)", "MID(s, 2, 3)", "SUBSTRING(s FROM 3)", "SUBSTRING(s, 1, n)"]
-- > types: ["LONG", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 4
-- > (1, 'o World', 'ell', 'llo World', 'Hello')
-- > (2, None, None, None, None)
-- > (3, 'ÄÖü', 'Öü', 'ü', '')
-- > (4, '', 'bc', 'c', '')

-- case: concat_of_expressions
-- note: SQLite's || binds tighter than * and writes a double with 15 digits: CONCAT's
-- note: arguments keep MySQL's grouping and MariaDB's 17-digit doubles
SELECT CONCAT('n=', 2 * 3), CONCAT('x', 1 + 1, 'y'), CONCAT('x', 2e0 / 3), CONCAT(1e0), CONCAT(-2.5e-3), CONCAT(1e100), CONCAT('a', 1.0e0), CONCAT_WS('-', 2 * 3, 'b');
-- expect
-- > names: ["CONCAT('n=', 2 * 3)", "CONCAT('x', 1 + 1, 'y')", "CONCAT('x', 2e0 / 3)", "CONCAT(1e0)", "CONCAT(-2.5e-3)", "CONCAT(1e100)", "CONCAT('a', 1.0e0)", "CONCAT_WS('-', 2 * 3, 'b')"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('n=6', 'x2y', 'x0.6666666666666666', '1', '-0.0025', '1e100', 'a1', '6-b')
CREATE TABLE t (id INT PRIMARY KEY, n INT, f DOUBLE);
INSERT INTO t VALUES (1, 5, 0.1), (2, NULL, NULL), (3, -3, 1e20);
SELECT id, CONCAT(n * 2, '!'), CONCAT('f=', f + 0.2e0), CONCAT(-n) FROM t ORDER BY id;
-- expect
-- > names: ["id", "CONCAT(n * 2, '!')", "CONCAT('f=', f + 0.2e0)", "CONCAT(-n)"]
-- > types: ["LONG", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 3
-- > (1, '10!', 'f=0.30000000000000004', '-5')
-- > (2, None, None, None)
-- > (3, '-6!', 'f=1e20', '3')

-- case: double_out_of_range
SELECT 1e308 * 10;
-- expect
-- > error: 1690
SELECT POW(10, 400);
-- expect
-- > error: 1690
SELECT 1;
-- expect
-- > names: ["1"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)

-- case: more_string_functions
-- note: MariaDB functions SQLite lacks (sqlite_functions.py)
SELECT ELT(2, 'a', 'b'), ELT(0, 'a'), ELT(1.6, 'a', 'b'), STRCMP('a', 'B'), STRCMP('b', 'a'), STRCMP(NULL, 'a'), STRCMP('ß', 'ss'), STRCMP('ä', 'A');
-- expect
-- > names: ["ELT(2, 'a', 'b')", "ELT(0, 'a')", "ELT(1.6, 'a', 'b')", "STRCMP('a', 'B')", "STRCMP('b', 'a')", "STRCMP(NULL, 'a')", "STRCMP('ß', 'ss')", "STRCMP('ä', 'A')"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "LONG", "LONG", "LONG", "LONG", "LONG"]
-- > rows: 1
-- > ('b', None, 'b', -1, 1, None, -1, 0)
SELECT REGEXP_REPLACE('abc123', '[0-9]', 'X'), REGEXP_REPLACE('ABC', 'b', 'x'), REGEXP_SUBSTR('abc', '[0-9]+'), REGEXP_SUBSTR('abc12', '[0-9]+'), REGEXP_INSTR('abc', 'z'), REGEXP_INSTR('abc123', '[0-9]'), REGEXP_REPLACE('abc', '(b)', '[\\1]');
-- expect
-- > names: ["REGEXP_REPLACE('abc123', '[0-9]', 'X')", "REGEXP_REPLACE('ABC', 'b', 'x')", "REGEXP_SUBSTR('abc', '[0-9]+')", "REGEXP_SUBSTR('abc12', '[0-9]+')", "REGEXP_INSTR('abc', 'z')", "REGEXP_INSTR('abc123', '[0-9]')", "REGEXP_REPLACE('abc', '(b)', '[\\\\1]')"]
-- > types: ["LONG_BLOB", "LONG_BLOB", "VAR_STRING", "VAR_STRING", "LONG", "LONG", "LONG_BLOB"]
-- > rows: 1
-- > ('abcXXX', 'AxC', '', '12', 0, 4, 'a[b]c')
SELECT BIN(10), BIN(-1), OCT(10), UNHEX('4142'), UNHEX('zz'), ORD('é'), ORD('A'), ORD(''), COT(1);
-- expect
-- > names: ["BIN(10)", "BIN(-1)", "OCT(10)", "UNHEX('4142')", "UNHEX('zz')", "ORD('é')", "ORD('A')", "ORD('')", "COT(1)"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "LONG", "LONG", "LONG", "DOUBLE"]
-- > rows: 1
-- > ('1010', '1111111111111111111111111111111111111111111111111111111111111111', '12', b'AB', None, 50089, 65, 0, 0.6420926159343306)
SELECT TO_BASE64('abc'), TO_BASE64(REPEAT('a', 60)), FROM_BASE64('YWJj'), FROM_BASE64('!!'), OCTET_LENGTH('é'), BIT_LENGTH('é');
-- expect
-- > names: ["TO_BASE64('abc')", "TO_BASE64(REPEAT('a', 60))", "FROM_BASE64('YWJj')", "FROM_BASE64('!!')", "OCTET_LENGTH('é')", "BIT_LENGTH('é')"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "LONG", "LONGLONG"]
-- > rows: 1
-- > ('YWJj', 'YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh\nYWFh', b'abc', None, 2, 16)
SELECT TIME_TO_SEC('01:01:01'), SEC_TO_TIME(3661), SEC_TO_TIME(-1.5), SEC_TO_TIME(4000000), MICROSECOND('10:00:00.123456'), MAKEDATE(2024, 60), MAKEDATE(2024, 0);
-- expect
-- > names: ["TIME_TO_SEC('01:01:01')", "SEC_TO_TIME(3661)", "SEC_TO_TIME(-1.5)", "SEC_TO_TIME(4000000)", "MICROSECOND('10:00:00.123456')", "MAKEDATE(2024, 60)", "MAKEDATE(2024, 0)"]
-- > types: ["LONGLONG", "TIME", "TIME", "TIME", "LONG", "DATE", "DATE"]
-- > rows: 1
-- > (3661, datetime.timedelta(seconds=3661), datetime.timedelta(days=-1, seconds=86398, microseconds=500000), datetime.timedelta(days=34, seconds=82799), 123456, datetime.date(2024, 2, 29), None)
CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20));
INSERT INTO t VALUES (1, 'Hello World'), (2, NULL), (3, 'ÄÖü');
SELECT id, ELT(id, 'x', 'y', 'z'), STRCMP(s, 'hello world'), REGEXP_REPLACE(s, 'o', '0'), REGEXP_INSTR(s, 'W'), ORD(s), TO_BASE64(s), OCTET_LENGTH(s) FROM t ORDER BY id;
-- expect
-- > names: ["id", "ELT(id, 'x', 'y', 'z')", "STRCMP(s, 'hello world')", "REGEXP_REPLACE(s, 'o', '0')", "REGEXP_INSTR(s, 'W')", "ORD(s)", "TO_BASE64(s)", "OCTET_LENGTH(s)"]
-- > types: ["LONG", "VAR_STRING", "LONG", "LONG_BLOB", "LONG", "LONG", "VAR_STRING", "LONG"]
-- > rows: 3
-- > (1, 'x', 0, 'Hell0 W0rld', 7, 72, 'SGVsbG8gV29ybGQ=', 11)
-- > (2, 'y', None, None, None, None, None, None)
-- > (3, 'z', -1, 'ÄÖü', 0, 50052, 'w4TDlsO8', 6)

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

-- case: json_formatting
-- note: MariaDB writes JSON with ', ' and ': ', keeps a document's number text (1.10, 1e2), a
-- note: DECIMAL literal's scale, a double in its shortest form and a comparison as true/false
SELECT JSON_OBJECT('a', JSON_ARRAY(1, 2), 'b', NULL, 'c', 1.50, 'd', TRUE, 'e', (1 = 1)), JSON_ARRAY(), JSON_OBJECT(), JSON_OBJECT('a', 1, 'a', 2);
-- expect
-- > names: ["JSON_OBJECT('a', JSON_ARRAY(1, 2), 'b', NULL, 'c', 1.50, 'd', TRUE, 'e', (1 = 1))", "JSON_ARRAY()", "JSON_OBJECT()", "JSON_OBJECT('a', 1, 'a', 2)"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('{"a": [1, 2], "b": null, "c": 1.50, "d": true, "e": true}', '[]', '{}', '{"a": 1, "a": 2}')
SELECT JSON_ARRAY(FALSE, 'x/y', 'a"b', 0.10, 1e1, 123456789012345678901234567890, 1.5e-7, 1e21, -1e0/3, 0.1e0 + 0.2e0, 1e15, CAST(1.5 AS DECIMAL(5,2)));
-- expect
-- > names: ["JSON_ARRAY(FALSE, 'x/y', 'a\"b', 0.10, 1e1, 123456789012345678901234567890, 1.5e-7, 1e21, -1e0/3, 0.1e0 + 0.2e0, 1e15, CAST(1.5 AS DECIMAL(5,2)))"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('[false, "x/y", "a\\"b", 0.10, 10, 123456789012345678901234567890, 0.00000015, 1e21, -0.3333333333333333, 0.30000000000000004, 1e15, 1.50]',)
SELECT JSON_EXTRACT('{ "a" :  [1,   2] }', '$.a'), JSON_EXTRACT('{"a": 1.10, "b": 1e2, "c": -0}', '$'), JSON_EXTRACT('[1, 2, 3]', '$[last]'), JSON_EXTRACT('{"a": 1, "b": 2}', '$.a', '$.b'), JSON_EXTRACT('{"a": 1}', '$.b'), JSON_EXTRACT('bad', '$');
-- expect
-- > names: ["JSON_EXTRACT('{ \"a\" :  [1,   2] }', '$.a')", "JSON_EXTRACT('{\"a\": 1.10, \"b\": 1e2, \"c\": -0}', '$')", "JSON_EXTRACT('[1, 2, 3]', '$[last]')", "JSON_EXTRACT('{\"a\": 1, \"b\": 2}', '$.a', '$.b')", "JSON_EXTRACT('{\"a\": 1}', '$.b')", "JSON_EXTRACT('bad', '$')"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('[1, 2]', '{"a": 1.10, "b": 1e2, "c": -0}', '3', '[1, 2]', None, None)
SELECT JSON_SET('{ "a" :  1 }', '$.b', 2), JSON_INSERT('{"a":1}', '$.a', 5, '$.c', 'x'), JSON_REPLACE('{"a":[1, 2]}', '$.a[0]', 9), JSON_REMOVE('{"a":1,"b":[1,2]}', '$.a'), JSON_SET('[1]', '$[0]', JSON_OBJECT('a', 1)), JSON_SET('{"a":1}', '$.a', '[1]');
-- expect
-- > names: ["JSON_SET('{ \"a\" :  1 }', '$.b', 2)", "JSON_INSERT('{\"a\":1}', '$.a', 5, '$.c', 'x')", "JSON_REPLACE('{\"a\":[1, 2]}', '$.a[0]', 9)", "JSON_REMOVE('{\"a\":1,\"b\":[1,2]}', '$.a')", "JSON_SET('[1]', '$[0]', JSON_OBJECT('a', 1))", "JSON_SET('{\"a\":1}', '$.a', '[1]')"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('{"a": 1, "b": 2}', '{"a": 1, "c": "x"}', '{"a": [9, 2]}', '{"b": [1, 2]}', '[{"a": 1}]', '{"a": "[1]"}')
SELECT CONCAT(JSON_OBJECT('a', 1), '!'), LENGTH(JSON_ARRAY(1, 2)), JSON_OBJECT('a', 1) = '{"a": 1}', JSON_EXTRACT(JSON_OBJECT('a', 1), '$.a') + 1, JSON_UNQUOTE(JSON_EXTRACT(JSON_OBJECT('a', 'q'), '$.a'));
-- expect
-- > names: ["CONCAT(JSON_OBJECT('a', 1), '!')", "LENGTH(JSON_ARRAY(1, 2))", "JSON_OBJECT('a', 1) = '{\"a\": 1}'", "JSON_EXTRACT(JSON_OBJECT('a', 1), '$.a') + 1", "JSON_UNQUOTE(JSON_EXTRACT(JSON_OBJECT('a', 'q'), '$.a'))"]
-- > types: ["VAR_STRING", "LONG", "LONG", "DOUBLE", "VAR_STRING"]
-- > rows: 1
-- > ('{"a": 1}!', 6, 1, 2.0, 'q')
CREATE TABLE t (id INT PRIMARY KEY, doc TEXT, f DOUBLE, s VARCHAR(10));
INSERT INTO t VALUES (1, '{"a": [1, 2], "n": 1.50}', 0.1, 'x'), (2, 'not json', NULL, NULL), (3, NULL, 1e20, 'é');
INSERT INTO t VALUES (4, JSON_OBJECT('k', 1, 'l', JSON_ARRAY(1, 2)), NULL, NULL);
UPDATE t SET doc = JSON_SET(doc, '$.k', 2) WHERE id = 4;
SELECT id, doc, JSON_EXTRACT(doc, '$.a'), JSON_EXTRACT(doc, '$.n'), JSON_OBJECT('f', f, 's', s, 'id', id), JSON_ARRAY(f > 0, id) FROM t ORDER BY id;
-- expect
-- > names: ["id", "doc", "JSON_EXTRACT(doc, '$.a')", "JSON_EXTRACT(doc, '$.n')", "JSON_OBJECT('f', f, 's', s, 'id', id)", "JSON_ARRAY(f > 0, id)"]
-- > types: ["LONG", "BLOB", "MEDIUM_BLOB", "MEDIUM_BLOB", "VAR_STRING", "VAR_STRING"]
-- > rows: 4
-- > (1, '{"a": [1, 2], "n": 1.50}', '[1, 2]', '1.50', '{"f": 0.1, "s": "x", "id": 1}', '[true, 1]')
-- > (2, 'not json', None, None, '{"f": null, "s": null, "id": 2}', '[null, 2]')
-- > (3, None, None, None, '{"f": 1e20, "s": "é", "id": 3}', '[true, 3]')
-- > (4, '{"k": 2, "l": [1, 2]}', None, None, '{"f": null, "s": null, "id": 4}', '[null, 4]')
SELECT JSON_ARRAYAGG(id), JSON_OBJECTAGG(id, s), JSON_ARRAYAGG(JSON_OBJECT('i', id)) FROM t;
-- expect
-- > names: ["JSON_ARRAYAGG(id)", "JSON_OBJECTAGG(id, s)", "JSON_ARRAYAGG(JSON_OBJECT('i', id))"]
-- > types: ["BLOB", "BLOB", "BLOB"]
-- > rows: 1
-- > ('[1,2,3,4]', '{"1":"x", "2":null, "3":"é", "4":null}', '[{"i": 1},{"i": 2},{"i": 3},{"i": 4}]')

-- case: json_inspection
SELECT JSON_TYPE('1.5'), JSON_TYPE('1'), JSON_TYPE('1e2'), JSON_TYPE('"x"'), JSON_TYPE('true'), JSON_TYPE('null'), JSON_TYPE('[]'), JSON_TYPE('{}'), JSON_TYPE(NULL);
-- expect
-- > names: ["JSON_TYPE('1.5')", "JSON_TYPE('1')", "JSON_TYPE('1e2')", "JSON_TYPE('\"x\"')", "JSON_TYPE('true')", "JSON_TYPE('null')", "JSON_TYPE('[]')", "JSON_TYPE('{}')", "JSON_TYPE(NULL)"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('DOUBLE', 'INTEGER', 'INTEGER', 'STRING', 'BOOLEAN', 'NULL', 'ARRAY', 'OBJECT', None)
SELECT JSON_VALID('{"a":1}'), JSON_VALID('x'), JSON_VALID(NULL), JSON_LENGTH('{"a":1,"b":[1,2]}'), JSON_LENGTH('{"a":1,"b":[1,2]}', '$.b'), JSON_LENGTH('3'), JSON_LENGTH('{"a":1}', '$.z'), JSON_DEPTH('{}'), JSON_DEPTH('[[1]]');
-- expect
-- > names: ["JSON_VALID('{\"a\":1}')", "JSON_VALID('x')", "JSON_VALID(NULL)", "JSON_LENGTH('{\"a\":1,\"b\":[1,2]}')", "JSON_LENGTH('{\"a\":1,\"b\":[1,2]}', '$.b')", "JSON_LENGTH('3')", "JSON_LENGTH('{\"a\":1}', '$.z')", "JSON_DEPTH('{}')", "JSON_DEPTH('[[1]]')"]
-- > types: ["LONG", "LONG", "LONG", "LONG", "LONG", "LONG", "LONG", "LONG", "LONG"]
-- > rows: 1
-- > (1, 0, None, 2, 2, 1, None, 1, 3)
SELECT JSON_KEYS('{"a":1,"b":2}'), JSON_KEYS('{"a":1,"b":{"c":2}}', '$.b'), JSON_KEYS('[1]'), JSON_ARRAY(JSON_KEYS('{"a":1}')), JSON_QUOTE('a"b'), JSON_QUOTE(NULL), JSON_QUOTE(1);
-- expect
-- > names: ["JSON_KEYS('{\"a\":1,\"b\":2}')", "JSON_KEYS('{\"a\":1,\"b\":{\"c\":2}}', '$.b')", "JSON_KEYS('[1]')", "JSON_ARRAY(JSON_KEYS('{\"a\":1}'))", "JSON_QUOTE('a\"b')", "JSON_QUOTE(NULL)", "JSON_QUOTE(1)"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('["a", "b"]', '["c"]', None, '["[\\"a\\"]"]', '"a\\"b"', None, None)
SELECT JSON_COMPACT('{ "a": [1, 2] , "b":"x"}'), JSON_DETAILED('{"a":[1,2],"b":{"c":1},"d":[]}'), JSON_MERGE_PATCH('{"a":1,"b":2}', '{"a":null,"c":3}'), JSON_MERGE('{"a":1}', '{"a":2,"b":3}'), JSON_MERGE_PRESERVE('[1]', '{"x":1}');
-- expect
-- > names: ["JSON_COMPACT('{ \"a\": [1, 2] , \"b\":\"x\"}')", "JSON_DETAILED('{\"a\":[1,2],\"b\":{\"c\":1},\"d\":[]}')", "JSON_MERGE_PATCH('{\"a\":1,\"b\":2}', '{\"a\":null,\"c\":3}')", "JSON_MERGE('{\"a\":1}', '{\"a\":2,\"b\":3}')", "JSON_MERGE_PRESERVE('[1]', '{\"x\":1}')"]
-- > types: ["VAR_STRING", "LONG_BLOB", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('{"a":[1,2],"b":"x"}', '{\n    "a": \n    [\n        1,\n        2\n    ],\n    "b": \n    {\n        "c": 1\n    },\n    "d": \n    []\n}', '{"b": 2, "c": 3}', '{"a": [1, 2], "b": 3}', '[1, {"x": 1}]')
SELECT JSON_VALUE('{"a":{"b":1}}', '$.a'), JSON_VALUE('{"a":"x"}', '$.a'), JSON_QUERY('{"a":{"b":1}}', '$.a'), JSON_QUERY('{"a":1}', '$.a'), JSON_TYPE(JSON_OBJECT()), JSON_ARRAY(JSON_TYPE('1'));
-- expect
-- > names: ["JSON_VALUE('{\"a\":{\"b\":1}}', '$.a')", "JSON_VALUE('{\"a\":\"x\"}', '$.a')", "JSON_QUERY('{\"a\":{\"b\":1}}', '$.a')", "JSON_QUERY('{\"a\":1}', '$.a')", "JSON_TYPE(JSON_OBJECT())", "JSON_ARRAY(JSON_TYPE('1'))"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > (None, 'x', '{"b":1}', None, 'OBJECT', '["INTEGER"]')

-- case: regexp
SELECT 'abc123' REGEXP '[0-9]+$', 'abc' REGEXP '^b', 'ABC' RLIKE 'b';
-- expect
-- > names: ["'abc123' REGEXP '[0-9]+$'", "'abc' REGEXP '^b'", "'ABC' RLIKE 'b'"]
-- > types: ["LONG", "LONG", "LONG"]
-- > rows: 1
-- > (1, 0, 1)
