# Scrapy settings of the crawl project, from Scrapy's project template (polite defaults).
#
# These are the defaults every source starts from; `run.py` overrides them per crawl from the
# config (crawl.settings + crawl.sources.<name>): rate limits, retries, JOBDIR, HTTP cache, FEEDS.
#
#     https://docs.scrapy.org/en/latest/topics/settings.html

BOT_NAME = "empathy_r1_crawl"

SPIDER_MODULES = ["workflow_scripts.data.crawl.spiders"]
NEWSPIDER_MODULE = "workflow_scripts.data.crawl.spiders"

ADDONS = {}

# Crawl responsibly by identifying yourself; the config's crawl.settings.user_agent replaces this.
USER_AGENT = "empathy-r1-research-crawler"

# Obey robots.txt rules
ROBOTSTXT_OBEY = True

# Concurrency and throttling settings (per source in crawl.sources.<name>.rate)
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1

# Disable cookies: Q&A pages are public; no session is needed or wanted.
COOKIES_ENABLED = False

# No telnet console and no remote-control HTTP server (runs code sent to it) on a batch job.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
}

# Validate items (DropItem with a counted reason per malformed page).
ITEM_PIPELINES = {
    "workflow_scripts.data.crawl.pipelines.ValidationPipeline": 300,
}

# AutoThrottle adapts the delay to the server's latency (target concurrency per source).
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 5
AUTOTHROTTLE_MAX_DELAY = 60
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
AUTOTHROTTLE_DEBUG = False

# Retries: 429 and 5xx are retried (RETRY_TIMES comes from crawl.settings.retry_times), paced by
# Retry-After with RETRY_BACKOFF (doubled per retry) as the floor; a server asking to wait more than
# RETRY_AFTER_MAX seconds stops the source. A blocked or challenge page stops it too, before the HTTP
# cache (900) can store it.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "workflow_scripts.data.crawl.middlewares.RetryAfterMiddleware": 550,
    "workflow_scripts.data.crawl.middlewares.BlockedPageMiddleware": 950,
}
RETRY_BACKOFF = 1.0
RETRY_AFTER_MAX = 600.0
RETRY_ENABLED = True
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# A page that still fails is counted (crawl/failed/<reason>) and the crawl goes on: a warning, not an error.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"

# HTTP cache: a rerun (or a crawl restarted after a hard kill) never refetches a page it already has.
# Error responses are not cached, so they are tried again next time.
HTTPCACHE_ENABLED = True
HTTPCACHE_EXPIRATION_SECS = 0
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_IGNORE_HTTP_CODES = [408, 429, 500, 502, 503, 504, 522, 524]
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.FilesystemCacheStorage"

# Progress lines (pages/items per interval) in the log at INFO.
LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 60.0

# Set settings whose default value is deprecated to a future-proof value
FEED_EXPORT_ENCODING = "utf-8"
