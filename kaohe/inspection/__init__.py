"""Online verification (网上核验) in the web platform, around the ``kaohe.crawler`` package.

Sites and their units' columns (imported from ``单位,栏目,网址,更新周期(天)`` CSV/XLSX), runs
queued through the Django tasks API and executed by ``kaohe db_worker`` (database backend; any
number of workers on any number of hosts sharing the database and ``KAOHE_WARC_DIR``), findings
stored with their unit, WARC evidence and new / persisting / fixed against the site's previous
run, and the lead agency's review that turns a finding into a ledger entry (source "online").

Settings read here (all optional): ``KAOHE_WARC_DIR`` (default ``<KAOHE_DATA_DIR>/warc``) and
``KAOHE_INSPECTION_CRAWL`` (``CrawlConfig`` fields; ``{"lifted": True}`` drops politeness, for
one's own servers and tests). ``kaohe inspect URL …`` runs the same checks without a database.
"""
