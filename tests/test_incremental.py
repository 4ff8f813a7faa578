"""A rebuild redoes only the parts whose inputs changed, and never serves stale output."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from helpers.newsroom import ISSUE, report_text, seal_published

from bulletin.build import run_build

TODAY = date(2026, 11, 27)
PUBLISHED = ISSUE.replace("status: draft", "status: published")


def publish(newsroom) -> None:
    """Issue 18 as ``bulletin publish`` leaves it: published, with its lock."""
    newsroom.write("issues/zwxx/2026/018.yaml", PUBLISHED)
    seal_published(newsroom.root)


def build(newsroom, capsys, today=TODAY) -> str:
    assert run_build(newsroom.root, today, quiet=True) == 0
    return capsys.readouterr().err.splitlines()[-1]


def stamp(newsroom, rel: str) -> int:
    return (newsroom.root / "build" / rel).stat().st_mtime_ns


def test_noop_rebuild_reuses_every_part(newsroom, capsys):
    publish(newsroom)
    assert build(newsroom, capsys).startswith("已构建：notices、pdf、site、intranet →")
    before = {rel: stamp(newsroom, rel) for rel in ("site/index.html", "intranet/index.html", "pdf/zwxx/2026/018.pdf")}
    assert build(newsroom, capsys).startswith("已构建：（无）；内容未变，沿用：notices、pdf、site、intranet →")
    assert {rel: stamp(newsroom, rel) for rel in before} == before


def test_noop_rebuild_never_imports_the_printing_stack(newsroom, capsys):
    """Half a second of a no-op rebuild was importing WeasyPrint's, Word's and Excel's libraries."""
    publish(newsroom)
    build(newsroom, capsys)
    script = (
        "import sys, datetime\n"
        "from bulletin.build import run_build\n"
        f"assert run_build(__import__('pathlib').Path({str(newsroom.root)!r}), datetime.date(2026, 11, 27), quiet=True) == 0\n"
        "print(sorted(m for m in ('weasyprint', 'docx', 'openpyxl', 'bulletin.printing.queue', 'mkdocs') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert "内容未变，沿用：notices、pdf、site、intranet" in done.stderr


def test_a_new_draft_issue_never_reads_the_stored_notice_pages(newsroom, capsys, monkeypatch):
    """They are megabytes on a long archive; the notices and the intranet are kept by digest."""
    import bulletin.build

    publish(newsroom)
    build(newsroom, capsys)

    def refuse(self):
        raise AssertionError("notice pages read")

    monkeypatch.setattr(bulletin.build.Job, "remembered_notice_pages", refuse)
    newsroom.write("issues/zwxx/2026/019.yaml", ISSUE.replace("number: 18", "number: 19"))
    assert build(newsroom, capsys).startswith("已构建：pdf；内容未变，沿用：notices、site、intranet →")


def test_unreadable_notice_pages_are_made_again_for_the_intranet(newsroom, capsys):
    publish(newsroom)
    build(newsroom, capsys)
    for path in (newsroom.root / "build/.cache/notice-pages").glob("*.json"):
        path.write_text("{broken", encoding="utf-8")
    newsroom.write("assets/readme.txt", "本文件夹放网站的标志和样式表。")  # the sites' inputs, not the notices'
    assert build(newsroom, capsys).startswith("已构建：pdf、site、intranet；内容未变，沿用：notices →")
    notices = sorted(p.name for p in (newsroom.root / "build/intranet/notices").iterdir() if p.is_dir())
    assert notices and notices == sorted(p.stem for p in (newsroom.root / "build/notices").glob("*.pdf"))


def test_new_draft_issue_rebuilds_only_the_pdfs(newsroom, capsys):
    publish(newsroom)
    build(newsroom, capsys)
    newsroom.write("issues/zwxx/2026/019.yaml", ISSUE.replace("number: 18", "number: 19"))
    assert build(newsroom, capsys).startswith("已构建：pdf；内容未变，沿用：notices、site、intranet →")
    assert (newsroom.root / "build/pdf/zwxx/2026/019.pdf").is_file()


def test_edited_public_item_reaches_both_sites(newsroom, capsys):
    publish(newsroom)
    build(newsroom, capsys)
    newsroom.report(body="3月8日，全市春耕备耕工作全面展开，新增一句独有的话：蓝莓基地扩种。",
                    corrections="[{date: 2026-11-27, note: 补充一句}]")  # a published item changes by a correction
    line = build(newsroom, capsys)
    assert line.startswith("已构建：notices、pdf、site、intranet →")
    page = (newsroom.root / "build/site/items/2026-03-nyj-001/index.html").read_text(encoding="utf-8")
    assert "蓝莓基地扩种" in page


def test_another_day_rebuilds_notices_and_sites(newsroom, capsys):
    publish(newsroom)
    build(newsroom, capsys)
    line = build(newsroom, capsys, today=date(2026, 11, 28))
    assert line.startswith("已构建：notices、site、intranet；内容未变，沿用：pdf →")


def test_deleted_output_is_rebuilt(newsroom, capsys):
    publish(newsroom)
    build(newsroom, capsys)
    (newsroom.root / "build" / "site").unlink()  # what `rm -rf build/site` does to the part's link
    assert build(newsroom, capsys).startswith("已构建：site；内容未变，沿用：notices、pdf、intranet →")


def test_a_font_installed_on_the_machine_re_renders_the_pdfs(newsroom, capsys, monkeypatch):
    """The fonts are read from the system, not the newsroom: their files are inputs of the PDFs too."""
    from bulletin.printing import fonts

    publish(newsroom)
    assert build(newsroom, capsys).startswith("已构建：notices、pdf、site、intranet →")
    before = (newsroom.root / "build/pdf/zwxx/2026/018.pdf").read_bytes()
    installed = fonts.system_font("AR PL UKai CN")
    assert installed is not None and installed[0] != fonts.system_font("Noto Serif CJK SC")[0]
    real = fonts.system_font
    monkeypatch.setattr(fonts, "system_font", lambda family: installed if family == "Noto Serif CJK SC" else real(family))
    assert build(newsroom, capsys).startswith("已构建：notices、pdf；内容未变，沿用：site、intranet →")
    assert (newsroom.root / "build/pdf/zwxx/2026/018.pdf").read_bytes() != before


def test_a_new_issue_composes_only_itself(newsroom, capsys, monkeypatch):
    """The other issues' PDFs are found by their print view, without composing their HTML."""
    import bulletin.printing.issues as issues

    publish(newsroom)
    build(newsroom, capsys)
    composed: list[str] = []
    real = issues.printed
    monkeypatch.setattr(issues, "printed", lambda view, *a: composed.append(view.key) or real(view, *a))
    newsroom.write("issues/zwxx/2026/019.yaml", ISSUE.replace("number: 18", "number: 19"))
    assert build(newsroom, capsys).startswith("已构建：pdf；")
    assert composed == ["zwxx/2026/019"]
    first = newsroom.root / "build/pdf/zwxx/2026/018.pdf"
    assert first.read_bytes()[:5] == b"%PDF-" and first.with_suffix(".docx").stat().st_size > 0


def test_a_new_issue_renders_in_the_warmed_worker_before_the_others_are_planned(newsroom, capsys, monkeypatch):
    """On a five-year archive planning the other 1,150 issues took 0.6 s: the newest issue is
    planned first and its PDF is sent to the worker at once, rendering while they are planned."""
    import bulletin.build
    from bulletin.printing.queue import PrintQueue

    publish(newsroom)
    newsroom.write("issues/zwxx/2026/017.yaml", PUBLISHED.replace("number: 18", "number: 17").replace("2026-03-12", "2026-03-05"))
    seal_published(newsroom.root)
    build(newsroom, capsys)
    events: list[str] = []
    view, submit = bulletin.build.print_view, PrintQueue._submit
    monkeypatch.setattr(bulletin.build, "print_view", lambda n, issue: events.append(f"plan {issue.key}") or view(n, issue))
    monkeypatch.setattr(PrintQueue, "_submit", lambda q, jobs: events.extend(f"render {j.key}" for j in jobs) or submit(q, jobs))
    newsroom.write("issues/zwxx/2026/019.yaml", ISSUE.replace("number: 18", "number: 19").replace("2026-03-12", "2026-03-19"))
    assert build(newsroom, capsys).startswith("已构建：pdf；")
    assert events == ["plan zwxx/2026/019", "render zwxx/2026/019", "plan zwxx/2026/018", "plan zwxx/2026/017"]


_COMPOSED = (
    "import sys, datetime, pathlib\n"
    "import bulletin.printing.issues as issues\n"
    "from bulletin.build import run_build\n"
    "composed, real = [], issues.printed\n"
    "issues.printed = lambda view, *a: composed.append(view.key) or real(view, *a)\n"
    "code = run_build(pathlib.Path(sys.argv[1]), datetime.date(2026, 11, 27), quiet=True, until_exit=True)\n"
    "print(code, composed)\n"
)


def test_a_build_in_a_new_process_finds_the_other_issues_by_their_print_view(newsroom):
    """The next build is another process, whose views are made from the check's cache, not a
    fresh parse: their keys must still be those of the last build (``cache.value_bytes``)."""
    publish(newsroom)
    first = subprocess.run([sys.executable, "-c", _COMPOSED, str(newsroom.root)], capture_output=True, text=True)
    assert first.stdout.split() == ["0", "['zwxx/2026/018']"], first.stderr
    newsroom.write("issues/zwxx/2026/019.yaml", ISSUE.replace("number: 18", "number: 19"))
    second = subprocess.run([sys.executable, "-c", _COMPOSED, str(newsroom.root)], capture_output=True, text=True)
    assert second.stdout.split() == ["0", "['zwxx/2026/019']"], second.stderr
    assert "已构建：pdf；内容未变，沿用：notices、site、intranet" in second.stderr


def test_an_image_change_composes_every_issue_again(newsroom, capsys, monkeypatch):
    from helpers.site import PNG

    import bulletin.printing.issues as issues

    newsroom.write("content/2026/03/images/field.png", PNG)
    newsroom.report(body="3月8日，全市春耕备耕工作全面展开。\n\n![施肥现场](images/field.png)")
    newsroom.write("issues/zwxx/2026/018.yaml", ISSUE)  # a draft: printed, on no site
    build(newsroom, capsys)
    before = (newsroom.root / "build/pdf/zwxx/2026/018.pdf").read_bytes()
    composed: list[str] = []
    real = issues.printed
    monkeypatch.setattr(issues, "printed", lambda view, *a: composed.append(view.key) or real(view, *a))
    newsroom.write("content/2026/03/images/field.png", _red_pixel())  # another image, same name
    assert build(newsroom, capsys).startswith("已构建：pdf、")
    assert composed == ["zwxx/2026/018"]
    assert (newsroom.root / "build/pdf/zwxx/2026/018.pdf").read_bytes() != before


def _red_pixel() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1, 1), (255, 0, 0)).save(out, format="PNG")
    return out.getvalue()


def test_a_new_draft_does_not_make_the_site_views(newsroom, capsys, monkeypatch):
    """A site is kept by its inputs (every report and setting, the published issues) alone."""
    import bulletin.build

    publish(newsroom)
    build(newsroom, capsys)
    made: list[str] = []
    real = bulletin.build.site_view
    monkeypatch.setattr(bulletin.build, "site_view", lambda n, audience: made.append(audience) or real(n, audience))
    newsroom.write("issues/zwxx/2026/019.yaml", ISSUE.replace("number: 18", "number: 19"))
    assert build(newsroom, capsys).startswith("已构建：pdf；内容未变，沿用：notices、site、intranet →")
    assert made == []
    newsroom.write("content/2026/03/2026-03-nyj-002.md", report_text("2026-03-nyj-002"))  # a new report in no issue
    build(newsroom, capsys)
    assert made == ["public", "intranet"]  # made again, and compared by their own digest
