"""The bundled offline demo: a small sample e-paper served on 127.0.0.1.

``site/`` holds three issue days of a Founder ENP paper (2020-11-28 in UTF-8, 2020-11-30 in GBK,
2020-11-29 missing so the server answers 404), two editions a day, and one story printed twice.
"""

from pathlib import Path

DEMO_DIR = Path(__file__).parent
DEMO_SITE_ROOT = DEMO_DIR / "site"
DEMO_SITE_KEY = "demo-daily"
DEMO_SINCE = "2020-11-28"
DEMO_UNTIL = "2020-11-30"
