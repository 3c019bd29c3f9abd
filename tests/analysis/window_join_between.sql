-- about: two event streams matched within a time window
-- query
SELECT v.id AS view_id, c.id AS click_id, v.session_id, c.clicked_at
FROM page_views v JOIN clicks c
  ON c.session_id = v.session_id
 AND c.clicked_at BETWEEN v.viewed_at - INTERVAL 5 MINUTE AND v.viewed_at + INTERVAL 1 HOUR
