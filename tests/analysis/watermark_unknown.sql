-- about: the watermark option names a column no source has
-- options: watermark = 'changed_at'
-- query
SELECT id, url FROM page_views
