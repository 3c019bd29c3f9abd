-- about: a timestamp watermark named by the option
-- options: watermark = 'viewed_at'
-- query
SELECT id, session_id, url FROM page_views
