"""Scrapy settings of the project; every ``BULLETIN_*`` setting has its default here.

Environment: ``BULLETIN_STORE`` (store URI) and ``BULLETIN_SITES`` (extra site files) override
the defaults, so operators configure a machine without editing code.
"""

import os

BOT_NAME = "bulletin_crawler"

SPIDER_LOADER_CLASS = "bulletin_crawler.spiders.loader.SiteSpiderLoader"

# --- the product's own settings -------------------------------------------------------------
BULLETIN_STORE = os.environ.get("BULLETIN_STORE", "sqlite:///data/bulletin.sqlite3")
BULLETIN_STORE_BATCH_SIZE = 200
BULLETIN_STORE_FLUSH_INTERVAL = 5.0  # seconds; buffered writes never wait longer
BULLETIN_JOURNAL = os.environ.get("BULLETIN_JOURNAL", "data/journal.jsonl")  # writes the store refused
BULLETIN_MONGO_TIMEOUT_MS = 5000
BULLETIN_SITES = os.environ.get("BULLETIN_SITES", "")
BULLETIN_PROGRESS_INTERVAL = 10.0  # seconds between progress lines; 0 switches them off

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

# --- politeness: regional sites are small servers --------------------------------------------
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
RETRY_TIMES = 2
DOWNLOAD_TIMEOUT = 30
USER_AGENT = "bulletin_crawler/0.1 (+regional news archive)"

# --- runtime ------------------------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"
DEFAULT_DROPITEM_LOG_LEVEL = "INFO"
CONCURRENT_ITEMS = 16  # Scrapy starts one task per output item; 100 costs CPU for nothing here
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
