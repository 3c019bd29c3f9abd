-- DECIMAL exactness: values come back as stored, arithmetic and aggregates are exact
-- (0.10 + 0.20 = 0.30), so that a materialization and its query agree to the cent.

-- case: decimal_round_trip
CREATE TABLE t (id INT PRIMARY KEY, d DECIMAL(10,2));
INSERT INTO t VALUES (1, 0.10), (2, 0.20), (3, 12345678.90), (4, -0.01), (5, 0), (6, '99999999.99');
SELECT id, d FROM t ORDER BY id;
-- expect
-- > names: ["id", "d"]
-- > types: ["LONG", "NEWDECIMAL"]
-- > rows: 6
-- > (1, Decimal('0.10'))
-- > (2, Decimal('0.20'))
-- > (3, Decimal('12345678.90'))
-- > (4, Decimal('-0.01'))
-- > (5, Decimal('0.00'))
-- > (6, Decimal('99999999.99'))

-- case: decimal_sum_avg_min_max
CREATE TABLE t (d DECIMAL(10,2));
INSERT INTO t VALUES (0.10), (0.20);
SELECT SUM(d), AVG(d), MIN(d), MAX(d), COUNT(d) FROM t;
-- expect
-- > names: ["SUM(d)", "AVG(d)", "MIN(d)", "MAX(d)", "COUNT(d)"]
-- > types: ["NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "LONGLONG"]
-- > rows: 1
-- > (Decimal('0.30'), Decimal('0.150000'), Decimal('0.10'), Decimal('0.20'), 2)
SELECT SUM(d) = 0.30, SUM(d) = 0.3, SUM(d) - 0.30 FROM t;
-- expect
-- > names: ["SUM(d) = 0.30", "SUM(d) = 0.3", "SUM(d) - 0.30"]
-- > types: ["LONG", "LONG", "NEWDECIMAL"]
-- > rows: 1
-- > (1, 1, Decimal('0.00'))

-- case: decimal_column_arithmetic
CREATE TABLE t (a DECIMAL(10,2), b DECIMAL(10,2));
INSERT INTO t VALUES (0.10, 0.20);
SELECT a + b, b - a, a * b, a * 3, b / 3, a / b, -a FROM t;
-- expect
-- > names: ["a + b", "b - a", "a * b", "a * 3", "b / 3", "a / b", "-a"]
-- > types: ["NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 1
-- > (Decimal('0.30'), Decimal('0.10'), Decimal('0.0200'), Decimal('0.30'), Decimal('0.066667'), Decimal('0.500000'), Decimal('-0.10'))
SELECT a + b = 0.30, a + 0.20 FROM t;
-- expect
-- > names: ["a + b = 0.30", "a + 0.20"]
-- > types: ["LONG", "NEWDECIMAL"]
-- > rows: 1
-- > (1, Decimal('0.30'))

-- case: decimal_literals
SELECT 0.1 + 0.2, 0.1 + 0.2 = 0.3, 1.10 * 3, 10.00 / 4, 0.1 * 0.1, 1.0 - 0.9;
-- expect
-- > names: ["0.1 + 0.2", "0.1 + 0.2 = 0.3", "1.10 * 3", "10.00 / 4", "0.1 * 0.1", "1.0 - 0.9"]
-- > types: ["NEWDECIMAL", "LONG", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 1
-- > (Decimal('0.3'), 1, Decimal('3.30'), Decimal('2.500000'), Decimal('0.01'), Decimal('0.1'))

-- case: decimal_sum_of_many_cents
-- note: 1,000 rows of 0.01 and of 0.10 sum exactly; a float would drift
CREATE TABLE t (id INT PRIMARY KEY, c DECIMAL(10,2), d DECIMAL(10,2));
INSERT INTO t WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 1000) SELECT n, 0.01, 0.10 FROM s;
SELECT SUM(c), SUM(d), AVG(d), SUM(c) * 3 FROM t;
-- expect
-- > names: ["SUM(c)", "SUM(d)", "AVG(d)", "SUM(c) * 3"]
-- > types: ["NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 1
-- > (Decimal('10.00'), Decimal('100.00'), Decimal('0.100000'), Decimal('30.00'))
SELECT SUM(c) = 10.00, SUM(d) = 100 FROM t;
-- expect
-- > names: ["SUM(c) = 10.00", "SUM(d) = 100"]
-- > types: ["LONG", "LONG"]
-- > rows: 1
-- > (1, 1)

-- case: decimal_group_by_totals
CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR(5), amount DECIMAL(12,2));
INSERT INTO orders VALUES (1, 'a', 19.99), (2, 'a', 0.01), (3, 'b', 1234.56), (4, 'b', 0.44), (5, 'c', 0.10), (6, 'c', 0.20);
SELECT customer, SUM(amount), AVG(amount), COUNT(*) FROM orders GROUP BY customer ORDER BY customer;
-- expect
-- > names: ["customer", "SUM(amount)", "AVG(amount)", "COUNT(*)"]
-- > types: ["VAR_STRING", "NEWDECIMAL", "NEWDECIMAL", "LONGLONG"]
-- > rows: 3
-- > ('a', Decimal('20.00'), Decimal('10.000000'), 2)
-- > ('b', Decimal('1235.00'), Decimal('617.500000'), 2)
-- > ('c', Decimal('0.30'), Decimal('0.150000'), 2)
SELECT customer FROM orders GROUP BY customer HAVING SUM(amount) = 0.30;
-- expect
-- > names: ["customer"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('c',)

-- case: decimal_scale_and_precision
CREATE TABLE t (a DECIMAL(5,0), b DECIMAL(30,10), c DECIMAL(65,30), d NUMERIC(8,3));
INSERT INTO t VALUES (12345, 12345678901234567890.0123456789, 0.000000000000000000000000000001, 12345.678);
SELECT * FROM t;
-- expect
-- > names: ["a", "b", "c", "d"]
-- > types: ["NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 1
-- > (Decimal('12345'), Decimal('12345678901234567890.0123456789'), Decimal('1E-30'), Decimal('12345.678'))
SELECT b + 1, b * 2, c * 2, d / 7 FROM t;
-- expect
-- > names: ["b + 1", "b * 2", "c * 2", "d / 7"]
-- > types: ["NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 1
-- > (Decimal('12345678901234567891.0123456789'), Decimal('24691357802469135780.0246913578'), Decimal('2E-30'), Decimal('1763.6682857'))

-- case: decimal_negative_and_zero
CREATE TABLE t (d DECIMAL(8,3));
INSERT INTO t VALUES (-1.5), (0), (-0.000), (2.25);
SELECT d FROM t ORDER BY d;
-- expect
-- > names: ["d"]
-- > types: ["NEWDECIMAL"]
-- > rows: 4
-- > (Decimal('-1.500'),)
-- > (Decimal('0.000'),)
-- > (Decimal('0.000'),)
-- > (Decimal('2.250'),)
SELECT SUM(d), MIN(d), MAX(d), ABS(MIN(d)) FROM t;
-- expect
-- > names: ["SUM(d)", "MIN(d)", "MAX(d)", "ABS(MIN(d))"]
-- > types: ["NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 1
-- > (Decimal('0.750'), Decimal('-1.500'), Decimal('2.250'), Decimal('1.500'))

-- case: decimal_comparisons_and_order
CREATE TABLE t (id INT PRIMARY KEY, d DECIMAL(10,2));
INSERT INTO t VALUES (1, 10.00), (2, 9.99), (3, 10.01), (4, 100.00), (5, 2.00);
SELECT id FROM t WHERE d > 9.995 ORDER BY d;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 3
-- > (1,)
-- > (3,)
-- > (4,)
SELECT id FROM t WHERE d = 10 ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)
SELECT id FROM t WHERE d BETWEEN 2 AND 10 ORDER BY d DESC;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 3
-- > (1,)
-- > (2,)
-- > (5,)

-- case: decimal_round_and_truncate
CREATE TABLE t (d DECIMAL(10,4));
INSERT INTO t VALUES (1.2345), (1.2355), (-1.2345);
SELECT d, ROUND(d, 2), ROUND(d, 3), TRUNCATE(d, 2), FLOOR(d), CEIL(d) FROM t ORDER BY d;
-- expect
-- > names: ["d", "ROUND(d, 2)", "ROUND(d, 3)", "TRUNCATE(d, 2)", "FLOOR(d)", "CEIL(d)"]
-- > types: ["NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "LONG", "LONG"]
-- > rows: 3
-- > (Decimal('-1.2345'), Decimal('-1.23'), Decimal('-1.235'), Decimal('-1.23'), -2, -1)
-- > (Decimal('1.2345'), Decimal('1.23'), Decimal('1.235'), Decimal('1.23'), 1, 2)
-- > (Decimal('1.2355'), Decimal('1.24'), Decimal('1.236'), Decimal('1.23'), 1, 2)

-- case: decimal_mixed_with_integer_and_double
CREATE TABLE t (d DECIMAL(8,2), i INT, f DOUBLE);
INSERT INTO t VALUES (1.10, 3, 0.5);
SELECT d + i, d * i, d + f, i / 2, SUM(d + i) FROM t;
-- expect
-- > names: ["d + i", "d * i", "d + f", "i / 2", "SUM(d + i)"]
-- > types: ["NEWDECIMAL", "NEWDECIMAL", "DOUBLE", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 1
-- > (Decimal('4.10'), Decimal('3.30'), 1.6, Decimal('1.5000'), Decimal('4.10'))

-- case: decimal_in_update_and_upsert
CREATE TABLE acct (id INT PRIMARY KEY, balance DECIMAL(12,2) NOT NULL);
INSERT INTO acct VALUES (1, 0.10);
UPDATE acct SET balance = balance + 0.20 WHERE id = 1;
-- expect
-- > ok: affected=1 insert_id=0
INSERT INTO acct VALUES (1, 0.05) ON DUPLICATE KEY UPDATE balance = balance + VALUES(balance);
-- expect
-- > ok: affected=2 insert_id=0
SELECT balance, balance = 0.35 FROM acct;
-- expect
-- > names: ["balance", "balance = 0.35"]
-- > types: ["NEWDECIMAL", "LONG"]
-- > rows: 1
-- > (Decimal('0.35'), 1)

-- case: decimal_window_running_total
CREATE TABLE t (id INT PRIMARY KEY, d DECIMAL(8,2));
INSERT INTO t VALUES (1, 0.10), (2, 0.20), (3, 0.30);
SELECT id, SUM(d) OVER (ORDER BY id) AS running, AVG(d) OVER () AS mean FROM t ORDER BY id;
-- expect
-- > names: ["id", "running", "mean"]
-- > types: ["LONG", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 3
-- > (1, Decimal('0.10'), Decimal('0.200000'))
-- > (2, Decimal('0.30'), Decimal('0.200000'))
-- > (3, Decimal('0.60'), Decimal('0.200000'))

-- case: decimal_cast_from_strings_and_floats
SELECT CAST('0.10' AS DECIMAL(10,2)) + CAST('0.20' AS DECIMAL(10,2)), CAST(0.1e0 AS DECIMAL(10,2)), CAST('1.005' AS DECIMAL(10,2)), CAST(2.675 AS DECIMAL(10,2));
-- expect
-- > names: ["CAST('0.10' AS DECIMAL(10,2)) + CAST('0.20' AS DECIMAL(10,2))", "CAST(0.1e0 AS DECIMAL(10,2))", "CAST('1.005' AS DECIMAL(10,2))", "CAST(2.675 AS DECIMAL(10,2))"]
-- > types: ["NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 1
-- > (Decimal('0.30'), Decimal('0.10'), Decimal('1.01'), Decimal('2.68'))

-- case: decimal_out_of_range
CREATE TABLE t (d DECIMAL(4,2));
INSERT INTO t VALUES (99.99);
-- expect
-- > ok: affected=1 insert_id=0
INSERT INTO t VALUES (100.00);
-- expect
-- > error: 1264
SELECT d FROM t;
-- expect
-- > names: ["d"]
-- > types: ["NEWDECIMAL"]
-- > rows: 1
-- > (Decimal('99.99'),)

-- case: decimal_wide_round_trip_and_arithmetic
-- note: 30-digit and 65-digit values come back digit for digit; 0.10 + 0.20 = 0.30 at any width
CREATE TABLE t (id INT PRIMARY KEY, w DECIMAL(30,10), x DECIMAL(65,30));
INSERT INTO t VALUES (1, 12345678901234567890.0123456789, 12345678901234567890123456789012345.123456789012345678901234567891), (2, -99999999999999999999.9999999999, -0.000000000000000000000000000001), (3, '0.10', 0.20), (4, 1.23456789015, NULL);
SELECT id, w, x FROM t ORDER BY id;
-- expect
-- > names: ["id", "w", "x"]
-- > types: ["LONG", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 4
-- > (1, Decimal('12345678901234567890.0123456789'), Decimal('12345678901234567890123456789012345.123456789012345678901234567891'))
-- > (2, Decimal('-99999999999999999999.9999999999'), Decimal('-1E-30'))
-- > (3, Decimal('0.1000000000'), Decimal('0.200000000000000000000000000000'))
-- > (4, Decimal('1.2345678902'), None)
SELECT id, w + x, w - 1, w * 3, -w, ABS(w), w / 7 FROM t WHERE id IN (1, 3) ORDER BY id;
-- expect
-- > names: ["id", "w + x", "w - 1", "w * 3", "-w", "ABS(w)", "w / 7"]
-- > types: ["LONG", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 2
-- > (1, Decimal('12345678901234580235802358023580235.135802467912345678901234567891'), Decimal('12345678901234567889.0123456789'), Decimal('37037036703703703670.0370370367'), Decimal('-12345678901234567890.0123456789'), Decimal('12345678901234567890.0123456789'), Decimal('1763668414462081127.14462081127143'))
-- > (3, Decimal('0.300000000000000000000000000000'), Decimal('-0.9000000000'), Decimal('0.3000000000'), Decimal('-0.1000000000'), Decimal('0.1000000000'), Decimal('0.01428571428571'))
SELECT w + x = 0.30, w + x, ROUND(w, 2), TRUNCATE(w, 1) FROM t WHERE id = 3;
-- expect
-- > names: ["w + x = 0.30", "w + x", "ROUND(w, 2)", "TRUNCATE(w, 1)"]
-- > types: ["LONG", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 1
-- > (1, Decimal('0.300000000000000000000000000000'), Decimal('0.10'), Decimal('0.1'))

-- case: decimal_wide_sum_of_many
-- note: 1,000 rows of a 25-digit value sum exactly; a double would keep 15 or 16 digits
CREATE TABLE t (id INT PRIMARY KEY, w DECIMAL(30,10), n DECIMAL(12,2));
INSERT INTO t WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 1000) SELECT n, 123456789012345.0123456789, 9999999999.99 FROM s;
SELECT SUM(w), AVG(w), MIN(w), MAX(w), SUM(n), SUM(n) = 9999999999990.00 FROM t;
-- expect
-- > names: ["SUM(w)", "AVG(w)", "MIN(w)", "MAX(w)", "SUM(n)", "SUM(n) = 9999999999990.00"]
-- > types: ["NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "LONG"]
-- > rows: 1
-- > (Decimal('123456789012345012.3456789000'), Decimal('123456789012345.01234567890000'), Decimal('123456789012345.0123456789'), Decimal('123456789012345.0123456789'), Decimal('9999999999990.00'), 1)
SELECT SUM(w) = 123456789012345012.3456789000, SUM(w) > 123456789012345012.3456788999 FROM t;
-- expect
-- > names: ["SUM(w) = 123456789012345012.3456789000", "SUM(w) > 123456789012345012.3456788999"]
-- > types: ["LONG", "LONG"]
-- > rows: 1
-- > (1, 1)

-- case: decimal_wide_where_order_group
CREATE TABLE t (id INT PRIMARY KEY, w DECIMAL(25,5));
INSERT INTO t VALUES (1, 10000000000000000.00001), (2, 10000000000000000.00002), (3, 9.5), (4, 10000000000000000.00001), (5, -10000000000000000.00001), (6, 100);
SELECT id FROM t WHERE w = 10000000000000000.00001 ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 2
-- > (1,)
-- > (4,)
SELECT id FROM t WHERE w < 10000000000000000.00002 ORDER BY w, id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 5
-- > (5,)
-- > (3,)
-- > (6,)
-- > (1,)
-- > (4,)
SELECT id FROM t WHERE w BETWEEN 9.5 AND 100 ORDER BY w DESC;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 2
-- > (6,)
-- > (3,)
SELECT id FROM t WHERE w > 10 ORDER BY w DESC, id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 4
-- > (2,)
-- > (1,)
-- > (4,)
-- > (6,)
SELECT w, COUNT(*) FROM t GROUP BY w ORDER BY w;
-- expect
-- > names: ["w", "COUNT(*)"]
-- > types: ["NEWDECIMAL", "LONGLONG"]
-- > rows: 5
-- > (Decimal('-10000000000000000.00001'), 1)
-- > (Decimal('9.50000'), 1)
-- > (Decimal('100.00000'), 1)
-- > (Decimal('10000000000000000.00001'), 2)
-- > (Decimal('10000000000000000.00002'), 1)
SELECT id, w * 2 AS twice FROM t ORDER BY twice DESC, id LIMIT 3;
-- expect
-- > names: ["id", "twice"]
-- > types: ["LONG", "NEWDECIMAL"]
-- > rows: 3
-- > (2, Decimal('20000000000000000.00004'))
-- > (1, Decimal('20000000000000000.00002'))
-- > (4, Decimal('20000000000000000.00002'))
SELECT id FROM t WHERE w = 100.00000 AND w = '100' AND w > 99.99999 AND w IN (100, 9.5) ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (6,)

-- case: decimal_wide_unique_key
CREATE TABLE t (id INT PRIMARY KEY, w DECIMAL(30,10), UNIQUE KEY uw (w));
INSERT INTO t VALUES (1, 12345678901234567890.5), (2, 12345678901234567890.4999999999);
INSERT INTO t VALUES (3, 12345678901234567890.5000000000);
-- expect
-- > error: 1062
INSERT INTO t VALUES (3, '12345678901234567890.50');
-- expect
-- > error: 1062
SELECT id, w FROM t ORDER BY w;
-- expect
-- > names: ["id", "w"]
-- > types: ["LONG", "NEWDECIMAL"]
-- > rows: 2
-- > (2, Decimal('12345678901234567890.4999999999'))
-- > (1, Decimal('12345678901234567890.5000000000'))

-- case: decimal_wide_out_of_range
CREATE TABLE t (id INT PRIMARY KEY, w DECIMAL(20,2));
INSERT INTO t VALUES (1, 999999999999999999.99);
-- expect
-- > ok: affected=1 insert_id=0
INSERT INTO t VALUES (2, 1000000000000000000.00);
-- expect
-- > error: 1264
INSERT INTO t VALUES (2, -1000000000000000000);
-- expect
-- > error: 1264
UPDATE t SET w = w + 0.01 WHERE id = 1;
-- expect
-- > error: 1264
INSERT INTO t VALUES (3, 'abc');
-- expect
-- > error: 1366
SELECT id, w FROM t ORDER BY id;
-- expect
-- > names: ["id", "w"]
-- > types: ["LONG", "NEWDECIMAL"]
-- > rows: 1
-- > (1, Decimal('999999999999999999.99'))
SELECT CAST(1000000000000000000000 AS DECIMAL(20,2)), CAST('123456789012345678.125' AS DECIMAL(20,2));
-- expect
-- > names: ["CAST(1000000000000000000000 AS DECIMAL(20,2))", "CAST('123456789012345678.125' AS DECIMAL(20,2))"]
-- > types: ["NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 1
-- > (Decimal('999999999999999999.99'), Decimal('123456789012345678.13'))

-- case: decimal_wide_update_and_upsert
CREATE TABLE acct (id INT PRIMARY KEY, balance DECIMAL(30,2) NOT NULL DEFAULT 0.00);
INSERT INTO acct (id) VALUES (1);
UPDATE acct SET balance = balance + 12345678901234567890.10 WHERE id = 1;
-- expect
-- > ok: affected=1 insert_id=0
INSERT INTO acct VALUES (1, 0.20) ON DUPLICATE KEY UPDATE balance = balance + VALUES(balance);
-- expect
-- > ok: affected=2 insert_id=0
SELECT balance, balance = 12345678901234567890.30 FROM acct;
-- expect
-- > names: ["balance", "balance = 12345678901234567890.30"]
-- > types: ["NEWDECIMAL", "LONG"]
-- > rows: 1
-- > (Decimal('12345678901234567890.30'), 1)

-- case: decimal_wide_nested_arithmetic
CREATE TABLE t (a DECIMAL(30,10), b DECIMAL(30,10));
INSERT INTO t VALUES (12345678901234567890.0123456789, 3), (0.1, 0.2), (-5, 0.5);
SELECT a * b + 1, (a + b) * 2, -(a - b), ABS(a - b) FROM t ORDER BY a * b + 1;
-- expect
-- > names: ["a * b + 1", "(a + b) * 2", "-(a - b)", "ABS(a - b)"]
-- > types: ["NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 3
-- > (Decimal('-1.50000000000000000000'), Decimal('-9.0000000000'), Decimal('5.5000000000'), Decimal('5.5000000000'))
-- > (Decimal('1.02000000000000000000'), Decimal('0.6000000000'), Decimal('0.1000000000'), Decimal('0.1000000000'))
-- > (Decimal('37037036703703703671.03703703670000000000'), Decimal('24691357802469135786.0246913578'), Decimal('-12345678901234567887.0123456789'), Decimal('12345678901234567887.0123456789'))
SELECT MIN(a * 2), MAX(a + b), SUM(a * b), SUM(a) - SUM(b) FROM t;
-- expect
-- > names: ["MIN(a * 2)", "MAX(a + b)", "SUM(a * b)", "SUM(a) - SUM(b)"]
-- > types: ["NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 1
-- > (Decimal('-10.0000000000'), Decimal('12345678901234567893.0123456789'), Decimal('37037036703703703667.55703703670000000000'), Decimal('12345678901234567881.4123456789'))
SELECT COUNT(*) FROM t WHERE a * b + 1 > 1.02 AND (a + b) * 2 BETWEEN 0.6 AND 24691357802469135786.0246913578;
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (1,)
