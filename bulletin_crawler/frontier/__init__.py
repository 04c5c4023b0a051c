"""Many workers, one crawl: the shared crawl frontier in Redis (scrapy-redis), switched on by one
setting, ``BULLETIN_FRONTIER=redis://HOST:PORT/DB`` (``bulletin crawl --frontier``, or the
environment): every worker started with the same site and frontier joins the site's current
crawl and pulls from its one queue.

What each module guarantees (docs/scaling.md says it for operators):

- :mod:`.scheduler` — scrapy-redis's scheduler with a reliable queue (:mod:`.queue`): a popped
  request stays in its worker's *taken* list until its work is durable in the store (its
  article flushed), so a worker that dies loses nothing — its taken requests go back to the
  queue when its lease lapses (:mod:`.crawl`); no page is fetched by two workers, because the
  seen-set check, the push and the day count are one atomic step.
- :mod:`.dupefilter` — the seen-set keyed by Scrapy's own request fingerprint, living only as
  long as the crawl (bounded: dropped when the crawl ends, expired when it is abandoned).
- :mod:`.politeness` — the site's concurrency and delay hold across all workers (a Redis lease
  per request).
- :mod:`.idle` — a worker stops once the frontier has been empty for a while.
- :mod:`.days` — e-paper days complete across workers, marked behind their articles.
- :mod:`.addon` — the one switch: the add-on turns ``BULLETIN_FRONTIER`` into the settings above,
  for ``bulletin crawl``, ``scrapy crawl`` and Scrapyd jobs alike.
"""
