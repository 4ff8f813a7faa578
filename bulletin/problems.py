"""Problems found in a newsroom, and the catalogue of their codes.

Every message an editor sees is built here, so the wording stays consistent and every code
is documented in one place (docs/reference.md lists them).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

# code -> (severity, short Chinese title). Messages add the specifics.
CATALOGUE: dict[str, tuple[str, str]] = {
    "E001": ("error", "文件无法读取"),
    "E002": ("error", "文件不是 UTF-8 编码"),
    "E003": ("error", "YAML 语法错误"),
    "E004": ("error", "缺少 front matter 分隔线"),
    "E005": ("error", "不支持 YAML 锚点、别名或标签"),
    "E006": ("error", "文件为空"),
    "E007": ("error", "文件顶层结构不对"),
    "E008": ("error", "文件过大或嵌套过深"),
    "E009": ("error", "重复的键"),
    "E010": ("error", "不是普通文件（管道、设备、套接字或指向它们的链接）"),
    "E101": ("error", "缺少必填项"),
    "E102": ("error", "类型不对"),
    "E103": ("error", "取值不在允许范围内"),
    "E104": ("error", "未知的键"),
    "E105": ("error", "格式不对"),
    "E106": ("error", "日期或时间无效"),
    "E107": ("error", "数值超出范围"),
    "E108": ("error", "内容不符合格式要求"),
    "E201": ("error", "id 与文件名不一致"),
    "E202": ("error", "id 重复"),
    "E203": ("error", "报送单位不存在"),
    "E204": ("error", "联合报送单位不对"),
    "E205": ("error", "续报所接的稿件不存在"),
    "E206": ("error", "约稿不存在"),
    "E207": ("error", "期刊条目引用的稿件不存在"),
    "E208": ("error", "刊物不存在"),
    "E209": ("error", "期刊文件路径与内容不一致"),
    "E210": ("error", "期号重复"),
    "E211": ("error", "期刊密级低于条目密级"),
    "E212": ("error", "涉密稿件缺少保密期限"),
    "E213": ("error", "紧急信息缺少事件时间"),
    "E214": ("error", "不采用的稿件缺少原因"),
    "E215": ("error", "采用级别不存在"),
    "E216": ("error", "考核规则不对"),
    "E217": ("error", "稿件所在目录与报送时间不一致"),
    "E218": ("error", "单位 id 重复"),
    "E219": ("error", "同一期内条目重复"),
    "E220": ("error", "不采用的稿件编入期刊"),
    "E221": ("error", "续报关系成环"),
    "E222": ("error", "约稿单位不存在"),
    "E223": ("error", "期刊文件位置不对"),
    "E224": ("error", "已发布稿件被改动"),
    "E230": ("error", "图片或链接指向 content/ 之外"),
    "E231": ("error", "图片文件不存在"),
    "E232": ("error", "锁定摘要格式不对"),
    "E233": ("error", "已发布期刊被改动"),
    "E234": ("error", "带锁定摘要的期刊被改回草稿"),
    "E235": ("error", "已发布的稿件被删除"),
    "E236": ("error", "文件中有 git 合并冲突标记"),
    "E237": ("error", "涉密稿件或期刊在联网的新闻室中"),
    "E238": ("error", "新闻室的期刊编入了涉密库中的稿件"),
    "E239": ("error", "涉密信息汇总文件不对"),
    "E240": ("error", "涉密库位置不对"),
    "E250": ("error", "插入的图片不是 PNG/JPEG/GIF/WebP 图片"),
    "E251": ("error", "图片也被更高密级的稿件使用"),
    "E253": ("error", "正文超出 Markdown 限制（字数、行长、段长、链接数或嵌套层数）"),
    "E254": ("error", "已发布期刊没有锁定摘要"),
    "E255": ("error", "已发布的记录与 git 中首次发布时不符"),
    "E256": ("error", "已计入锁定的更正记录被删除"),
    "E260": ("error", "将上公众网站的稿件含有个人信息"),
    "W001": ("warning", "未标密级，按内部处理"),
    "W002": ("warning", "作者不是备案信息员"),
    "W003": ("warning", "单位已停用"),
    "W004": ("warning", "首段使用模糊时间词"),
    "W005": ("warning", "紧急信息超时报送"),
    "W006": ("warning", "期刊日期早于条目报送时间"),
    "W007": ("warning", "涉密库在新闻室的 git 工作区内"),
    "W008": ("warning", "涉密库中有非涉密的稿件或期刊"),
    "W060": ("warning", "稿件含有个人信息"),
    "W100": ("warning", "标题过长"),
    "W101": ("warning", "动态信息篇幅过长"),
    "W102": ("warning", "图片文件过大"),
    "W103": ("warning", "图片没有说明文字"),
    "W104": ("warning", "标题与近期稿件相同"),
    "W105": ("warning", "正文与近期稿件高度相似"),
    "W106": ("warning", "紧急信息续报中断"),
    "W108": ("warning", "更正后尚未重新锁定"),
    "W109": ("warning", "正文为空"),
    "W120": ("warning", "单位或刊物在发布后改名"),
    # input
    "E300": ("error", "YAML 需要半角符号的地方用了全角符号"),
    "E301": ("error", "YAML 中有制表符（Tab）"),
    "E302": ("error", "以特殊符号开头的值没有加引号"),
    "E303": ("error", "冒号后面缺少空格"),
    "E304": ("error", "缩进没有对齐"),
    "E305": ("error", "时间只写了日期"),
    "E306": ("error", "日期不是 ISO 写法"),
    "E307": ("error", "稿件扩展名不是 .md"),
    "E308": ("error", "批示办理期限早于批示日期"),
    "W300": ("warning", "值中的 # 之后被当作注释"),
    "W301": ("warning", "标签中有中文逗号或顿号"),
    "W302": ("warning", "发布时同一刊物更早的期号仍是草稿"),
    "W310": ("warning", "导入的署名单位与 --unit 不同"),
    "W311": ("warning", "导入的文件有附件未导入"),
    # deploy
    "E350": ("error", "没有可发布的构建"),
    "E351": ("error", "构建不是新闻室现在的构建"),
    "E352": ("error", "构建输出在构建后被改动"),
    "E353": ("error", "发布前复查泄密未通过"),
    "E354": ("error", "发布目录位置不对"),
    "E355": ("error", "发布清单无法读取或属于另一个网站"),
    "E356": ("error", "rsync 不可用或失败"),
    "E357": ("error", "新闻室有错误，未发布"),
    "E360": ("error", "网站上的文件被改动"),
    "E361": ("error", "网站目录中多出文件"),
    "E362": ("error", "网站上的文件被删除"),
    "E363": ("error", "网站上不是最新构建"),
    "E364": ("error", "已撤下的文件仍在网站上"),
    "E365": ("error", "网站目录中没有发布清单"),
    "W350": ("warning", "网站目录中有其他文件，保持原样"),
    # docs
    "E380": ("error", "编号印制的份数未定"),
    "E381": ("error", "草稿不能编号印制"),
    "W380": ("warning", "通报设置写法不对"),
    # site
    "E330": ("error", "mkdocs.yml 中有不支持的设置"),
    "E331": ("error", "mkdocs.yml 设置的值不对"),
    "E332": ("error", "网站的标志、图标或样式表文件不对"),
    "E333": ("error", "样式表引用了外部地址"),
    "E334": ("error", "nav 列出的附加页面不对"),
    "E335": ("error", "附加页面无法读取或写法不对"),
    "W330": ("warning", "pages/ 中的页面没有列入 nav"),
}


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, pointing at the file and line an editor must change."""

    path: str
    line: int
    code: str
    message: str

    @property
    def severity(self) -> str:
        return CATALOGUE[self.code][0]

    def format(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}[{self.code}]: {self.message}"

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }


def problem_rows(problems: list[Problem]) -> list[tuple[str, int, str, str]]:
    """Problems as plain tuples: what the check cache and the run memos keep."""
    return [(p.path, p.line, p.code, p.message) for p in problems]


def remembered(cache, key: bytes, judge: Callable[[], list[Problem]]) -> list[Problem]:
    """``judge()``, kept in the check cache (``cache.DigestCache``) under ``key``; judged afresh
    without a cache. The key must name everything the judgement reads."""
    if cache is None:
        return judge()
    return [Problem(*row) for row in cache.get_or_make(key, lambda: problem_rows(judge()))]


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """Sort by path, line and code, dropping exact repeats."""
    return sorted(set(problems))


def to_json(problems: list[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    return json.dumps(
        {
            "problems": [p.as_dict() for p in problems],
            "errors": errors,
            "warnings": len(problems) - errors,
        },
        ensure_ascii=False,
        indent=2,
    )
