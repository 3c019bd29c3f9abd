-- about: no auto-increment key and no watermark option: incremental has nothing to follow
-- query
SELECT id, url FROM page_views
