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
BULLETIN_EXTRACTION_BUDGET = 20.0  # seconds one page may take to read (0: no limit)
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
    "bulletin_crawler.monitoring.counting.ArticleCounter": 510,
    "bulletin_crawler.monitoring.extension.NewsMonitors": 520,
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
# USER_AGENT: built from BULLETIN_CONTACT by bulletin_crawler.identity.ContactAddon

# --- runtime ------------------------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"
DEFAULT_DROPITEM_LOG_LEVEL = "INFO"
CONCURRENT_ITEMS = 16  # Scrapy starts one task per output item; 100 costs CPU for nothing here
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"

# --- operations: schedules, executors, monitors, alerts (docs/operations.md) ---------------------
# When a site file sets no `schedule:` (cron, Asia/Shanghai) or `schedule_args:`, by kind of site:
# e-papers once a morning for today (and the refresh days), portals every three hours.
BULLETIN_SCHEDULE_DEFAULTS = {"epaper": "20 7 * * *", "portal": "15 */3 * * *",
                              "generic": "45 */6 * * *"}
BULLETIN_SCHEDULE_ARGS_DEFAULTS = {"epaper": {"refresh_days": 2}, "portal": {"since_days": 7},
                                   "generic": {"since_days": 7}}
BULLETIN_SCHEDULE_SITES: list[str] = []  # sites `bulletin schedule` runs; empty: every site
BULLETIN_SCHEDULE_EXECUTOR = "local"  # local: a subprocess per crawl; scrapyd: schedule.json
BULLETIN_SCHEDULE_MAX_PARALLEL = 2  # local crawls at once (a crawl keeps about one core busy)
BULLETIN_SCHEDULE_CRAWL_TIMEOUT = 4 * 3600.0  # seconds; a schedule's `timeout:` overrides it
BULLETIN_SCHEDULE_STOP_GRACE = 60.0  # seconds a stopped crawl has to close and record its run
BULLETIN_SCHEDULE_POLL_INTERVAL = 5.0  # seconds between looks at the clock and the crawls
BULLETIN_SCHEDULE_LEASE_TTL = 300.0  # seconds a site's lease outlives a scheduler that died
BULLETIN_SCHEDULE_RETRY_DELAY = 600.0  # seconds before a dispatch that failed to start is retried
BULLETIN_SCHEDULE_LOG_DIR = "data/logs"  # local crawls log to LOG_DIR/SITE/JOB.log
# Scrapyd nodes: [deploy:NAME] targets of scrapy.cfg (url, username, password = ${ENV_VAR}) or
# plain URLs; the least loaded node that answers gets the next job.
BULLETIN_SCRAPYD_NODES: list[str] = []
BULLETIN_SCRAPYD_PROJECT = "bulletin_crawler"
BULLETIN_JOB = ""  # the job id the scheduler gives a crawl; kept in the crawl's run record

# Monitors run when a crawl ends; a site file's `monitors:` overrides any of these.
BULLETIN_MONITOR_ENABLED = True
BULLETIN_MONITOR_SUITE = "bulletin_crawler.monitoring.monitors.NewsMonitorSuite"
BULLETIN_MONITOR_MIN_ARTICLES = 0  # a portal run with nothing new is normal
BULLETIN_MONITOR_MAX_MISSING_ISSUES = 3  # today not out yet + a weekend, in a 2-day refresh window
BULLETIN_MONITOR_MAX_MISSING_ISSUE_SHARE = 0.3  # …or this share of the days walked (weekly papers
# publish on 1 to 5 days of 7; set it per site where every day has an issue)
BULLETIN_MONITOR_MAX_ERROR_RATIO = 0.1
BULLETIN_MONITOR_MAX_5XX_RATIO = 0.1
BULLETIN_MONITOR_FINISH_REASONS = ["finished"]
BULLETIN_MONITOR_MIN_PUBLISHED_AT_COVERAGE = 0.9
BULLETIN_MONITOR_MIN_BODY_COVERAGE = 0.95
BULLETIN_MONITOR_MIN_REPORTERS_COVERAGE = 0.0  # set per site where articles carry bylines
BULLETIN_MONITOR_MAX_UNPARSEABLE_SHARE = 0.2
BULLETIN_MONITOR_MAX_FAILED_PAGES = 10
BULLETIN_MONITOR_MAX_FAILED_SHARE = 0.01  # …or this share of the requests, in a long backfill
BULLETIN_MONITOR_MAX_REFUSED = 50
BULLETIN_MONITOR_MIN_SAMPLE = 20  # shares (ratios, coverage) of fewer requests/pages: not judged
# Alerts when a monitor fails. Secrets never go in settings (Scrapy logs overridden settings):
# the SMTP password is read from $BULLETIN_ALERT_SMTP_PASSWORD, a webhook token from
# $BULLETIN_ALERT_WEBHOOK_TOKEN (sent as "Authorization: Bearer").
BULLETIN_ALERT_EMAIL_TO: list[str] = []  # e-mail alerts when set
BULLETIN_ALERT_EMAIL_FROM = "bulletin-crawler@localhost"
BULLETIN_ALERT_SMTP_HOST = "localhost"
BULLETIN_ALERT_SMTP_PORT = 25
BULLETIN_ALERT_SMTP_SECURITY = "none"  # none | starttls | ssl
BULLETIN_ALERT_SMTP_USER = ""
BULLETIN_ALERT_WEBHOOK_URL = ""  # a JSON POST per alert when set
BULLETIN_ALERT_FILE = ""  # one JSON line per alert appended here when set
BULLETIN_ALERT_TIMEOUT = 10.0  # seconds an alert may take to deliver

# --- JavaScript-rendered sites: a site's `render: browser | splash` (docs/rendering.md) ----------
# A rendering site's crawl gets its middleware and download handlers from rendering/config.py.
# The distribution's Chromium (`apt-get install chromium`); no browser is ever downloaded.
BULLETIN_CHROMIUM = os.environ.get("BULLETIN_CHROMIUM", "/usr/bin/chromium")
PLAYWRIGHT_BROWSER_TYPE = "chromium"
# executable_path is BULLETIN_CHROMIUM unless given here. Without the background-networking
# flags Chromium tries to reach Google's update, sync and safe-browsing services.
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "headless": True,
    "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run"],
}
PLAYWRIGHT_MAX_CONTEXTS = 1  # one browser context for the crawl
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4  # pages open at once; each is closed after use
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000  # ms for a page's first load
BULLETIN_RENDER_TIMEOUT = 30.0  # seconds: a page's actions after its load; a whole Splash render
BULLETIN_RENDER_SETTLE = 3.0  # seconds a load's requests, a click or a scroll get to show links
SPLASH_URL = os.environ.get("BULLETIN_SPLASH_URL", "")  # e.g. http://127.0.0.1:8050
BULLETIN_SPLASH_WAIT = 0.5  # seconds Splash waits after the page loaded (its `wait`)

# --- the console (bulletin serve, docs/console.md) ----------------------------------------------
BULLETIN_CONSOLE_HOST = os.environ.get("BULLETIN_CONSOLE_HOST", "127.0.0.1")
BULLETIN_CONSOLE_PORT = int(os.environ.get("BULLETIN_CONSOLE_PORT", "8080"))
# Required on any address but loopback; from the environment only, never logged or printed.
BULLETIN_CONSOLE_TOKEN = os.environ.get("BULLETIN_CONSOLE_TOKEN", "")
BULLETIN_CONSOLE_USER = os.environ.get("BULLETIN_CONSOLE_USER", "")
BULLETIN_CONSOLE_PASSWORD = os.environ.get("BULLETIN_CONSOLE_PASSWORD", "")

# --- shared crawl frontier: many workers, one crawl (docs/scaling.md) -------------------------
# redis://HOST:PORT/DB: every worker of a site started with it pulls from the site's one shared
# queue in Redis (scrapy-redis); empty: the process crawls alone. The add-on turns it into the
# frontier's scheduler, duplicate filter, politeness middleware and idle close.
BULLETIN_FRONTIER = os.environ.get("BULLETIN_FRONTIER", "")
BULLETIN_FRONTIER_IDLE_CLOSE = 10.0  # seconds the frontier stays empty before a worker stops
BULLETIN_FRONTIER_LEASE = 30.0  # seconds of silence after which a worker's requests are requeued
BULLETIN_FRONTIER_ACK_INTERVAL = 1.0  # seconds between acknowledgements, each after a store flush
BULLETIN_FRONTIER_POLITENESS_WAIT = 300.0  # seconds a request may wait for a slot of its site
ADDONS = {"bulletin_crawler.frontier.addon.FrontierAddon": 0,
          "bulletin_crawler.identity.ContactAddon": 0}
