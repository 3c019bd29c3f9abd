-- Dates and times: column round trips, NOW/CURDATE (compared with the clock, see aspect `now`),
-- DATE_FORMAT, DATE_ADD/DATE_SUB and INTERVAL arithmetic, UNIX_TIMESTAMP, FROM_UNIXTIME.
-- The server's time zone is SYSTEM, and the system's time zone is UTC on the machines this runs on.

-- case: datetime_columns_round_trip
CREATE TABLE t (id INT PRIMARY KEY, dt DATETIME, ts TIMESTAMP NULL, d DATE, tm TIME, y YEAR);
INSERT INTO t VALUES (1, '2024-02-29 23:59:59', '2024-02-29 23:59:59', '2024-02-29', '23:59:59', 2024);
INSERT INTO t VALUES (2, '1999-12-31 00:00:00', '1999-12-31 00:00:00', '1000-01-01', '-01:30:00', 1999);
SELECT * FROM t ORDER BY id;
-- expect
-- > names: ["id", "dt", "ts", "d", "tm", "y"]
-- > types: ["LONG", "DATETIME", "TIMESTAMP", "DATE", "TIME", "YEAR"]
-- > rows: 2
-- > (1, datetime.datetime(2024, 2, 29, 23, 59, 59), datetime.datetime(2024, 2, 29, 23, 59, 59), datetime.date(2024, 2, 29), datetime.timedelta(seconds=86399), 2024)
-- > (2, datetime.datetime(1999, 12, 31, 0, 0), datetime.datetime(1999, 12, 31, 0, 0), datetime.date(1000, 1, 1), datetime.timedelta(days=-1, seconds=81000), 1999)

-- case: datetime_fractional_seconds
CREATE TABLE t (dt DATETIME(3), dt6 DATETIME(6));
INSERT INTO t VALUES ('2024-01-15 10:30:00.123', '2024-01-15 10:30:00.123456');
SELECT * FROM t;
-- expect
-- > names: ["dt", "dt6"]
-- > types: ["DATETIME", "DATETIME"]
-- > rows: 1
-- > (datetime.datetime(2024, 1, 15, 10, 30, 0, 123000), datetime.datetime(2024, 1, 15, 10, 30, 0, 123456))

-- case: now_and_friends
SELECT NOW(), CURRENT_TIMESTAMP, CURRENT_TIMESTAMP(), LOCALTIME(), SYSDATE(), CURDATE(), CURRENT_DATE, CURTIME();
-- expect: names types rows now
-- > names: ["NOW()", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP()", "LOCALTIME()", "SYSDATE()", "CURDATE()", "CURRENT_DATE", "CURTIME()"]
-- > types: ["DATETIME", "DATETIME", "DATETIME", "DATETIME", "DATETIME", "DATE", "DATE", "TIME"]
-- > rows: 1
-- > (<now>, <now>, <now>, <now>, <now>, <today>, <today>, <now>)
SELECT UTC_TIMESTAMP(), UTC_DATE();
-- expect: names types rows now
-- > names: ["UTC_TIMESTAMP()", "UTC_DATE()"]
-- > types: ["DATETIME", "DATE"]
-- > rows: 1
-- > (<now>, <today>)

-- case: now_relations
-- note: compared through relations the server computes, so the values need not be equal
SELECT NOW() >= CURDATE(), DATE(NOW()) = CURDATE(), NOW() - INTERVAL 1 DAY < NOW(), DATE(NOW() - INTERVAL 1 DAY) = CURDATE() - INTERVAL 1 DAY;
-- expect
-- > names: ["NOW() >= CURDATE()", "DATE(NOW()) = CURDATE()", "NOW() - INTERVAL 1 DAY < NOW()", "DATE(NOW() - INTERVAL 1 DAY) = CURDATE() - INTERVAL 1 DAY"]
-- > types: ["LONG", "LONG", "LONG", "LONG"]
-- > rows: 1
-- > (1, 1, 1, 1)
SELECT TIMESTAMPDIFF(SECOND, NOW(), NOW() + INTERVAL 90 MINUTE), DATEDIFF(NOW() + INTERVAL 3 DAY, NOW());
-- expect
-- > names: ["TIMESTAMPDIFF(SECOND, NOW(), NOW() + INTERVAL 90 MINUTE)", "DATEDIFF(NOW() + INTERVAL 3 DAY, NOW())"]
-- > types: ["LONGLONG", "LONG"]
-- > rows: 1
-- > (5400, 3)

-- case: date_format
SELECT DATE_FORMAT('2024-03-05 14:07:09', '%Y-%m-%d %H:%i:%s'), DATE_FORMAT('2024-03-05 14:07:09', '%d/%m/%y %h:%i %p');
-- expect
-- > names: ["DATE_FORMAT('2024-03-05 14:07:09', '%Y-%m-%d %H:%i:%s')", "DATE_FORMAT('2024-03-05 14:07:09', '%d/%m/%y %h:%i %p')"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('2024-03-05 14:07:09', '05/03/24 02:07 PM')
SELECT DATE_FORMAT('2024-03-05 14:07:09', '%W %M %e %Y'), DATE_FORMAT('2024-03-05', '%a %b %c %j'), DATE_FORMAT('2024-03-05 14:07:09', '%T %H%i');
-- expect
-- > names: ["DATE_FORMAT('2024-03-05 14:07:09', '%W %M %e %Y')", "DATE_FORMAT('2024-03-05', '%a %b %c %j')", "DATE_FORMAT('2024-03-05 14:07:09', '%T %H%i')"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('Tuesday March 5 2024', 'Tue Mar 3 065', '14:07:09 1407')
SELECT DATE_FORMAT('2024-03-05', '%Y%m%d'), DATE_FORMAT(NULL, '%Y'), DATE_FORMAT('2024-03-05 04:07:09', '%l %k %S %f %%');
-- expect
-- > names: ["DATE_FORMAT('2024-03-05', '%Y%m%d')", "DATE_FORMAT(NULL, '%Y')", "DATE_FORMAT('2024-03-05 04:07:09', '%l %k %S %f %%')"]
-- > types: ["VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > ('20240305', None, '4 4 09 000000 %')

-- case: date_format_on_columns
CREATE TABLE t (id INT PRIMARY KEY, dt DATETIME, d DATE);
INSERT INTO t VALUES (1, '2024-12-31 23:05:00', '2024-01-01'), (2, '2025-06-15 08:00:00', '2025-06-15');
SELECT id, DATE_FORMAT(dt, '%Y-%m-%d'), DATE_FORMAT(dt, '%H:%i'), DATE_FORMAT(d, '%M %Y') FROM t ORDER BY id;
-- expect
-- > names: ["id", "DATE_FORMAT(dt, '%Y-%m-%d')", "DATE_FORMAT(dt, '%H:%i')", "DATE_FORMAT(d, '%M %Y')"]
-- > types: ["LONG", "VAR_STRING", "VAR_STRING", "VAR_STRING"]
-- > rows: 2
-- > (1, '2024-12-31', '23:05', 'January 2024')
-- > (2, '2025-06-15', '08:00', 'June 2025')
SELECT DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(NOW(), '%Y-%m-%d');
-- expect: names types rows now
-- > names: ["DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s')", "DATE_FORMAT(NOW(), '%Y-%m-%d')"]
-- > types: ["VAR_STRING", "VAR_STRING"]
-- > rows: 1
-- > (<now>, <today>)

-- case: date_add_and_date_sub
SELECT DATE_ADD('2024-01-31', INTERVAL 1 MONTH), DATE_ADD('2024-02-28 10:00:00', INTERVAL 1 DAY), DATE_SUB('2024-03-01', INTERVAL 1 DAY);
-- expect
-- > names: ["DATE_ADD('2024-01-31', INTERVAL 1 MONTH)", "DATE_ADD('2024-02-28 10:00:00', INTERVAL 1 DAY)", "DATE_SUB('2024-03-01', INTERVAL 1 DAY)"]
-- > types: ["STRING", "STRING", "STRING"]
-- > rows: 1
-- > ('2024-02-29', '2024-02-29 10:00:00', '2024-02-29')
SELECT DATE_ADD('2024-01-01 00:00:00', INTERVAL 90 MINUTE), DATE_ADD('2024-01-01', INTERVAL 2 HOUR), DATE_SUB('2024-01-01 00:00:00', INTERVAL 1 SECOND);
-- expect
-- > names: ["DATE_ADD('2024-01-01 00:00:00', INTERVAL 90 MINUTE)", "DATE_ADD('2024-01-01', INTERVAL 2 HOUR)", "DATE_SUB('2024-01-01 00:00:00', INTERVAL 1 SECOND)"]
-- > types: ["STRING", "STRING", "STRING"]
-- > rows: 1
-- > ('2024-01-01 01:30:00', '2024-01-01 02:00:00', '2023-12-31 23:59:59')
SELECT DATE_ADD('2024-02-29', INTERVAL 1 YEAR), DATE_ADD('2024-01-01', INTERVAL 2 WEEK), DATE_SUB('2024-05-31', INTERVAL 3 MONTH), DATE_ADD('2024-01-01', INTERVAL -1 DAY);
-- expect
-- > names: ["DATE_ADD('2024-02-29', INTERVAL 1 YEAR)", "DATE_ADD('2024-01-01', INTERVAL 2 WEEK)", "DATE_SUB('2024-05-31', INTERVAL 3 MONTH)", "DATE_ADD('2024-01-01', INTERVAL -1 DAY)"]
-- > types: ["STRING", "STRING", "STRING", "STRING"]
-- > rows: 1
-- > ('2025-02-28', '2024-01-15', '2024-02-29', '2023-12-31')

-- case: interval_arithmetic
SELECT '2024-01-31' + INTERVAL 1 MONTH, '2024-03-01 00:00:00' - INTERVAL 1 SECOND, INTERVAL 1 DAY + '2024-12-31';
-- expect
-- > names: ["'2024-01-31' + INTERVAL 1 MONTH", "'2024-03-01 00:00:00' - INTERVAL 1 SECOND", "INTERVAL 1 DAY + '2024-12-31'"]
-- > types: ["STRING", "STRING", "STRING"]
-- > rows: 1
-- > ('2024-02-29', '2024-02-29 23:59:59', '2025-01-01')
SELECT CAST('2024-01-15' AS DATE) - INTERVAL 15 DAY, CAST('2024-01-15 12:00:00' AS DATETIME) + INTERVAL 12 HOUR;
-- expect
-- > names: ["CAST('2024-01-15' AS DATE) - INTERVAL 15 DAY", "CAST('2024-01-15 12:00:00' AS DATETIME) + INTERVAL 12 HOUR"]
-- > types: ["DATE", "DATETIME"]
-- > rows: 1
-- > (datetime.date(2023, 12, 31), datetime.datetime(2024, 1, 16, 0, 0))

-- case: interval_on_columns
CREATE TABLE t (id INT PRIMARY KEY, dt DATETIME, d DATE);
INSERT INTO t VALUES (1, '2024-01-31 12:00:00', '2024-01-31'), (2, '2024-12-31 23:59:59', '2024-12-31');
SELECT id, dt + INTERVAL 1 SECOND, d + INTERVAL 1 MONTH, DATE_SUB(dt, INTERVAL 12 HOUR), DATE_ADD(d, INTERVAL 1 DAY) FROM t ORDER BY id;
-- expect
-- > names: ["id", "dt + INTERVAL 1 SECOND", "d + INTERVAL 1 MONTH", "DATE_SUB(dt, INTERVAL 12 HOUR)", "DATE_ADD(d, INTERVAL 1 DAY)"]
-- > types: ["LONG", "DATETIME", "DATE", "DATETIME", "DATE"]
-- > rows: 2
-- > (1, datetime.datetime(2024, 1, 31, 12, 0, 1), datetime.date(2024, 2, 29), datetime.datetime(2024, 1, 31, 0, 0), datetime.date(2024, 2, 1))
-- > (2, datetime.datetime(2025, 1, 1, 0, 0), datetime.date(2025, 1, 31), datetime.datetime(2024, 12, 31, 11, 59, 59), datetime.date(2025, 1, 1))
SELECT id FROM t WHERE dt >= '2024-06-01' - INTERVAL 1 DAY ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (2,)

-- case: recent_rows_with_interval
-- note: the query a daily materialization runs: rows of the last day, relative to NOW()
CREATE TABLE events (id INT AUTO_INCREMENT PRIMARY KEY, at DATETIME NOT NULL);
INSERT INTO events (at) VALUES (NOW()), (NOW() - INTERVAL 2 HOUR), (NOW() - INTERVAL 2 DAY), (NOW() - INTERVAL 30 DAY);
SELECT COUNT(*) FROM events WHERE at >= NOW() - INTERVAL 1 DAY;
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (2,)
SELECT COUNT(*) FROM events WHERE at > DATE_SUB(NOW(), INTERVAL 7 DAY);
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (3,)
SELECT COUNT(*) FROM events WHERE at < CURDATE() - INTERVAL 1 WEEK;
-- expect
-- > names: ["COUNT(*)"]
-- > types: ["LONGLONG"]
-- > rows: 1
-- > (1,)

-- case: date_parts
SELECT YEAR('2024-03-05 14:07:09'), MONTH('2024-03-05'), DAY('2024-03-05'), HOUR('2024-03-05 14:07:09'), MINUTE('14:07:09'), SECOND('2024-03-05 14:07:09');
-- expect
-- > names: ["YEAR('2024-03-05 14:07:09')", "MONTH('2024-03-05')", "DAY('2024-03-05')", "HOUR('2024-03-05 14:07:09')", "MINUTE('14:07:09')", "SECOND('2024-03-05 14:07:09')"]
-- > types: ["LONG", "LONG", "LONG", "LONG", "LONG", "LONG"]
-- > rows: 1
-- > (2024, 3, 5, 14, 7, 9)
SELECT DAYOFWEEK('2024-03-05'), WEEKDAY('2024-03-05'), DAYOFYEAR('2024-03-05'), DAYNAME('2024-03-05'), MONTHNAME('2024-03-05'), QUARTER('2024-03-05'), WEEK('2024-03-05');
-- expect
-- > names: ["DAYOFWEEK('2024-03-05')", "WEEKDAY('2024-03-05')", "DAYOFYEAR('2024-03-05')", "DAYNAME('2024-03-05')", "MONTHNAME('2024-03-05')", "QUARTER('2024-03-05')", "WEEK('2024-03-05')"]
-- > types: ["LONG", "LONG", "LONG", "VAR_STRING", "VAR_STRING", "LONG", "LONG"]
-- > rows: 1
-- > (3, 1, 65, 'Tuesday', 'March', 1, 9)
SELECT DATE('2024-03-05 14:07:09'), TIME('2024-03-05 14:07:09'), LAST_DAY('2024-02-10'), DATEDIFF('2024-03-01', '2024-02-01'), TIMESTAMPDIFF(HOUR, '2024-01-01', '2024-01-02 06:00:00');
-- expect
-- > names: ["DATE('2024-03-05 14:07:09')", "TIME('2024-03-05 14:07:09')", "LAST_DAY('2024-02-10')", "DATEDIFF('2024-03-01', '2024-02-01')", "TIMESTAMPDIFF(HOUR, '2024-01-01', '2024-01-02 06:00:00')"]
-- > types: ["DATE", "TIME", "DATE", "LONG", "LONGLONG"]
-- > rows: 1
-- > (datetime.date(2024, 3, 5), datetime.timedelta(seconds=50829), datetime.date(2024, 2, 29), 29, 30)

-- case: unix_timestamp
SELECT UNIX_TIMESTAMP('2024-01-01 00:00:00'), UNIX_TIMESTAMP('1970-01-01 00:00:01'), UNIX_TIMESTAMP('2024-01-01');
-- expect
-- > names: ["UNIX_TIMESTAMP('2024-01-01 00:00:00')", "UNIX_TIMESTAMP('1970-01-01 00:00:01')", "UNIX_TIMESTAMP('2024-01-01')"]
-- > types: ["LONGLONG", "LONGLONG", "LONGLONG"]
-- > rows: 1
-- > (1704067200, 1, 1704067200)
SELECT UNIX_TIMESTAMP(), UNIX_TIMESTAMP(NOW());
-- expect: names types rows now
-- > names: ["UNIX_TIMESTAMP()", "UNIX_TIMESTAMP(NOW())"]
-- > types: ["LONGLONG", "LONGLONG"]
-- > rows: 1
-- > (<unix now>, <unix now>)
SELECT UNIX_TIMESTAMP() - UNIX_TIMESTAMP(NOW()) BETWEEN -2 AND 2;
-- expect
-- > names: ["UNIX_TIMESTAMP() - UNIX_TIMESTAMP(NOW()) BETWEEN -2 AND 2"]
-- > types: ["LONG"]
-- > rows: 1
-- > (1,)

-- case: from_unixtime
SELECT FROM_UNIXTIME(0), FROM_UNIXTIME(1700000000), FROM_UNIXTIME(1700000000, '%Y-%m-%d'), FROM_UNIXTIME(UNIX_TIMESTAMP('2024-02-29 12:34:56'));
-- expect
-- > names: ["FROM_UNIXTIME(0)", "FROM_UNIXTIME(1700000000)", "FROM_UNIXTIME(1700000000, '%Y-%m-%d')", "FROM_UNIXTIME(UNIX_TIMESTAMP('2024-02-29 12:34:56'))"]
-- > types: ["DATETIME", "DATETIME", "VAR_STRING", "DATETIME"]
-- > rows: 1
-- > (datetime.datetime(1970, 1, 1, 0, 0), datetime.datetime(2023, 11, 14, 22, 13, 20), '2023-11-14', datetime.datetime(2024, 2, 29, 12, 34, 56))
SELECT FROM_UNIXTIME(UNIX_TIMESTAMP());
-- expect: names types rows now
-- > names: ["FROM_UNIXTIME(UNIX_TIMESTAMP())"]
-- > types: ["DATETIME"]
-- > rows: 1
-- > (<now>,)

-- case: unix_timestamp_on_columns
CREATE TABLE t (id INT PRIMARY KEY, dt DATETIME, epoch INT);
INSERT INTO t VALUES (1, '2024-01-01 00:00:00', 1704067200);
SELECT UNIX_TIMESTAMP(dt), FROM_UNIXTIME(epoch), UNIX_TIMESTAMP(dt) = epoch FROM t;
-- expect
-- > names: ["UNIX_TIMESTAMP(dt)", "FROM_UNIXTIME(epoch)", "UNIX_TIMESTAMP(dt) = epoch"]
-- > types: ["LONGLONG", "DATETIME", "LONG"]
-- > rows: 1
-- > (1704067200, datetime.datetime(2024, 1, 1, 0, 0), 1)

-- case: datetime_comparison_and_order
CREATE TABLE t (id INT PRIMARY KEY, dt DATETIME);
INSERT INTO t VALUES (1, '2024-01-02 00:00:00'), (2, '2024-01-01 23:59:59'), (3, '2023-12-31 12:00:00'), (4, NULL);
SELECT id FROM t ORDER BY dt;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 4
-- > (4,)
-- > (3,)
-- > (2,)
-- > (1,)
SELECT id FROM t WHERE dt BETWEEN '2024-01-01' AND '2024-01-02' ORDER BY id;
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 2
-- > (1,)
-- > (2,)
SELECT id FROM t WHERE DATE(dt) = '2024-01-01';
-- expect
-- > names: ["id"]
-- > types: ["LONG"]
-- > rows: 1
-- > (2,)
SELECT MIN(dt), MAX(dt) FROM t;
-- expect
-- > names: ["MIN(dt)", "MAX(dt)"]
-- > types: ["DATETIME", "DATETIME"]
-- > rows: 1
-- > (datetime.datetime(2023, 12, 31, 12, 0), datetime.datetime(2024, 1, 2, 0, 0))

-- case: group_by_day
CREATE TABLE t (at DATETIME, amount DECIMAL(8,2));
INSERT INTO t VALUES ('2024-01-01 08:00:00', 0.10), ('2024-01-01 20:00:00', 0.20), ('2024-01-02 00:00:00', 1.00);
SELECT DATE(at) AS day, SUM(amount), COUNT(*) FROM t GROUP BY DATE(at) ORDER BY day;
-- expect
-- > names: ["day", "SUM(amount)", "COUNT(*)"]
-- > types: ["DATE", "NEWDECIMAL", "LONGLONG"]
-- > rows: 2
-- > (datetime.date(2024, 1, 1), Decimal('0.30'), 2)
-- > (datetime.date(2024, 1, 2), Decimal('1.00'), 1)

-- case: invalid_dates
-- note: strict mode refuses impossible dates
CREATE TABLE t (d DATE, dt DATETIME);
INSERT INTO t (d) VALUES ('2024-02-30');
-- expect
-- > error: 1292
INSERT INTO t (dt) VALUES ('not a date');
-- expect
-- > error: 1292
SELECT DATE_ADD('2024-02-30', INTERVAL 1 DAY), STR_TO_DATE('2024-13-01', '%Y-%m-%d');
-- expect: names types rows
-- > names: ["DATE_ADD('2024-02-30', INTERVAL 1 DAY)", "STR_TO_DATE('2024-13-01', '%Y-%m-%d')"]
-- > types: ["STRING", "DATE"]
-- > rows: 1
-- > (None, None)

-- case: str_to_date
SELECT STR_TO_DATE('05/03/2024', '%d/%m/%Y'), STR_TO_DATE('2024-03-05 14:07:09', '%Y-%m-%d %H:%i:%s');
-- expect
-- > names: ["STR_TO_DATE('05/03/2024', '%d/%m/%Y')", "STR_TO_DATE('2024-03-05 14:07:09', '%Y-%m-%d %H:%i:%s')"]
-- > types: ["DATE", "DATETIME"]
-- > rows: 1
-- > (datetime.date(2024, 3, 5), datetime.datetime(2024, 3, 5, 14, 7, 9))

-- case: temporal_literals
-- note: TIMESTAMP'...' is a DATETIME (SQLite read the CAST as a number: 2024), TIME'...' goes
-- note: past 24 hours (SQLite's time() is NULL there), TIME() of a date is midnight
SELECT TIMESTAMP'2024-01-02 03:04:05.600000', DATE'2024-01-02', TIME'25:00:01', TIME'-01:00:00', TIMESTAMP'2024-01-02 03:04:05';
-- expect
-- > names: ["TIMESTAMP'2024-01-02 03:04:05.600000'", "DATE'2024-01-02'", "TIME'25:00:01'", "TIME'-01:00:00'", "TIMESTAMP'2024-01-02 03:04:05'"]
-- > types: ["DATETIME", "DATE", "TIME", "TIME", "DATETIME"]
-- > rows: 1
-- > (datetime.datetime(2024, 1, 2, 3, 4, 5, 600000), datetime.date(2024, 1, 2), datetime.timedelta(days=1, seconds=3601), datetime.timedelta(days=-1, seconds=82800), datetime.datetime(2024, 1, 2, 3, 4, 5))
SELECT DATE'2024-01-02' + INTERVAL 1 DAY, TIME('2024-01-01 10:11:12'), CAST('838:59:59' AS TIME), CAST(123456 AS TIME), TIME('x');
-- expect
-- > names: ["DATE'2024-01-02' + INTERVAL 1 DAY", "TIME('2024-01-01 10:11:12')", "CAST('838:59:59' AS TIME)", "CAST(123456 AS TIME)", "TIME('x')"]
-- > types: ["DATE", "TIME", "TIME", "TIME", "TIME"]
-- > rows: 1
-- > (datetime.date(2024, 1, 3), datetime.timedelta(seconds=36672), datetime.timedelta(days=34, seconds=82799), datetime.timedelta(seconds=45296), None)
CREATE TABLE t (id INT PRIMARY KEY, d DATE, dt DATETIME);
INSERT INTO t VALUES (1, '2024-02-29', '2024-02-29 10:11:12'), (2, NULL, NULL);
SELECT id, CAST(d AS DATETIME), CAST(dt AS DATE), TIME(d), TIME(dt), CAST(dt AS TIME) FROM t ORDER BY id;
-- expect
-- > names: ["id", "CAST(d AS DATETIME)", "CAST(dt AS DATE)", "TIME(d)", "TIME(dt)", "CAST(dt AS TIME)"]
-- > types: ["LONG", "DATETIME", "DATE", "TIME", "TIME", "TIME"]
-- > rows: 2
-- > (1, datetime.datetime(2024, 2, 29, 0, 0), datetime.date(2024, 2, 29), datetime.timedelta(0), datetime.timedelta(seconds=36672), datetime.timedelta(seconds=36672))
-- > (2, None, None, None, None, None)
