"""Notice generation stays linear: time and peak memory at 50, 500 and 5,000 units.

    python benchmarks/bench_notice.py [--sizes 50 500 5000]

Each size is a synthetic campaign (illustrative data, built by bench_recompute.populate with
20 ledger entries per unit) in a fresh SQLite file; each measurement runs in its own process:
recompute, then build the notice (draft from data + annexes), write DOCX and XLSX, and run
the consistency checker on the drafted text. Prints seconds, seconds per 1,000 units and peak RSS.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(database_url: str, units: int) -> dict:
    sys.path.insert(0, str(HERE))
    from bench_recompute import django_setup, populate

    django_setup(database_url)
    populate(units, units * 20)
    from kaohe.assessment.models import Campaign
    from kaohe.assessment.results import recompute
    from kaohe.documents.docx_writer import write_notice_docx
    from kaohe.documents.xlsx_writer import write_notice_xlsx
    from kaohe.notices.build import build_notice, open_findings

    campaign = Campaign.objects.get(code="province")
    campaign.issuer = "合成考核办"
    campaign.save()
    out = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    recompute(campaign)
    computed = time.perf_counter()
    notice = build_notice(campaign)
    write_notice_docx(notice, out / "notice.docx")
    write_notice_xlsx(notice, out / "notice.xlsx")
    findings = open_findings(campaign)
    done = time.perf_counter()
    return {
        "units": units,
        "recompute_s": round(computed - start, 3),
        "notice_s": round(done - computed, 3),
        "docx_kb": (out / "notice.docx").stat().st_size // 1024,
        "findings": len(findings),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500, 5000])
    args = parser.parse_args()
    print(
        f"{'units':>6} {'recompute s':>12} {'notice s':>9} {'s/1000 units':>13} {'DOCX KB':>8} {'peak RSS MB':>12}"
    )
    for units in args.sizes:
        work = Path(tempfile.mkdtemp(prefix="kaohe-notice-bench-"))
        env = {**os.environ, "KAOHE_DATA_DIR": str(work)}
        out = subprocess.run(
            [sys.executable, __file__, "--child", f"sqlite:///{work / 'n.sqlite3'}", str(units)],
            check=True, capture_output=True, text=True, env=env,
        )  # fmt: skip
        r = json.loads(out.stdout.strip().splitlines()[-1])
        per_k = r["notice_s"] / units * 1000
        print(
            f"{units:>6} {r['recompute_s']:>12} {r['notice_s']:>9} {per_k:>13.3f} {r['docx_kb']:>8} {r['peak_rss_mb']:>12}"
        )


if __name__ == "__main__":
    main()
