-- SELECT: literals and their types, WHERE, joins, GROUP BY/HAVING, subqueries, CTEs, window
-- functions, ORDER BY, LIMIT/OFFSET, UNION, MySQL comparison and arithmetic semantics.

-- case: literals_and_their_types
SELECT 1, -7, 9223372036854775807, 'abc', NULL, 1.50, 2.5e0, TRUE, FALSE, X'4142';
-- expect
-- > names: ["1", "-7", "9223372036854775807", "abc", "NULL", "1.50", "2.5e0", "TRUE", "FALSE", "X'4142'"]
-- > types: ["LONG", "LONG", "LONGLONG", "VAR_STRING", "NULL", "NEWDECIMAL", "DOUBLE", "LONG", "LONG", "VAR_STRING"]
-- > rows: 1
-- > (1, -7, 9223372036854775807, 'abc', None, Decimal('1.50'), 2.5, 1, 0, b'AB')

-- case: select_from_dual
SELECT 1 + 1 AS two FROM DUAL;
-- expect
-- > names: ["two"]
-- > types: ["LONG"]
-- > rows: 1
-- > (2,)

-- case: column_aliases
CREATE TABLE t (id INT PRIMARY KEY, v INT);
INSERT INTO t VALUES (1, 10);
SELECT id AS `key`, v value, v * 2 AS "double", 'lit' AS l FROM t;
-- expect
-- > names: ["key", "value", "double", "l"]
-- > types: ["LONG", "LONG", "LONGLONG", "VAR_STRING"]
-- > rows: 1
-- > (1, 10, 20, 'lit')

-- case: where_and_order
CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10), score INT);
INSERT INTO t VALUES (1, 'ann', 50), (2, 'bob', 70), (3, 'cy', 70), (4, 'dee', NULL);
SELECT name FROM t WHERE score >= 60 ORDER BY score DESC, name ASC;
-- expect
-- > names: ["name"]
-- > types: ["VAR_STRING"]
-- > rows: 2
-- > ('bob',)
-- > ('cy',)
SELECT name FROM t WHERE score IS NULL;
-- expect
-- > names: ["name"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('dee',)
SELECT name, score FROM t ORDER BY score, id;
-- expect
-- > names: ["name", "score"]
-- > types: ["VAR_STRING", "LONG"]
-- > rows: 4
-- > ('dee', None)
-- > ('ann', 50)
-- > ('bob', 70)
-- > ('cy', 70)
SELECT name, score FROM t ORDER BY score DESC, id;
-- expect
-- > names: ["name", "score"]
-- > types: ["VAR_STRING", "LONG"]
-- > rows: 4
-- > ('bob', 70)
-- > ('cy', 70)
-- > ('ann', 50)
-- > ('dee', None)

-- case: where_operators
CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10));
INSERT INTO t VALUES (1, 'apple'), (2, 'banana'), (3, 'cherry'), (4, 'date'), (5, NULL);
SELECT id FROM t WHERE name LIKE '%an%' ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (2,)
SELECT id FROM t WHERE name NOT LIKE 'a%' ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 3
-- > (2,)
-- > (3,)
-- > (4,)
SELECT id FROM t WHERE id BETWEEN 2 AND 4 ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 3
-- > (2,)
-- > (3,)
-- > (4,)
SELECT id FROM t WHERE id IN (1, 3, 99) ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 2
-- > (1,)
-- > (3,)
SELECT id FROM t WHERE name IS NOT NULL AND (id < 2 OR id > 3) ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 2
-- > (1,)
-- > (4,)
SELECT id FROM t WHERE name <> 'apple' ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 3
-- > (2,)
-- > (3,)
-- > (4,)

-- case: string_comparison_is_case_insensitive
-- note: the default collation (utf8mb4_general_ci) compares without case
CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10));
INSERT INTO t VALUES (1, 'Alice'), (2, 'bob');
SELECT id FROM t WHERE name = 'alice';
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)
SELECT 'a' = 'A', 'abc' < 'ABD', 'x' = 'x ';
-- expect
-- > names: ["'a' = 'A'", "'abc' < 'ABD'", "'x' = 'x '"]
-- > types: ["LONG", "LONG", "LONG"]
-- > rows: 1
-- > (1, 1, 1)
SELECT name FROM t ORDER BY name;
-- expect
-- > names: ["name"]
-- > types: ["VAR_STRING"]
-- > rows: 2
-- > ('Alice',)
-- > ('bob',)

-- case: null_semantics
SELECT NULL = NULL, NULL IS NULL, NULL <=> NULL, 1 <=> NULL, 1 + NULL, NULL OR 1, NULL AND 0;
-- expect
-- > names: ["NULL = NULL", "NULL IS NULL", "NULL <=> NULL", "1 <=> NULL", "1 + NULL", "NULL OR 1", "NULL AND 0"]
-- > types: ["LONG", "LONG", "LONG", "LONG", "DOUBLE", "LONG", "LONG"]
-- > rows: 1
-- > (None, 1, 1, 0, None, 1, 0)

-- case: arithmetic
SELECT 7 / 2, 7 DIV 2, 7 % 3, MOD(-7, 3), -7 / 2, 2 * 3.5, 1 / 3, 10 / 4;
-- expect
-- > names: ["7 / 2", "7 DIV 2", "7 % 3", "MOD(-7, 3)", "-7 / 2", "2 * 3.5", "1 / 3", "10 / 4"]
-- > types: ["NEWDECIMAL", "LONG", "LONG", "LONG", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 1
-- > (Decimal('3.5000'), 3, 1, -1, Decimal('-3.5000'), Decimal('7.0'), Decimal('0.3333'), Decimal('2.5000'))
SELECT 1 / 0, 5 % 0;
-- expect
-- > names: ["1 / 0", "5 % 0"]
-- > types: ["NEWDECIMAL", "LONG"]
-- > rows: 1
-- > (None, None)
SELECT 3 - 5, 2.0 * 3, 1e2 + 1, 4294967296 * 2;
-- expect
-- > names: ["3 - 5", "2.0 * 3", "1e2 + 1", "4294967296 * 2"]
-- > types: ["LONG", "NEWDECIMAL", "DOUBLE", "LONGLONG"]
-- > rows: 1
-- > (-2, Decimal('6.0'), 101.0, 8589934592)
SELECT 4294967296 * 4294967296;
-- expect
-- > error: 1690

-- case: boolean_results
CREATE TABLE t (id INT PRIMARY KEY, v INT);
INSERT INTO t VALUES (1, 5), (2, 15);
SELECT id, v > 10, v = 5, NOT (v > 10) FROM t ORDER BY id;
-- expect
-- > names: ["id", "v > 10", "v = 5", "NOT (v > 10)"]
-- > types: ["LONG", "LONG", "LONG", "LONG"]
-- > rows: 2
-- > (1, 0, 1, 1)
-- > (2, 1, 0, 0)

-- case: case_expression
CREATE TABLE t (id INT PRIMARY KEY, v INT);
INSERT INTO t VALUES (1, 5), (2, 15), (3, NULL);
SELECT id, CASE WHEN v < 10 THEN 'low' WHEN v >= 10 THEN 'high' ELSE 'none' END AS band FROM t ORDER BY id;
-- expect
-- > names: ["id", "band"]
-- > types: ["LONG", "VAR_STRING"]
-- > rows: 3
-- > (1, 'low')
-- > (2, 'high')
-- > (3, 'none')
SELECT id, CASE v WHEN 5 THEN 'five' ELSE 'other' END FROM t ORDER BY id;
-- expect
-- > names: ["id", "CASE v WHEN 5 THEN 'five' ELSE 'other' END"]
-- > types: ["LONG", "VAR_STRING"]
-- > rows: 3
-- > (1, 'five')
-- > (2, 'other')
-- > (3, 'other')

-- case: inner_join
CREATE TABLE c (id INT PRIMARY KEY, name VARCHAR(10));
CREATE TABLE o (id INT PRIMARY KEY, c_id INT, amount DECIMAL(8,2));
INSERT INTO c VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO o VALUES (10, 1, 5.00), (11, 1, 7.50), (12, 2, 1.25);
SELECT c.name, o.amount FROM c JOIN o ON o.c_id = c.id ORDER BY o.id;
-- expect
-- > names: ["name", "amount"]
-- > types: ["VAR_STRING", "NEWDECIMAL"]
-- > rows: 3
-- > ('ann', Decimal('5.00'))
-- > ('ann', Decimal('7.50'))
-- > ('bob', Decimal('1.25'))
SELECT c.name, o.amount FROM c INNER JOIN o ON o.c_id = c.id WHERE o.amount > 2 ORDER BY o.id;
-- expect
-- > names: ["name", "amount"]
-- > types: ["VAR_STRING", "NEWDECIMAL"]
-- > rows: 2
-- > ('ann', Decimal('5.00'))
-- > ('ann', Decimal('7.50'))
SELECT c.name, o.amount FROM c, o WHERE o.c_id = c.id AND c.name = 'bob';
-- expect
-- > names: ["name", "amount"]
-- > types: ["VAR_STRING", "NEWDECIMAL"]
-- > rows: 1
-- > ('bob', Decimal('1.25'))

-- case: left_and_right_join
CREATE TABLE c (id INT PRIMARY KEY, name VARCHAR(10));
CREATE TABLE o (id INT PRIMARY KEY, c_id INT, amount DECIMAL(8,2));
INSERT INTO c VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO o VALUES (10, 1, 5.00), (12, 2, 1.25), (13, 9, 3.00);
SELECT c.name, o.amount FROM c LEFT JOIN o ON o.c_id = c.id ORDER BY c.id;
-- expect
-- > names: ["name", "amount"]
-- > types: ["VAR_STRING", "NEWDECIMAL"]
-- > rows: 3
-- > ('ann', Decimal('5.00'))
-- > ('bob', Decimal('1.25'))
-- > ('cy', None)
SELECT c.name, o.id FROM c RIGHT JOIN o ON o.c_id = c.id ORDER BY o.id;
-- expect
-- > names: ["name", "id"]
-- > types: ["VAR_STRING", "LONG"]
-- > rows: 3
-- > ('ann', 10)
-- > ('bob', 12)
-- > (None, 13)
SELECT c.name FROM c LEFT JOIN o ON o.c_id = c.id WHERE o.id IS NULL;
-- expect
-- > names: ["name"]
-- > types: ["VAR_STRING"]
-- > rows: 1
-- > ('cy',)

-- case: join_using_and_self_join
CREATE TABLE a (id INT PRIMARY KEY, x VARCHAR(5));
CREATE TABLE b (id INT PRIMARY KEY, y VARCHAR(5));
INSERT INTO a VALUES (1, 'a1'), (2, 'a2');
INSERT INTO b VALUES (2, 'b2'), (3, 'b3');
SELECT id, x, y FROM a JOIN b USING (id);
-- expect
-- > names: ["id", "x", "y"]
-- > types: ["LONG", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > (2, 'a2', 'b2')
SELECT p.x, q.x FROM a AS p JOIN a AS q ON q.id = p.id + 1;
-- expect
-- > names: ["x", "x"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('a1', 'a2')
SELECT COUNT(*) FROM a CROSS JOIN b;
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (4,)

-- case: group_by_and_aggregates
CREATE TABLE t (g VARCHAR(5), n INT, d DECIMAL(8,2));
INSERT INTO t VALUES ('a', 1, 0.10), ('a', 2, 0.20), ('b', 5, 1.00), ('b', NULL, NULL), ('c', 3, 2.50);
SELECT g, COUNT(*), COUNT(n), SUM(n), AVG(n), MIN(n), MAX(n) FROM t GROUP BY g ORDER BY g;
-- expect
-- > names: ["g", "COUNT(*)", "COUNT(n)", "SUM(n)", "AVG(n)", "MIN(n)", "MAX(n)"]
-- > types: ["VAR_STRING", "LONGLONG", "LONGLONG", "NEWDECIMAL", "NEWDECIMAL", "LONG", "LONG"]
-- > rows: 3
-- > ('a', 2, 2, Decimal('3'), Decimal('1.5000'), 1, 2)
-- > ('b', 2, 1, Decimal('5'), Decimal('5.0000'), 5, 5)
-- > ('c', 1, 1, Decimal('3'), Decimal('3.0000'), 3, 3)
SELECT g, SUM(d), AVG(d), MIN(d), MAX(d) FROM t GROUP BY g ORDER BY g;
-- expect
-- > names: ["g", "SUM(d)", "AVG(d)", "MIN(d)", "MAX(d)"]
-- > types: ["VAR_STRING", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 3
-- > ('a', Decimal('0.30'), Decimal('0.150000'), Decimal('0.10'), Decimal('0.20'))
-- > ('b', Decimal('1.00'), Decimal('1.000000'), Decimal('1.00'), Decimal('1.00'))
-- > ('c', Decimal('2.50'), Decimal('2.500000'), Decimal('2.50'), Decimal('2.50'))
SELECT COUNT(*), SUM(n), COUNT(DISTINCT g) FROM t;
-- expect
-- > names: ["COUNT(*)", "SUM(n)", "COUNT(DISTINCT g)"]
-- > types: ["LONGLONG", "NEWDECIMAL", "LONGLONG"]
-- > rows: 1
-- > (5, Decimal('11'), 3)
SELECT COUNT(*), SUM(n), AVG(n), MAX(n) FROM t WHERE g = 'none';
-- expect
-- > names: ["COUNT(*)", "SUM(n)", "AVG(n)", "MAX(n)"]
-- > types: ["LONGLONG", "NEWDECIMAL", "NEWDECIMAL", "LONG"]
-- > rows: 1
-- > (0, None, None, None)

-- case: group_by_having
CREATE TABLE t (g VARCHAR(5), n INT);
INSERT INTO t VALUES ('a', 1), ('a', 2), ('b', 5), ('c', 3), ('c', 4), ('c', 5);
SELECT g, COUNT(*) AS cnt FROM t GROUP BY g HAVING COUNT(*) > 1 ORDER BY g;
-- expect
-- > names: ["g", "cnt"]
-- > types: ["VAR_STRING", "LONGLONG"]
-- > rows: 2
-- > ('a', 2)
-- > ('c', 3)
SELECT g, SUM(n) AS total FROM t GROUP BY g HAVING total >= 5 ORDER BY total DESC;
-- expect
-- > names: ["g", "total"]
-- > types: ["VAR_STRING", "NEWDECIMAL"]
-- > rows: 2
-- > ('c', Decimal('12'))
-- > ('b', Decimal('5'))

-- case: group_by_expression_and_position
CREATE TABLE t (d DATE, n INT);
INSERT INTO t VALUES ('2024-01-05', 1), ('2024-01-20', 2), ('2024-02-01', 3);
SELECT DATE_FORMAT(d, '%Y-%m') AS month, SUM(n) FROM t GROUP BY month ORDER BY month;
-- expect
-- > names: ["month", "SUM(n)"]
-- > types: ["VAR_STRING", "NEWDECIMAL"]
-- > rows: 2
-- > ('2024-01', Decimal('3'))
-- > ('2024-02', Decimal('3'))
SELECT YEAR(d), MONTH(d), COUNT(*) FROM t GROUP BY 1, 2 ORDER BY 1, 2;
-- expect
-- > names: ["YEAR(d)", "MONTH(d)", "COUNT(*)"]
-- > types: ["LONG", "LONG", "LONGLONG"]
-- > rows: 2
-- > (2024, 1, 2)
-- > (2024, 2, 1)

-- case: distinct
CREATE TABLE t (a INT, b VARCHAR(5));
INSERT INTO t VALUES (1, 'x'), (1, 'x'), (2, 'x'), (2, 'X');
SELECT DISTINCT a FROM t ORDER BY a;
-- expect
-- > names: ["a"]
-- > types: ["LONG"]
-- > rows: 2
-- > (1,)
-- > (2,)
SELECT COUNT(DISTINCT b) FROM t;
-- expect
-- > names: ["COUNT(DISTINCT b)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (1,)

-- case: subqueries
CREATE TABLE t (id INT PRIMARY KEY, g VARCHAR(5), n INT);
INSERT INTO t VALUES (1, 'a', 10), (2, 'a', 20), (3, 'b', 30), (4, 'b', 5);
SELECT id FROM t WHERE n > (SELECT AVG(n) FROM t) ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 2
-- > (2,)
-- > (3,)
SELECT id FROM t WHERE g IN (SELECT g FROM t WHERE n = 5) ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 2
-- > (3,)
-- > (4,)
SELECT id, (SELECT MAX(n) FROM t AS i WHERE i.g = o.g) AS gmax FROM t AS o ORDER BY id;
-- expect
-- > names: ["id", "gmax"]
-- > types: ["LONG", "LONG"]
-- > rows: 4
-- > (1, 20)
-- > (2, 20)
-- > (3, 30)
-- > (4, 30)
SELECT id FROM t AS o WHERE EXISTS (SELECT 1 FROM t AS i WHERE i.g = o.g AND i.n > o.n) ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 2
-- > (1,)
-- > (4,)
SELECT g, total FROM (SELECT g, SUM(n) AS total FROM t GROUP BY g) AS s WHERE total > 25 ORDER BY g;
-- expect
-- > names: ["g", "total"]
-- > types: ["VAR_STRING", "NEWDECIMAL"]
-- > rows: 2
-- > ('a', Decimal('30'))
-- > ('b', Decimal('35'))
SELECT id FROM t WHERE n = (SELECT n FROM t WHERE id = 99);
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 0

-- case: common_table_expressions
CREATE TABLE t (id INT PRIMARY KEY, g VARCHAR(5), n INT);
INSERT INTO t VALUES (1, 'a', 10), (2, 'a', 20), (3, 'b', 30);
WITH s AS (SELECT g, SUM(n) AS total FROM t GROUP BY g) SELECT g, total FROM s ORDER BY g;
-- expect
-- > names: ["g", "total"]
-- > types: ["VAR_STRING", "NEWDECIMAL"]
-- > rows: 2
-- > ('a', Decimal('30'))
-- > ('b', Decimal('30'))
WITH a AS (SELECT id, n FROM t WHERE g = 'a'), b AS (SELECT MAX(n) AS m FROM a) SELECT a.id FROM a, b WHERE a.n = b.m;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (2,)

-- case: recursive_cte
WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 5) SELECT n FROM seq;
-- expect
-- > names: ["n"]
-- > types: ["LONG"]
-- > rows: 5
-- > (1,)
-- > (2,)
-- > (3,)
-- > (4,)
-- > (5,)
WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 100) SELECT COUNT(*), SUM(n) FROM seq;
-- expect
-- > names: ["COUNT(*)", "SUM(n)"]
-- > types: ["LONGLONG", "NEWDECIMAL"]
-- > rows: 1
-- > (100, Decimal('5050'))

-- case: window_functions
CREATE TABLE t (id INT PRIMARY KEY, g VARCHAR(5), n INT);
INSERT INTO t VALUES (1, 'a', 10), (2, 'a', 20), (3, 'a', 20), (4, 'b', 5), (5, 'b', 7);
SELECT id, ROW_NUMBER() OVER (PARTITION BY g ORDER BY n, id) AS rn FROM t ORDER BY id;
-- expect
-- > names: ["id", "rn"]
-- > types: ["LONG", "LONGLONG"]
-- > rows: 5
-- > (1, 1)
-- > (2, 2)
-- > (3, 3)
-- > (4, 1)
-- > (5, 2)
SELECT id, RANK() OVER (ORDER BY n DESC) AS r, DENSE_RANK() OVER (ORDER BY n DESC) AS dr FROM t ORDER BY id;
-- expect
-- > names: ["id", "r", "dr"]
-- > types: ["LONG", "LONGLONG", "LONGLONG"]
-- > rows: 5
-- > (1, 3, 2)
-- > (2, 1, 1)
-- > (3, 1, 1)
-- > (4, 5, 4)
-- > (5, 4, 3)
SELECT id, SUM(n) OVER (PARTITION BY g) AS gsum, SUM(n) OVER (PARTITION BY g ORDER BY id) AS running FROM t ORDER BY id;
-- expect
-- > names: ["id", "gsum", "running"]
-- > types: ["LONG", "NEWDECIMAL", "NEWDECIMAL"]
-- > rows: 5
-- > (1, Decimal('50'), Decimal('10'))
-- > (2, Decimal('50'), Decimal('30'))
-- > (3, Decimal('50'), Decimal('50'))
-- > (4, Decimal('12'), Decimal('5'))
-- > (5, Decimal('12'), Decimal('12'))
SELECT id, LAG(n) OVER (ORDER BY id) AS prev_n, LEAD(n, 2) OVER (ORDER BY id) AS next_n FROM t ORDER BY id;
-- expect
-- > names: ["id", "prev_n", "next_n"]
-- > types: ["LONG", "LONG", "LONG"]
-- > rows: 5
-- > (1, None, 20)
-- > (2, 10, 5)
-- > (3, 20, 7)
-- > (4, 20, None)
-- > (5, 5, None)
SELECT id, COUNT(*) OVER () AS total, AVG(n) OVER (PARTITION BY g) AS gavg FROM t ORDER BY id;
-- expect
-- > names: ["id", "total", "gavg"]
-- > types: ["LONG", "LONGLONG", "NEWDECIMAL"]
-- > rows: 5
-- > (1, 5, Decimal('16.6667'))
-- > (2, 5, Decimal('16.6667'))
-- > (3, 5, Decimal('16.6667'))
-- > (4, 5, Decimal('6.0000'))
-- > (5, 5, Decimal('6.0000'))
SELECT id, FIRST_VALUE(id) OVER (PARTITION BY g ORDER BY n DESC, id) AS top FROM t ORDER BY id;
-- expect
-- > names: ["id", "top"]
-- > types: ["LONG", "LONG"]
-- > rows: 5
-- > (1, 2)
-- > (2, 2)
-- > (3, 2)
-- > (4, 5)
-- > (5, 5)

-- case: limit_and_offset
CREATE TABLE t (id INT PRIMARY KEY);
INSERT INTO t VALUES (1), (2), (3), (4), (5), (6);
SELECT id FROM t ORDER BY id LIMIT 2;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 2
-- > (1,)
-- > (2,)
SELECT id FROM t ORDER BY id LIMIT 2 OFFSET 3;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 2
-- > (4,)
-- > (5,)
SELECT id FROM t ORDER BY id LIMIT 4, 1;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (5,)
SELECT id FROM t ORDER BY id LIMIT 10 OFFSET 5;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (6,)
SELECT id FROM t ORDER BY id LIMIT 0;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 0

-- case: union
CREATE TABLE a (v INT);
CREATE TABLE b (v INT);
INSERT INTO a VALUES (1), (2);
INSERT INTO b VALUES (2), (3);
SELECT v FROM a UNION SELECT v FROM b ORDER BY v;
-- expect
-- > names: ["v"]
-- > types: ["LONG"]
-- > rows: 3
-- > (1,)
-- > (2,)
-- > (3,)
SELECT v FROM a UNION ALL SELECT v FROM b ORDER BY v;
-- expect
-- > names: ["v"]
-- > types: ["LONG"]
-- > rows: 4
-- > (1,)
-- > (2,)
-- > (2,)
-- > (3,)
SELECT 'x' AS k, 1 AS n UNION ALL SELECT 'y', 2.5;
-- expect
-- > names: ["k", "n"]
-- > types: ["VAR_STRING", "NEWDECIMAL"]
-- > rows: 2
-- > ('x', Decimal('1.0'))
-- > ('y', Decimal('2.5'))

-- case: empty_result_keeps_column_types
CREATE TABLE t (id INT PRIMARY KEY, d DECIMAL(8,2), dt DATETIME, s VARCHAR(5), b BLOB);
SELECT id, d, dt, s, b FROM t;
-- expect
-- > names: ["id", "d", "dt", "s", "b"]
-- > types: ["LONG", "NEWDECIMAL", "DATETIME", "VAR_STRING", "BLOB"]
-- > rows: 0

-- case: order_by_expression_and_alias
CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT);
INSERT INTO t VALUES (1, 1, 9), (2, 5, 1), (3, 3, 3);
SELECT id, a + b AS s FROM t ORDER BY s DESC, id;
-- expect
-- > names: ["id", "s"]
-- > types: ["LONG", "LONGLONG"]
-- > rows: 3
-- > (1, 10)
-- > (2, 6)
-- > (3, 6)
SELECT id FROM t ORDER BY a * -1;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 3
-- > (2,)
-- > (3,)
-- > (1,)

-- case: select_for_update
CREATE TABLE t (id INT PRIMARY KEY, v INT);
INSERT INTO t VALUES (1, 1);
BEGIN;
SELECT v FROM t WHERE id = 1 FOR UPDATE;
-- expect
-- > names: ["v"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)
COMMIT;

-- case: count_big_table
-- note: a recursive CTE feeds 1,000 rows; aggregates over them
CREATE TABLE t (id INT PRIMARY KEY, v INT);
INSERT INTO t WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 1000) SELECT n, n % 7 FROM s;
-- expect
-- > ok: affected=1000 insert_id=0
SELECT COUNT(*), SUM(v), MIN(id), MAX(id) FROM t;
-- expect
-- > names: ["COUNT(*)", "SUM(v)", "MIN(id)", "MAX(id)"]
-- > types: ["LONGLONG", "NEWDECIMAL", "LONG", "LONG"]
-- > rows: 1
-- > (1000, Decimal('3003'), 1, 1000)
SELECT v, COUNT(*) FROM t GROUP BY v ORDER BY v;
-- expect
-- > names: ["v", "COUNT(*)"]
-- > types: ["LONG", "LONGLONG"]
-- > rows: 7
-- > (0, 142)
-- > (1, 143)
-- > (2, 143)
-- > (3, 143)
-- > (4, 143)
-- > (5, 143)
-- > (6, 143)

-- case: limit_all_rows
-- note: LIMIT 18446744073709551615 is MySQL's documented way of asking for all the rows after
-- note: an offset
CREATE TABLE t (id INT PRIMARY KEY);
INSERT INTO t VALUES (1), (2), (3);
SELECT id FROM t ORDER BY id LIMIT 1, 18446744073709551615;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 2
-- > (2,)
-- > (3,)
SELECT id FROM t ORDER BY id DESC LIMIT 18446744073709551615 OFFSET 2;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)

-- case: literal_collation_and_big_literals
-- note: text literals compared by IN/BETWEEN use MySQL's default _ci collation; an integer
-- note: literal past BIGINT UNSIGNED (or below BIGINT) is a DECIMAL
SELECT 'A' IN ('a'), 'b' BETWEEN 'A' AND 'C', 'x' IN ('X', 'y'), 'a' NOT IN ('A'), 'B' NOT BETWEEN 'a' AND 'c';
-- expect
-- > names: ["'A' IN ('a')", "'b' BETWEEN 'A' AND 'C'", "'x' IN ('X', 'y')", "'a' NOT IN ('A')", "'B' NOT BETWEEN 'a' AND 'c'"]
-- > types: ["LONG", "LONG", "LONG", "LONG", "LONG"]
-- > rows: 1
-- > (1, 1, 1, 0, 0)
SELECT 18446744073709551615, 18446744073709551616, -9223372036854775809, -9223372036854775808, 99999999999999999999999999999999999999999999999999999999999999999;
-- expect
-- > names: ["18446744073709551615", "18446744073709551616", "-9223372036854775809", "-9223372036854775808", "99999999999999999999999999999999999999999999999999999999999999999"]
-- > types: ["LONGLONG", "NEWDECIMAL", "NEWDECIMAL", "LONGLONG", "NEWDECIMAL"]
-- > rows: 1
-- > (18446744073709551615, Decimal('18446744073709551616'), Decimal('-9223372036854775809'), -9223372036854775808, Decimal('99999999999999999999999999999999999999999999999999999999999999999'))

-- case: executable_comments_hints_and_like_escape
-- note: /*!NNNNN ... */ runs its text (up to 5.7.99), /*M!NNNNNN ... */ up to 10.11.99,
-- note: optimizer hints are ignored, backslash is LIKE's default escape character
/*!40101 SELECT 1 */;
-- expect
-- > names: ["1"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)
/*M!100100 SELECT 2 */;
-- expect
-- > names: ["2"]
-- > types: ["LONG"]
-- > rows: 1
-- > (2,)
SELECT 1 /*!, 2 */, 3 /*!80000 , 4 */;
-- expect
-- > names: ["1", "2", "3"]
-- > types: ["LONG", "LONG", "LONG"]
-- > rows: 1
-- > (1, 2, 3)
/*!99999 SELECT 3 */;
-- expect: ok
-- > ok
SELECT /*+ MAX_EXECUTION_TIME(1000) */ 1;
-- expect
-- > names: ["1"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)
SELECT 'a\\b' LIKE 'a\\\\b', 'a%b' LIKE 'a\%b', 'axb' LIKE 'a\%b', 'a_b' LIKE 'a\_b', 'axb' LIKE 'a\_b';
-- expect
-- > names: ["'a\\\\b' LIKE 'a\\\\\\\\b'", "'a%b' LIKE 'a\\%b'", "'axb' LIKE 'a\\%b'", "'a_b' LIKE 'a\\_b'", "'axb' LIKE 'a\\_b'"]
-- > types: ["LONG", "LONG", "LONG", "LONG", "LONG"]
-- > rows: 1
-- > (1, 1, 0, 1, 0)
/*!50001 CREATE VIEW v AS SELECT 1 AS x */;
SELECT * FROM v;
-- expect
-- > names: ["x"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)

-- case: no_op_statement_modifiers
-- note: priorities, query-cache and result-size hints and STRAIGHT_JOIN change nothing on
-- note: the embedded default; they were a syntax error there
CREATE TABLE t (id INT PRIMARY KEY, n INT);
INSERT LOW_PRIORITY INTO t VALUES (13, 1);
-- expect: affected
-- > ok: affected=1
INSERT HIGH_PRIORITY IGNORE INTO t VALUES (14, 2), (13, 5);
-- expect: affected
-- > ok: affected=1
SELECT SQL_NO_CACHE HIGH_PRIORITY STRAIGHT_JOIN DISTINCT id FROM t ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 2
-- > (13,)
-- > (14,)
SELECT * FROM t a STRAIGHT_JOIN t b ON a.id = b.id ORDER BY a.id;
-- expect
-- > names: ["id", "n", "id", "n"]
-- > types: ["LONG", "LONG", "LONG", "LONG"]
-- > rows: 2
-- > (13, 1, 13, 1)
-- > (14, 2, 14, 2)
SELECT SQL_BUFFER_RESULT SQL_SMALL_RESULT n FROM t ORDER BY n;
-- expect
-- > names: ["n"]
-- > types: ["LONG"]
-- > rows: 2
-- > (1,)
-- > (2,)
DELETE LOW_PRIORITY QUICK FROM t WHERE id >= 14;
-- expect: affected
-- > ok: affected=1
UPDATE LOW_PRIORITY t SET n = 7;
-- expect: affected
-- > ok: affected=1
