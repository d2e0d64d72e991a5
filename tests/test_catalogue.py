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

from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize

from teams.roles import Role

ROOT = Path(settings.BASE_DIR)
APPS = ["clients", "complaints", "config", "meetings", "performance", "portal", "projects", "reception", "teams"]
SINGULAR = {"gettext", "gettext_lazy", "gettext_noop", "_", "ngettext", "ngettext_lazy"}
CONTEXTUAL = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}

# Reviewed (issue 13): each group's msgids mean the same thing in every app that uses them, so one translation fits
# every use. Keys are the reason; a model's or a role's own name needs no entry (see `record_names`).
SAME_SENSE_GROUPS = {
    "buttons and links that do the same thing on every page": (
        "Acknowledge Add Cancel Close Edit Excel Record Remove Save Search Show Upload search",
        "Register complaint|Sort by",
    ),
    "answers and empty states": ("All No Yes Other None.", "Nothing waiting.|Saved.|No complaints."),
    "a record's own dates and people, shown by its app and by the reports that read it": (
        "Created Date Deadline Month Time Today at by created date month time sent From To Who When Rows",
        "Acknowledge by|Acknowledged at|Resolve by|Resolved at|Done at|Due date|Signed on|Planned finish|Planned start"
        "|Actual finish|Actual start|acknowledge by|acknowledged at|confirmed at|done at|due date|planned finish"
        "|planned start|recorded at|recorded by|anonymised at|uploaded at|uploaded by|written by|sending since"
        "|last error|reminder sent|approved at|approved by|Approved by|escalated|received at",
    ),
    "a complaint's fields, shown by complaints, the front desk and the reports": (
        "Acknowledged Caller Category Channel Closed Description Severity channel comment Comment",
        "Caller name|caller name|Complaints registered|Major incidents|After-sale|On site|Online|Overdue|By team"
        "|what happened",
    ),
    "a project's phases and work, shown by projects and the reports": (
        "Actual Approved Design Done Draft Drawing Phase Schedule Overview History",
        "Assigned to|Inspection records",
    ),
    "a client's and a lead's fields, shown by clients, the front desk and the reports": (
        "Consultant Stage Satisfaction purpose source kind",
        "Lead created|Leads lost|Lost-lead analysis|Visit point|Amount (yuan)|satisfaction (1–5)",
    ),
    "team life (meetings, trainings), shown by meetings and the reports": (
        "Chair Member Owner Reason Topic Trainer member owner reason",
        "Company-wide|Team life",
    ),
    "generic field labels of one meaning": (
        "Count Phone Progress State Status Timeline action active address figures file name notes order phone role",
        "state|status|summary|title|version|file name|Forwarded to|message parameters|field",
    ),
    "a history row's state change (from → to)": ("from to field", "changed by"),
    "contract money, shown by the contract (clients), the project's money page and the receivables board": (
        "Due Outstanding Method Receivables",
        "Pay by|Received on|Received (yuan)|Total (yuan)|Approved changes|Current value|Becomes due",
    ),
    "the layout's own words, repeated by the apps' pages": (
        "Administration Breadcrumb",
        "Sign-in security|Notification settings",
    ),
    "the phone system's missed calls: the front desk's list and its figure's drill-down": ("Handled", "Missed calls"),
}


def _phrases(text: str) -> set[str]:
    return {p for p in text.split("|") if p}


# Reviewed (issue 13): short msgids shared by several files of ONE app, each meaning the same thing in all of
# them (a field's label on its form, its list column and its detail page). Two found with two senses got contexts
# ("Requested" as a date). A new sharing fails the test until it gets a context or is reviewed and listed here.
WITHIN_APP_REVIEWED = _phrases(
    "%(n)s h|%(n)s min|(none)|Absent|Address|All teams|Amount|Archive|Archived|Arrived|Assistant designers|"
    "Attended|Average|Average score|Borrowed by|Budget|Call log|Caller phone|Caller type|Cause|Cause analysis|"
    "Change password|Company|Complaint summary|Conclusions|Construction|Construction plan|Cooperation|"
    "Dashboard|Date from|Date until|Designers|Evaluations|Feedback|Final score|Forward|Handler|Held|Host|"
    "Important|Inspect|Item|Leader|Left|Log in|Logged by|Lost leads|Major incident|Meeting|Minutes|Name|"
    "Narrative|New crew|New lead|New training|None|Not matured|Not recorded|Notes|On leave|Party size|Photo|"
    "Pipeline|Place|Present|Preventive action|Quality|Quarter|Rating|Rectify|Registered at|Related project|"
    "Reopen|Requested by|Reset password|Resolve|Return budget|Safety|Save attendance|Score adjustment|"
    "Self-assessment|Shelf mark|Sign contract|Source|Subject|Summary|System|Take attendance|Target|Tidiness|"
    "Today's meeting|Topics|Trade|Training history|Value tier|Visitor|Visitor log|Waiting|Wanted by|WeChat id|"
    "What happened|When|Who|Whole company|Year|actual finish|actual start|client's feedback|client's notes|"
    "comments|construction method|cooperation|crew leader|deadline|document|done on|due|evaluated on|gate|held|"
    "helpers|late|message|on time|online link|overdue|phase|quality|safety|safety plan|schedule|signings|"
    "site tidiness|sort|stage|submitted|work done|"
    # Personal information (issue 19): a request's fields on its form, list and page; a log's detail column.
    "Answer by|Detail|Export approvals|Personal information|Received on|detail"
    # Reviewed at the merge of contract money, privacy and the phone system (issues 15, 16, 19).
    "|Days overdue|Incoming call|New caller|Note|Outcome|Outstanding (yuan)|Quantity|Rejected|amount (yuan)"
    "|because of|language|method|quantity|receipt number|received on|yuan"
    # WeCom (issue 18): the product's name on the admin's fieldset and the settings' column; "person" a row's owner.
    "|WeCom|person"
    # Reviewed with the group robots (issue 18): the settings page's name (menu, list, page) and its section.
    "|Group robot|Team settings"
)
SAME_SENSE = {
    msgid: reason
    for reason, (words, phrases) in SAME_SENSE_GROUPS.items()
    for msgid in words.split() + [p for p in phrases.split("|") if p]
}


def record_names():
    """A model's or a role's own name ("Client", "complaints", "Designer") is one thing in every app."""
    with translation.override("en"):
        names = {str(n) for m in apps.get_models() for n in (m._meta.verbose_name, m._meta.verbose_name_plural)}
        names |= {str(label) for label in Role.labels}
    return {n.lower() for n in names}


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


def uses(where=_scope):
    """{(context, msgid): {app, ...}} for every translated string in the product's source
    (``where`` = the file itself: which files use it)."""
    found = defaultdict(set)
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                for key in _py_uses(path):
                    found[key].add(where(path))
    for path in (ROOT / "templates").rglob("*.html"):
        for key in _template_uses(path):
            found[key].add(where(path))
    return found


def _file(path):
    return str(path.relative_to(ROOT))


def is_short(msgid):
    return len(msgid.split()) <= 2


def allowed(msgid):
    return msgid in SAME_SENSE or msgid.lower() in record_names()


def test_extraction_sees_templates_python_and_contexts():
    found = uses()
    assert found[(None, "Log out")] == {"layout"}, "a template tag"
    assert "clients" in found[(None, "Visit point")], "a gettext_lazy call in Python"
    assert found[("dates", "Planned")] >= {"clients", "projects"}, "a template tag with a context"
    assert "meetings" in found[("action item", "action")], "a pgettext_lazy call in Python"


def test_a_short_msgid_shared_by_apps_has_a_context():
    shared = {
        msgid: sorted(apps)
        for (context, msgid), apps in uses().items()
        if context is None and is_short(msgid) and len(apps) > 1 and not allowed(msgid)
    }
    assert shared == {}, "give each sense a pgettext context, or add the msgid to SAME_SENSE_GROUPS with a reason"


def test_the_allow_list_has_no_stale_entries():
    shared = {msgid for (context, msgid), apps in uses().items() if context is None and len(apps) > 1}
    assert sorted(set(SAME_SENSE) - shared) == []


def test_a_short_msgid_shared_by_files_has_a_context():
    shared = {
        msgid: sorted(files)
        for (context, msgid), files in uses(_file).items()
        if context is None and is_short(msgid) and len(files) > 1
        if not allowed(msgid) and msgid not in WITHIN_APP_REVIEWED
    }
    assert shared == {}, "give each sense a pgettext context, or review it and add it to WITHIN_APP_REVIEWED"


def test_the_within_app_list_has_no_stale_entries():
    shared = {msgid for (context, msgid), files in uses(_file).items() if context is None and len(files) > 1}
    assert sorted(WITHIN_APP_REVIEWED - shared) == []
