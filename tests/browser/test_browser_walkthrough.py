"""Every role's main path on the demo campaign, in a real browser against a real `kaohe` server.

A fresh data directory gets `kaohe demo`, then `kaohe runserver` on a free port of 127.0.0.1;
Debian's chromium, driven by playwright, signs in through the login form as each person and
does what they do in the assessment — the office opens scoring, a scorer of the 大数据中心 deducts
on 住建局 with evidence and corrects it, 住建局 sees it, appeals, the office decides, the leader
approves, the office publishes (after accepting the notice checker's finding), 住建局 reports its
rectification and the office verifies it. Each step asserts what that person sees. Screenshots
of the main pages go to test-artifacts/browser/ (not committed). At the end the audit chain the
walk wrote must verify with `kaohe audit verify`.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PASSWORD = "Walk-through-2020!"
CODE = "jinghe-2020"
CAMPAIGN = "2020年度全县政务公开政务服务工作考核"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# As the header shows each demo account: full name（role）
SHOWN_AS = {
    "office": "考核办（演示）（考核办）",
    "scorer-dsj": "大数据中心赋分人（演示）（牵头单位赋分人）",
    "unit-zjj": "住建局联络员（演示）（被考核单位）",
    "leader": "县领导（演示）（领导）",
}
EVIDENCE = "https://www.jinghe.gov.cn/zjj/zwgk/2020/1016.html"


@dataclass
class Server:
    url: str
    data: Path
    run: object  # run(*args) -> CompletedProcess of the `kaohe` command on this data directory


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("kaohe-browser")
    env = {
        **os.environ,
        "KAOHE_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'kaohe.sqlite3'}",
        "KAOHE_DEMO_PASSWORD": PASSWORD,
    }
    for name in ("KAOHE_DEBUG", "KAOHE_HTTPS", "KAOHE_SECRET_KEY", "KAOHE_ALLOWED_HOSTS"):
        env.pop(name, None)
    # the `kaohe` console script of the interpreter running the tests (not whatever is on PATH)
    script = Path(sys.executable).with_name("kaohe")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kaohe.cli"]

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*command, *args], env=env, capture_output=True, text=True, timeout=300
        )

    demo = run("demo")
    assert demo.returncode == 0, demo.stderr
    port = _free_port()
    log_path = data / "server.log"
    with log_path.open("w") as log:
        # not --insecure: the static files (CSS, htmx) must come from kaohe itself (WhiteNoise),
        # as they do without DEBUG in production
        process = subprocess.Popen(
            [*command, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"{url}/accounts/login/"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"kaohe runserver did not come up:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield Server(url, data, run)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's chromium. "
            "Run scripts/system-packages (as root it installs chromium with apt-get)."
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: pip install playwright==1.65.2")
    with sync_playwright() as playwright:
        found = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield found
        finally:
            found.close()


class Person:
    """One signed-in browser context: a page, its troubles (script errors, failed loads), and
    screenshots."""

    def __init__(self, browser, server: Server, username: str, viewport=DESKTOP, phone=False):
        from playwright.sync_api import expect

        self.expect = expect
        self.server = server
        self.context = browser.new_context(
            viewport=viewport,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            is_mobile=phone,
            has_touch=phone,
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.troubles: list[str] = []
        self.page.on("pageerror", lambda exc: self.troubles.append(f"script error: {exc}"))
        self.page.on(
            "console",
            lambda m: (
                m.type == "error"
                and not m.text.startswith("Failed to load resource")  # reported with its URL below
                and self.troubles.append(f"console: {m.text}")
            ),
        )
        self.page.on(
            "response",
            lambda r: (
                r.status >= 400
                and self.troubles.append(f"{r.status} {r.request.resource_type} {r.url}")
            ),
        )
        self.sign_in(username)

    def sign_in(self, username: str) -> None:
        page = self.page
        page.goto(self.server.url + "/")  # anonymous: sent to the login form
        self.expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("form button[type=submit]")
        self.expect(page.locator("header .who")).to_contain_text(SHOWN_AS[username])

    def go(self, path: str):
        response = self.page.goto(self.server.url + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        return self.page

    def message(self, text: str) -> None:
        self.expect(self.page.locator("ul.messages")).to_contain_text(text)

    def move(self, target_label: str) -> None:
        """On the overview: choose the next state and confirm."""
        self.page.select_option("#target", label=target_label)
        self.page.click("button:has-text('确认变更')")

    def shot(self, name: str, full_page: bool = True, top: bool = False) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        if top:
            self.page.evaluate("window.scrollTo(0, 0)")
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)

    def no_horizontal_scroll(self) -> bool:
        return self.page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )

    def close(self) -> list[str]:
        self.context.close()
        return [t for t in self.troubles if "favicon" not in t]


def cell_link(page, unit: str, indicator: str):
    return page.locator(f'a.cell[aria-label^="{unit} · {indicator}："]')


def row_total(link):
    return link.locator("xpath=ancestor::tr").locator("td.total")


def test_each_role_walks_the_demo_campaign(server, browser):
    office = Person(browser, server, "office")
    page = office.page
    expect = office.expect

    # --- the office opens scoring (草稿 → 评分中)
    expect(page).to_have_url(re.compile(r"/campaigns/$"))
    row = page.locator("tr", has_text=CAMPAIGN)
    expect(row).to_contain_text("草稿")
    row.get_by_role("link", name="概况").click()
    expect(page.locator("h1")).to_have_text(CAMPAIGN)
    expect(page.locator("p span.tag").first).to_have_text("草稿")
    progress = page.locator("tr", has_text="县政务服务和大数据发展服务中心")
    # 7 leaves × 32 units of 政务公开 + 3 leaves × 29 units of the platform card
    expect(progress.locator("td").nth(1)).to_have_text("311")
    expect(page.locator("#target option")).to_have_text(["评分中"])
    office.move("评分中")
    office.message("考核已从“草稿”变更为“评分中”。")
    expect(page.locator("p span.tag").first).to_have_text("评分中")
    expect(page.locator("tr", has_text="草稿 → 评分中")).to_contain_text("考核办（演示）")
    office.shot("01-office-overview")

    # --- scorer-dsj deducts on 住建局 with an evidence link, then corrects the amount
    scorer = Person(browser, server, "scorer-dsj")
    sp = scorer.go(f"/campaigns/{CODE}/scoring/")
    expect(sp.locator("h1")).to_have_text("评分工作台")
    zwgk = sp.locator("section.ws-card").first
    expect(zwgk.locator("h2")).to_contain_text("政务公开年度绩效考核评分表")
    # only the indicators the 大数据中心 scores: not 2, 4, 5.x (县政府办公室) nor 6 (市监局)
    expect(zwgk.locator("table.ws").first.locator("th.leaf .code")).to_have_text(
        ["1.1", "1.2", "1.3", "1.4", "3.1", "3.2", "3.3"]
    )
    cell = cell_link(sp, "住建局", "1.1 决策和执行公开")
    expect(cell).to_have_text("8.22条")  # 10 points, 1.1 and 0.7 deducted in the demo
    expect(row_total(cell)).to_have_text("76.2")
    scorer.shot("02-scoring-workspace-top", full_page=False)
    cell.click()
    drawer = sp.locator("#cell-panel")
    expect(drawer).to_be_visible()
    expect(drawer.locator("#cell-title")).to_have_text("住建局 · 1.1 决策和执行公开")
    drawer.locator("#id_amount").fill("2")
    drawer.locator("#id_reason").fill("10月16日县政府常务会议有关住建领域的决定未在本单位栏目公开")
    drawer.locator("#id_evidence").fill(EVIDENCE)
    drawer.locator("button:has-text('记录')").click()
    expect(drawer.locator(".ws-ok")).to_contain_text("扣分 2。")
    first = int(re.search(r"已记录第 (\d+) 号", drawer.locator(".ws-ok").inner_text()).group(1))
    expect(cell).to_have_text("6.23条")  # swapped in place (htmx out-of-band)
    expect(row_total(cell)).to_have_text("74.2")
    entry = drawer.locator(f"#entry-{first}")
    expect(entry.locator("a", has_text="jinghe.gov.cn")).to_have_attribute("href", EVIDENCE)
    entry.locator("summary", has_text="撤销 / 更正").click()
    entry.locator(f"#rv-reason-{first}").fill("核对会议纪要后，按未公开1项扣分")
    entry.locator(f"#rv-amount-{first}").fill("1.5")
    entry.locator("button:has-text('提交撤销/更正')").click()
    ok = drawer.locator(".ws-ok")
    expect(ok).to_contain_text(f"已撤销第 {first} 号记录")
    corrected = int(re.search(r"重新记录为第 (\d+) 号", ok.inner_text()).group(1))
    expect(ok).to_contain_text("并按 1.5 重新记录")
    expect(drawer.locator(f"#entry-{first}")).to_contain_text("已撤销")
    expect(drawer.locator(f"#entry-{corrected}")).to_contain_text("扣分 1.5")
    expect(drawer.locator(f"#entry-{corrected}")).to_contain_text("有效")
    expect(cell).to_have_text("6.75条")
    expect(row_total(cell)).to_have_text("74.7")
    scorer.shot("02-scoring-workspace-cell", full_page=False)
    # the 市监局's indicator is not the 大数据中心's to score
    assert not cell_link(sp, "住建局", "6 “双随机、一公开”监管").count()

    # --- 住建局 sees the deduction, its correction and who made it
    unit = Person(browser, server, "unit-zjj")
    up = unit.page
    expect(up).to_have_url(re.compile(rf"/campaigns/{CODE}/units/\d+/$"))
    zjj_page = up.url
    expect(up.locator("h1")).to_have_text("精河县住房和城乡建设局")
    expect(up.locator(".notice").first).to_contain_text("评分进行中")
    original = up.locator(f"#entry-{first}")
    expect(original).to_contain_text("扣 2 分")
    expect(original).to_contain_text("已撤销")
    expect(original.locator(f'a[href="{EVIDENCE}"]')).to_be_visible()
    live = up.locator(f"#entry-{corrected}")
    expect(live).to_contain_text("扣 1.5 分")
    expect(live).to_contain_text(f"更正第 {first} 号记录：核对会议纪要后，按未公开1项扣分")
    expect(live).to_contain_text("大数据中心赋分人（演示）")
    expect(live).to_contain_text("扣分制：本项 10 分，扣完为止")
    expect(up.locator("text=得分（公示，未发布）")).to_have_count(0)  # no totals while scoring
    assert "托里镇" not in up.content()

    # --- the office: 审核, then 公示与复核 (the appeal window opens)
    office.go(f"/campaigns/{CODE}/")
    office.move("审核")
    office.message("考核已从“评分中”变更为“审核”。")
    office.move("公示与复核")
    office.message("考核已从“审核”变更为“公示与复核”。")
    expect(page.locator("text=复核申请截止：")).to_be_visible()

    # --- 住建局 appeals the corrected deduction
    up.goto(zjj_page)
    expect(up.locator(".notice").first).to_contain_text("公示与复核期间：如对扣分有异议")
    card = up.locator("section.sheet").first
    expect(card.locator(".summary")).to_contain_text("得分（公示，未发布）74.7")
    live.locator("summary", has_text="对此项申请复核").click()
    live.locator(f"#id_a{corrected}-text").fill(
        "该决定已于10月20日由县政府门户网站统一公开，本单位栏目已转载，不属于未公开。"
    )
    live.locator(f"#id_a{corrected}-evidence_url").fill(
        "https://www.jinghe.gov.cn/zwgk/2020/1020.html"
    )
    live.locator("button:has-text('提交复核申请')").click()
    unit.message("复核申请已提交，考核办将在复核后答复。")
    expect(live.locator(".answer")).to_contain_text("复核申请")
    expect(live.locator(".answer .tag")).to_have_text("待复核")
    unit.shot("03-unit-portal-desktop", full_page=False, top=True)
    live.scroll_into_view_if_needed()
    unit.shot("03-unit-portal-appeal-desktop", full_page=False)

    phone = Person(browser, server, "unit-zjj", viewport=PHONE, phone=True)
    phone.page.goto(zjj_page)
    expect(phone.page.locator("h1")).to_have_text("精河县住房和城乡建设局")
    phone.shot("04-unit-portal-phone", full_page=False)
    phone.page.locator(f"#entry-{corrected}").scroll_into_view_if_needed()
    phone.shot("04-unit-portal-appeal-phone", full_page=False)
    assert phone.no_horizontal_scroll(), "the unit page scrolls sideways on a phone"

    # --- the office decides: changed, with a reason; the total follows
    results = f"/campaigns/{CODE}/results/"
    zwgk_departments = "2020年精河县政务公开年度绩效考核评分表 · 县直部门"

    def zjj_result():
        table = page.locator("div.card", has=page.locator("h2", has_text=zwgk_departments))
        return table.locator("tr", has=page.get_by_role("link", name="住建局", exact=True))

    office.go(results)
    expect(zjj_result().locator("td.num").nth(1)).to_have_text("74.7")
    office.go(f"/campaigns/{CODE}/appeals/")
    expect(page.locator("h2", has_text="待复核")).to_have_text("待复核（1）")
    case = page.locator("section.case", has_text="住建局").first
    expect(case).to_contain_text("原记录：1.5 分")
    case.get_by_label("调整扣分").check()
    case.locator("input[name$='-new_amount']").fill("0.5")
    case.locator("textarea[name$='-reason']").fill(
        "经核实，该决定已由县政府门户网站公开，本单位栏目转载滞后，改按转载滞后扣0.5分。"
    )
    case.locator("button:has-text('作出复核决定')").click()
    office.message("已对住建局的复核申请作出决定：已调整。")
    expect(page.locator("h2", has_text="已复核")).to_have_text("已复核（1）")
    office.shot("05-office-appeals")
    office.go(results)
    expect(zjj_result().locator("td.num").nth(1)).to_have_text("75.7")

    up.goto(zjj_page)
    expect(live.locator(".answer .tag")).to_have_text("已调整：调整为 0.5 分")
    replacement = up.locator("li.entry", has=up.locator(".tag", has_text="复核调整（原 1.5 分）"))
    expect(replacement).to_contain_text("扣 0.5 分")
    expect(card.locator(".summary")).to_contain_text("得分（公示，未发布）75.7")

    # --- the leader approves (定稿, 经县人民政府同意)
    leader = Person(browser, server, "leader")
    lp = leader.go(f"/campaigns/{CODE}/")
    expect(lp.locator("#target option")).to_have_text(["定稿"])
    leader.move("定稿")
    leader.message("考核已从“公示与复核”变更为“定稿”。")
    approval = lp.locator("tr", has_text="公示与复核 → 定稿")
    expect(approval).to_contain_text("县领导（演示）")
    expect(approval).to_contain_text("经县人民政府同意")
    expect(lp.locator("text=您当前无可执行的流程操作。")).to_be_visible()

    # --- the office publishes; the notice as issued says 33 departments where the data has 32
    office.go(f"/campaigns/{CODE}/notice/edit/")
    body = page.locator("#id_body")
    text = body.input_value()
    assert "对7个乡镇场和32个县直有关部门" in text
    body.fill(text.replace("32个县直有关部门", "33个县直有关部门"))
    page.locator("#id_doc_number").fill("精政办发[2020]45号")
    # the date of issue as the real notice has it (the field comes up empty: see the web tests)
    page.locator("#id_date").fill("2020-12-24")
    page.click("button:has-text('保存')")
    office.message("通报草稿已保存。")
    expect(page.locator(".notice-preview")).to_contain_text("精政办发〔2020〕45号")
    expect(page.locator(".notice-preview")).to_contain_text("2020年12月24日")
    office.go(f"/campaigns/{CODE}/")
    office.move("已发布")
    office.message(
        "通报与考核数据有 1 处不一致，请修改或说明理由后再发布：“33个县直有关部门”（数据：县直部门共32个）"
    )
    expect(page.locator("p span.tag").first).to_have_text("定稿")

    office.go(f"/campaigns/{CODE}/notice/")
    expect(page.locator("p.errorlist")).to_contain_text("发现 1 处与数据不一致")
    finding = page.locator("tr", has_text="33个县直有关部门")
    expect(finding).to_contain_text("县直部门共32个")
    finding.locator("textarea[name=reason]").fill(
        "与报经县人民政府同意的印发稿一致，工业园区按县直部门计。"
    )
    finding.locator("button:has-text('确认保留')").click()
    office.message("已确认保留：“33个县直有关部门”。")
    expect(page.locator(".card", has_text="已确认保留")).to_contain_text("工业园区按县直部门计")
    expect(page.locator("text=通报中的数量、比例、单位与等次均与考核数据一致。")).to_be_visible()
    office.shot("06-notice-preview")

    office.go(f"/campaigns/{CODE}/")
    office.move("已发布")
    office.message("考核已从“定稿”变更为“已发布”。")
    expect(page.locator("p span.tag").first).to_have_text("已发布")
    office.go(results)
    expect(page.locator("p.muted").first).to_contain_text("已发布（结果已冻结）")
    expect(zjj_result().locator("td.num").nth(1)).to_have_text("75.7")
    expect(zjj_result()).to_contain_text("良好")
    office.shot("07-results")

    # --- 住建局: rank and grade, then a rectification for the deduction that stands
    up.goto(zjj_page)
    expect(up.locator(".notice").first).to_contain_text("请对照扣分项对号入座")
    expect(card.locator(".summary")).to_contain_text("得分75.7")
    expect(card.locator(".summary")).to_contain_text("县直部门排名第")
    expect(card.locator(".summary")).to_contain_text("等次良好")
    kept = int(replacement.get_attribute("id").removeprefix("entry-"))
    replacement.locator("summary", has_text="报送整改情况").click()
    replacement.locator(f"#id_r{kept}-text").fill(
        "已在本单位栏目设置县政府常务会议决定专栏，会后3个工作日内转载，指定专人核对。"
    )
    replacement.locator(f"#id_r{kept}-evidence_url").fill(
        "https://www.jinghe.gov.cn/zjj/zwgk/jczx/index.html"
    )
    replacement.locator("button[type=submit]", has_text="报送整改情况").click()
    unit.message("整改情况已报送，待考核办核实。")
    expect(replacement.locator(".answer.rect")).to_contain_text("待核实")
    phone.page.goto(zjj_page)
    expect(phone.page.locator("section.sheet").first.locator(".summary")).to_contain_text(
        "等次良好"
    )
    phone.shot("08-unit-portal-published-phone", full_page=False)
    assert phone.no_horizontal_scroll(), "the published unit page scrolls sideways on a phone"

    # --- the office verifies the rectification
    office.go(f"/campaigns/{CODE}/rectifications/")
    expect(page.locator("h2", has_text="待核实")).to_have_text("待核实（1）")
    rect = page.locator("section.case", has_text="住建局")
    expect(rect).to_contain_text("会后3个工作日内转载")
    rect.locator("textarea").fill("已抽查专栏，近两次会议决定均已转载。")
    rect.locator("button:has-text('核实整改')").click()
    office.message("已核实住建局的整改情况。")
    expect(page.locator("h2", has_text="已核实")).to_have_text("已核实（1）")
    up.goto(zjj_page)
    expect(replacement.locator(".answer.rect .tag")).to_have_text("已核实")
    expect(replacement.locator(".answer.rect")).to_contain_text("已抽查专栏")
    replacement.scroll_into_view_if_needed()
    unit.shot("09-unit-portal-verified-desktop", full_page=False)

    # --- the audit log holds every step, newest first
    office.go("/audit/")
    cells = page.locator("table tr td:nth-child(4)")
    actions = [cells.nth(i).get_attribute("title") for i in range(min(cells.count(), 30))]
    labels = cells.all_inner_texts()
    for action in (
        "campaign.transition", "ledger.add", "ledger.reverse", "appeal.submit", "appeal.decide",
        "notice.edit", "notice.accept_finding", "rectification.submit", "rectification.verify",
    ):  # fmt: skip
        assert action in actions, f"{action} not among the newest audit records"
    assert actions[0] == "rectification.verify" and labels[0] == "核实整改情况"
    office.shot("10-audit-log")
    page.fill("#f-unit", "住建局")
    page.click("button:has-text('筛选')")
    units = set(page.locator("table tr td:nth-child(5)").all_inner_texts())
    assert units == {"住建局"}, units

    office.go(f"/campaigns/{CODE}/")
    expect(page.locator("text=您当前无可执行的流程操作。")).to_be_visible()  # frozen
    expect(page.locator("table tr", has_text=" → ")).to_have_count(5)
    office.shot("11-office-overview-published")

    troubles = [t for who in (office, scorer, unit, phone, leader) for t in who.close()]
    assert not troubles, "the pages had errors:\n" + "\n".join(troubles)

    # --- the audit chain the walk wrote verifies
    verified = server.run("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    count = int(re.search(r"审计链完整：(\d+) 条记录", verified.stdout).group(1))
    assert count >= 16, verified.stdout  # every step above left its record
