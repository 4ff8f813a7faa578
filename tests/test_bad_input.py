"""Bad files give one clear line naming file and line, never a traceback."""

from __future__ import annotations

from datetime import date

from bulletin.check import run_check
from bulletin.cli import main

TODAY = date(2026, 11, 27)
REPORT = "content/2026/03/2026-03-nyj-001.md"


def lines(newsroom) -> list[str]:
    return [p.format() for p in run_check(newsroom.root, TODAY).problems]


def only_error_of(newsroom, rel: str) -> str:
    mine = [line for line in lines(newsroom) if line.startswith(rel + ":")]
    assert len(mine) == 1, mine
    return mine[0]


def test_yaml_syntax_error_in_front_matter(newsroom):
    newsroom.write(REPORT, "---\nid: 2026-03-nyj-001\ntitle: [未闭合\nunit: nyj\n---\n正文\n")
    assert only_error_of(newsroom, REPORT) == (  # the slip's own line, in Chinese (bulletin.yamlhints)
        f"{REPORT}:3: error[E302]: title 的值以“[”开头，YAML 会把它当作特殊符号；请给整个值加引号：title: '[未闭合'")


def test_missing_closing_marker(newsroom):
    newsroom.write(REPORT, "---\nid: 2026-03-nyj-001\n\n正文\n")
    assert only_error_of(newsroom, REPORT) == (
        f"{REPORT}:1: error[E004]: front matter 没有结束的 --- 行；请在 YAML 之后、正文之前加一行 ---"
    )


def test_missing_opening_marker(newsroom):
    newsroom.write(REPORT, "id: x\n正文\n")
    assert only_error_of(newsroom, REPORT).startswith(f"{REPORT}:1: error[E004]: 文件应以一行 --- 开头")


def test_front_matter_not_a_mapping(newsroom):
    newsroom.write(REPORT, "---\n- a\n- b\n---\n正文\n")
    assert only_error_of(newsroom, REPORT).startswith(f"{REPORT}:2: error[E007]")


def test_gbk_file(newsroom):
    newsroom.write(REPORT, "---\nid: 2026-03-nyj-001\ntitle: 春耕\n---\n".encode() + "正文".encode("gbk"))
    assert only_error_of(newsroom, REPORT) == (
        f"{REPORT}:5: error[E002]: 文件不是 UTF-8 编码（可能是 GBK）；请在编辑器中另存为 UTF-8"
    )


def test_empty_and_binary_files(newsroom):
    newsroom.write("content/2026/03/empty.md", "")
    newsroom.write("content/2026/03/binary.md", b"---\nid: x\n\x00\x01\x02")
    got = lines(newsroom)
    assert "content/2026/03/empty.md:1: error[E006]: 文件是空的；请写入内容，或删除这个文件" in got
    assert any(line.startswith("content/2026/03/binary.md:3: error[E001]: 文件含有二进制内容") for line in got)


def test_folder_where_a_file_should_be(newsroom):
    newsroom.remove("units.yaml")
    (newsroom.root / "units.yaml").mkdir()
    (newsroom.root / "content/2026/03/odd.md").mkdir()
    got = lines(newsroom)
    assert "units.yaml:1: error[E001]: 这里应是文件，实际是文件夹；请把文件夹改名或移走" in got
    assert "content/2026/03/odd.md:1: error[E001]: 这里应是文件，实际是文件夹；请把文件夹改名或移走" in got


def test_missing_required_file(newsroom):
    newsroom.remove("scoring.yaml")
    assert "scoring.yaml:1: error[E001]: 缺少 scoring.yaml；请从示例新闻室复制一份并按本单位修改" in lines(newsroom)


def test_alias_bomb_is_refused(newsroom):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(20)
    )
    newsroom.write("issues/series.yaml", bomb)
    assert only_error_of(newsroom, "issues/series.yaml") == (
        "issues/series.yaml:1: error[E005]: 这里的内容被 YAML 别名（*名称）重复引用；不支持锚点和别名，请把内容直接写出来"
    )


def test_tags_and_duplicate_keys(newsroom):
    newsroom.write("scoring.yaml", "adoption: !!python/object:os.system {}\n")
    assert only_error_of(newsroom, "scoring.yaml").startswith("scoring.yaml:1: error[E005]")
    newsroom.write("scoring.yaml", "adoption: {}\ninstruction: {}\nadoption: {}\n")
    assert only_error_of(newsroom, "scoring.yaml") == "scoring.yaml:3: error[E009]: 键 adoption 在同一层出现了两次，请删去多余的一个"


def test_deep_nesting(newsroom):
    newsroom.write("issues/assignments.yaml", "[" * 60 + "]" * 60 + "\n")
    assert only_error_of(newsroom, "issues/assignments.yaml").startswith("issues/assignments.yaml:1: error[E008]")
    newsroom.write("issues/assignments.yaml", "[" * 5000 + "]" * 5000 + "\n")
    assert only_error_of(newsroom, "issues/assignments.yaml").startswith("issues/assignments.yaml:1: error[E003]")


def test_windows_line_endings_and_bom(newsroom):
    text = (newsroom.root / REPORT).read_text(encoding="utf-8").replace("\n", "\r\n")
    newsroom.write(REPORT, "\ufeff".encode() + text.encode())
    assert lines(newsroom) == []


def test_cli_never_tracebacks_on_bad_files(newsroom, capsys):
    newsroom.write(REPORT, b"\xff\xfe\x00garbage")
    newsroom.write("issues/zwxx/2026/018.yaml", ":\n  - : :\n")
    assert main(["check", "--root", str(newsroom.root)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_git_conflict_markers(newsroom):
    newsroom.write("issues/zwxx/2026/018.yaml", "series: zwxx\n<<<<<<< HEAD\nnumber: 18\n=======\nnumber: 19\n>>>>>>> other\n")
    assert only_error_of(newsroom, "issues/zwxx/2026/018.yaml").startswith(
        "issues/zwxx/2026/018.yaml:2: error[E236]: 文件中有未解决的 git 合并冲突标记"
    )
