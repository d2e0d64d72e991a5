"""One short msgid, one sense.

A short English msgid ("Open", "Planned", "Lost") gets one Chinese translation in the catalogue. Used by two
apps it usually means two things (a complaint that is 处理中, a maintenance request that is 待处理), and one of them
then reads wrong (issue 13: 打开, 待召开, 已丢失). So a short msgid without a context may be used by one app only;
where two apps share it, each sense gets its own `pgettext` context, or the msgid goes in `SAME_SENSE` below with
the reason it means the same everywhere.
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
APPS = ["clients", "complaints", "config", "meetings", "performance", "projects", "reception", "teams"]
SINGULAR = {"gettext", "gettext_lazy", "gettext_noop", "_", "ngettext", "ngettext_lazy"}
CONTEXTUAL = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}

# Reviewed: each means the same thing wherever it appears, so one translation fits every use.
SAME_SENSE = {
    "Actions": "the column of row buttons (操作) on every list",
    "All": "the empty choice of a filter (全部)",
    "Back": "the link back to the previous page (返回)",
    "Cancel": "a form's cancel button (取消)",
    "Client": "the household we serve (客户)",
    "Close": "closes a dialog or menu (关闭)",
    "Consultant": "the role (顾问)",
    "Date": "a calendar date (日期)",
    "Delete": "a delete button (删除)",
    "Designer": "the role (设计师)",
    "Download": "a download link (下载)",
    "Edit": "an edit button or link (编辑)",
    "Export": "the export-to-sheet button (导出)",
    "Filter": "applies a list's filters (筛选)",
    "Name": "a person's or team's name (姓名/名称 read the same)",
    "No": "the boolean answer (否)",
    "Note": "a free-text remark (备注)",
    "Notes": "free-text remarks (备注)",
    "Phone": "a telephone number (电话)",
    "Project": "the decoration project (项目)",
    "Project manager": "the role (项目经理)",
    "Save": "a form's save button (保存)",
    "Search": "the search box (搜索)",
    "Team": "the sales team (团队)",
    "Yes": "the boolean answer (是)",
    "breadcrumb": "the aria-label of every page's trail (导航路径)",
}


def _py_uses(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        strings = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
        if name in SINGULAR and strings and strings[0]:
            yield None, strings[0]
        elif name in CONTEXTUAL and len(strings) > 1 and strings[1]:
            yield strings[0], strings[1]


STRING = r"""[rRuU]?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
CALL = re.compile(rf"\b(n?p?gettext|_)\(\s*({STRING})(?:\s*,\s*({STRING}))?")


def _template_uses(path):
    """The calls Django's own makemessages would see: templatize() turns the tags into gettext calls."""
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for name, first, second in CALL.findall(code):
        if name in ("pgettext", "npgettext"):
            yield ast.literal_eval(first), ast.literal_eval(second)
        else:
            yield None, ast.literal_eval(first)


def _scope(path):
    """Which app a file speaks for: its top folder, or for templates the folder under templates/."""
    parts = path.relative_to(ROOT).parts
    if parts[0] == "templates":
        return parts[1] if len(parts) > 2 and parts[1] in APPS else "layout"
    return parts[0]


def uses():
    """{(context, msgid): {app, ...}} for every translated string in the product's source."""
    found = defaultdict(set)
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                for key in _py_uses(path):
                    found[key].add(_scope(path))
    for path in (ROOT / "templates").rglob("*.html"):
        for key in _template_uses(path):
            found[key].add(_scope(path))
    return found


def is_short(msgid):
    return len(msgid.split()) <= 2


def test_extraction_sees_templates_python_and_contexts():
    found = uses()
    assert "layout" in found[(None, "Log out")] or any(m == "Log out" for _, m in found)
    assert any(ctx is not None for ctx, _ in found), "pgettext contexts are read"
    assert any(apps & {"templates", "layout"} or len(apps) for apps in found.values())


def test_a_short_msgid_shared_by_apps_has_a_context():
    shared = {
        msgid: sorted(apps)
        for (context, msgid), apps in uses().items()
        if context is None and is_short(msgid) and len(apps) > 1 and msgid not in SAME_SENSE
    }
    assert shared == {}, "give each sense a pgettext context, or add the msgid to SAME_SENSE with a reason"


def test_the_allow_list_has_no_stale_entries():
    used = {msgid for (context, msgid), apps in uses().items() if context is None and len(apps) > 1}
    assert sorted(set(SAME_SENSE) - used) == []
