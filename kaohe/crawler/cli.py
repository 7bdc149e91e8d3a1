"""``python -m kaohe.crawler URL [--columns 栏目.csv] ...``: inspect a site, print JSON.

For ad-hoc checks by staff and for cron; exit status 2 when the column file has bad rows
(nothing is crawled then, so a typo does not cost a slow polite crawl).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .columns import parse_columns_csv
from .config import DEFAULT_USER_AGENT, CrawlConfig
from .inspection import inspect
from .records import load_records, save_records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kaohe.crawler", description=__doc__)
    parser.add_argument("url", help="site start page, e.g. http://www.example.gov.cn/")
    parser.add_argument("--columns", type=Path, help="CSV: 单位,栏目,网址,更新周期(天)")
    parser.add_argument("--as-of", help="check date YYYY-MM-DD (default today)")
    parser.add_argument("--max-pages", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=2, help="per host")
    parser.add_argument("--rate", type=float, default=1.0, help="requests/s per host, 0 = no limit")
    parser.add_argument("--user-agent", default=DEFAULT_USER_AGENT)
    parser.add_argument("--time-budget", type=float, default=1800.0, help="seconds")
    parser.add_argument("--warc-dir", type=Path, help="archive every exchange here")
    parser.add_argument("--records", type=Path, help="write fetch records (JSON lines) here")
    parser.add_argument("--previous", type=Path, help="records of an earlier run (conditional GET)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)

    columns = []
    if args.columns:
        imported = parse_columns_csv(args.columns.read_bytes())
        for error in imported.errors:
            print(f"{args.columns}:{error.row} [{error.field}] {error.message}", file=sys.stderr)
        if imported.errors:
            return 2
        columns = imported.columns
    config = CrawlConfig(user_agent=args.user_agent, time_budget=args.time_budget)
    previous = list(load_records(args.previous)) if args.previous else ()
    report = inspect(
        args.url,
        columns,
        args.as_of,
        args.max_pages,
        args.concurrency,
        args.rate or None,
        config=config,
        warc_dir=args.warc_dir,
        previous=previous,
    )
    if args.records and report.crawl is not None:
        save_records(args.records, report.crawl.records())
    print(report.to_json(indent=2))
    for error in report.errors:
        print(error, file=sys.stderr)
    return 0
