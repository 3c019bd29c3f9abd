-- about: the window option instead of a window condition
-- options: window = '5 minutes'
-- query
SELECT v.id AS view_id, c.id AS click_id FROM page_views v JOIN clicks c ON c.session_id = v.session_id
