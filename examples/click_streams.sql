-- Two event streams joined within a time window (strategy window_join), with a late row:
--   mariadb -h 127.0.0.1 -P 3307 -u root --table < examples/click_streams.sql
CREATE DATABASE IF NOT EXISTS jasmine_clicks;
USE jasmine_clicks;
DROP MATERIALIZATION IF EXISTS view_clicks;
DROP TABLE IF EXISTS page_views, clicks;

-- Append-only streams: the auto-increment id is the order rows arrive in.
CREATE TABLE page_views (id INT AUTO_INCREMENT PRIMARY KEY, session_id VARCHAR(20) NOT NULL,
                         url VARCHAR(100), viewed_at DATETIME NOT NULL, KEY (session_id, viewed_at));
CREATE TABLE clicks (id INT AUTO_INCREMENT PRIMARY KEY, session_id VARCHAR(20) NOT NULL,
                     target VARCHAR(40), clicked_at DATETIME NOT NULL, KEY (session_id, clicked_at));
INSERT INTO page_views (session_id, url, viewed_at) VALUES
  ('s1', '/home', '2026-11-01 09:00:00'), ('s2', '/shoes', '2026-11-01 09:02:00');
INSERT INTO clicks (session_id, target, clicked_at) VALUES
  ('s1', 'banner', '2026-11-01 09:04:00'), ('s2', 'buy', '2026-11-01 10:00:00');

-- Each click within a minute before to half an hour after a view of the same session.
CREATE MATERIALIZATION view_clicks USING window_join
WITH (target_lag = '30 seconds', allowed_lateness = '5 minutes') AS
SELECT v.id AS view_id, c.id AS click_id, v.session_id, v.url, c.target, c.clicked_at
FROM page_views v JOIN clicks c ON c.session_id = v.session_id
 AND c.clicked_at BETWEEN v.viewed_at - INTERVAL 1 MINUTE AND v.viewed_at + INTERVAL 30 MINUTE;
SELECT * FROM view_clicks ORDER BY view_id, click_id;

-- New rows, one of them 20 minutes behind the stream (later than allowed_lateness).
INSERT INTO page_views (session_id, url, viewed_at) VALUES ('s2', '/cart', '2026-11-01 09:45:00');
INSERT INTO clicks (session_id, target, clicked_at) VALUES ('s1', 'late', '2026-11-01 09:25:00');
REFRESH MATERIALIZATION view_clicks;

-- Both rows are joined; the late one is counted, and listed in the events.
SELECT * FROM view_clicks ORDER BY view_id, click_id;
SHOW MATERIALIZATIONS LIKE 'view_clicks';
SHOW MATERIALIZATION EVENTS FOR view_clicks LIMIT 3;

DROP MATERIALIZATION view_clicks;
DROP DATABASE jasmine_clicks;
