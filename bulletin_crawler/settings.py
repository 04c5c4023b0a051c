"""Scrapy settings of the project; every ``BULLETIN_*`` setting has its default here.

Environment: ``BULLETIN_STORE`` (store URI) and ``BULLETIN_SITES`` (extra site files) override
the defaults, so operators configure a machine without editing code.
"""

import os

from bulletin_crawler import __version__

BOT_NAME = "bulletin_crawler"

SPIDER_LOADER_CLASS = "bulletin_crawler.spiders.loader.SiteSpiderLoader"

# --- the product's own settings -------------------------------------------------------------
BULLETIN_STORE = os.environ.get("BULLETIN_STORE", "sqlite:///data/bulletin.sqlite3")
BULLETIN_STORE_BATCH_SIZE = 200
BULLETIN_STORE_FLUSH_INTERVAL = 5.0  # seconds; buffered writes never wait longer
# Writes a store refused wait here, one file per store (named by a hash of the store's identity).
BULLETIN_JOURNAL_DIR = os.environ.get("BULLETIN_JOURNAL_DIR", "data/journal")
BULLETIN_MONGO_TIMEOUT_MS = 5000
BULLETIN_SITES = os.environ.get("BULLETIN_SITES", "")
BULLETIN_PROGRESS_INTERVAL = 10.0  # seconds between progress lines; 0 switches them off
BULLETIN_HEARTBEAT_INTERVAL = 30.0  # seconds between the crawl record's heartbeats
BULLETIN_MAX_ATTEMPTS = 3  # a failed page is tried again by later runs, this many times in all
BULLETIN_MAX_LINKS_PER_PAGE = 500  # links taken from one layout or list page
BULLETIN_MAX_QUEUED_REQUESTS = 20_000  # requests waiting in the scheduler
BULLETIN_RETRY_AFTER_MAX = 60.0  # seconds: the longest Retry-After honoured
BULLETIN_TRUSTED_PRIVATE_HOSTS: list[str] = []  # intranet names a site may resolve to
# Who runs this crawler, for the sites' administrators: an e-mail address or a URL.
BULLETIN_CONTACT = os.environ.get("BULLETIN_CONTACT", "")

ITEM_PIPELINES = {
    "bulletin_crawler.pipelines.normalise.NormalisePipeline": 100,
    "bulletin_crawler.pipelines.validate.ValidatePipeline": 200,
    "bulletin_crawler.pipelines.deduplicate.DeduplicatePipeline": 300,
    "bulletin_crawler.pipelines.store.StorePipeline": 900,
}
EXTENSIONS = {
    "bulletin_crawler.extensions.progress.ProgressLog": 500,
    "bulletin_crawler.extensions.runs.RunRecorder": 900,
}
DOWNLOADER_MIDDLEWARES = {
    "bulletin_crawler.middlewares.hosts.HostGuardMiddleware": 50,  # before robots.txt is asked
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "bulletin_crawler.middlewares.retry.RetryAfterMiddleware": 550,
    "bulletin_crawler.middlewares.redirects.RedirectLoopMiddleware": 650,
}
# Only http and https: no file://, ftp://, s3:// or data: from a hostile link or redirect.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}
LOG_FORMATTER = "bulletin_crawler.logformatter.ArchiveLogFormatter"

# --- politeness: regional sites are small servers --------------------------------------------
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
DOWNLOAD_TIMEOUT = 30
# News pages are small: 16 MB is ten times the largest e-paper page seen. The bound holds for
# the decompressed size too (Scrapy's compression middleware stops a gzip bomb at it).
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
USER_AGENT = (f"bulletin_crawler/{__version__} (regional news archive"
              + (f"; contact: {BULLETIN_CONTACT}" if BULLETIN_CONTACT else "") + ")")

# --- runtime ------------------------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"
DEFAULT_DROPITEM_LOG_LEVEL = "INFO"
CONCURRENT_ITEMS = 16  # Scrapy starts one task per output item; 100 costs CPU for nothing here
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"

# --- shared crawl frontier: many workers, one crawl (docs/scaling.md) -------------------------
# redis://HOST:PORT/DB: every worker of a site started with it pulls from the site's one shared
# queue in Redis (scrapy-redis); empty: the process crawls alone. The add-on turns it into the
# frontier's scheduler, duplicate filter, politeness middleware and idle close.
BULLETIN_FRONTIER = os.environ.get("BULLETIN_FRONTIER", "")
BULLETIN_FRONTIER_IDLE_CLOSE = 10.0  # seconds the frontier stays empty before a worker stops
BULLETIN_FRONTIER_LEASE = 30.0  # seconds of silence after which a worker's requests are requeued
BULLETIN_FRONTIER_ACK_INTERVAL = 1.0  # seconds between acknowledgements, each after a store flush
BULLETIN_FRONTIER_POLITENESS_WAIT = 300.0  # seconds a request may wait for a slot of its site
ADDONS = {"bulletin_crawler.frontier.addon.FrontierAddon": 0}
