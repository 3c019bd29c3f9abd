-- about: the time window as two comparisons
-- query
SELECT v.id AS view_id, c.id AS click_id FROM page_views v JOIN clicks c
ON c.session_id = v.session_id AND c.clicked_at >= v.viewed_at AND v.viewed_at + INTERVAL 10 MINUTE > c.clicked_at
