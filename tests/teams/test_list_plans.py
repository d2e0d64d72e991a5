"""The big lists read through indexes: PostgreSQL's plan for each role's default list, each offered sort and
each search of the complaint, call and client lists, and the team board's counts, have no sequential scan over
those tables (issue 14).

One set of rows for the module (20,000 clients, complaints, calls and projects with their designers,
assistants, drawing tasks and site logs, in one transaction rolled back at the end), then ANALYZE, then
``EXPLAIN (FORMAT JSON)`` of the very queries the pages run (selector + FilterSet + the first page's slice; the
board's SELECTs as captured from a request), with whole-table reads discouraged (``enable_seqscan``, then also
``enable_indexscan`` off, which leaves bitmap index reads): a Seq Scan, or an index walked whole while
filtering, left in the plan means no index can serve the query's filter. (At 300,000 complaints the planner
picks these indexes on its own: measured by hand, each page well under 100 ms.)"""

import datetime as dt
import json
import random

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.http import QueryDict
from django.test import Client as BrowserClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.filters import ClientFilter
from clients.models import Client
from clients.search import search_keys
from complaints import selectors as complaint_selectors
from complaints.filters import ComplaintFilter
from complaints.models import Complaint
from projects.models import DrawingTask, Project, SiteLog
from reception import selectors as reception_selectors
from reception.filters import CallFilter
from reception.models import Call
from teams.models import Team, User
from teams.roles import Role

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="query plans and the pg_trgm indexes they use are PostgreSQL's; SQLite scans by design",
)

ROWS = 20_000
TEAMS = 10
BIG = {
    "complaints_complaint",
    "reception_call",
    "clients_client",
    "projects_project",
    "projects_project_designers",
    "projects_project_assistants",
    "projects_drawingtask",
    "projects_sitelog",
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def _name(r):
    return r.choice(SURNAMES) + r.choice(GIVEN) + r.choice(GIVEN)


def _phone(n):
    return f"13{n % 10}{(n * 7919) % 100_000_000:08d}"


def _people(team_rows):
    users = []
    for i, team in enumerate(team_rows):
        for role in (Role.CONSULTANT, Role.DESIGNER, Role.ASSISTANT_DESIGNER, Role.PROJECT_MANAGER):
            users.append(User(username=f"plan-{role}-{i}", full_name=f"{role}{i}", role=role, team=team))
    users += [User(username=f"plan-desk-{i}", full_name=f"前台{i}", role=Role.FRONT_DESK) for i in range(2)]
    users.append(User(username="plan-gm", full_name="副总", role=Role.DEPUTY_GM))
    return User.objects.bulk_create(users)


def _build():
    r = random.Random(14)
    now = timezone.now()
    team_rows = Team.objects.bulk_create([Team(name=f"计划{i}组") for i in range(TEAMS)])
    people = _people(team_rows)
    members = [u for u in people if u.team_id]
    desks = [u for u in people if u.role == Role.FRONT_DESK]
    clients = []
    for n in range(ROWS):
        name, phone = _name(r), _phone(n)
        created = now - dt.timedelta(minutes=37 * n)
        clients.append(
            Client(
                name=name,
                phone=phone,
                team=team_rows[n % TEAMS],
                stage=r.choice(Client.Stage.values),
                value_tier=r.choice(["A", "B", "C", ""]),
                created_at=created,
                stage_changed_at=created + dt.timedelta(days=r.randint(0, 30)),
                **search_keys(name=name, phone=phone),
            )
        )
    clients = Client.objects.bulk_create(clients, batch_size=2000)
    complaints = []
    for n, client in enumerate(clients):
        registered = now - dt.timedelta(minutes=41 * n)
        team_members = [u for u in members if u.team_id == client.team_id]
        complaints.append(
            Complaint(
                client=client,
                caller_name=client.name,
                caller_phone=client.phone,
                team_id=client.team_id,
                registered_by=r.choice(desks),
                handler=r.choice(team_members),
                category=r.choice(Complaint.Category.values),
                severity=Complaint.Severity.MAJOR if n % 40 == 0 else Complaint.Severity.NORMAL,
                state=r.choice(Complaint.State.values),
                description=f"第{n}号：{r.choice(['墙砖空鼓', '吊顶开裂', '地板起拱', '水管渗漏'])}，业主要求尽快处理",
                registered_at=registered,
                ack_due_at=registered + dt.timedelta(minutes=30),
                resolve_due_at=registered + dt.timedelta(days=3),
            )
        )
    complaints = Complaint.objects.bulk_create(complaints, batch_size=2000)
    helpers = Complaint.helpers.through
    helpers.objects.bulk_create(
        [helpers(complaint_id=c.pk, user_id=r.choice(members).pk) for c in complaints[::10]], batch_size=2000
    )
    calls = []
    for n, client in enumerate(clients):
        forwarded = n % 5 == 0
        calls.append(
            Call(
                called_at=now - dt.timedelta(minutes=23 * n),
                caller_name=client.name,
                phone=client.phone,
                caller_type=r.choice(Call.CallerType.values),
                purpose=r.choice(["咨询工期", "预约量房", "投诉噪音", "询问报价"]),
                summary=f"来电{n}：{r.choice(['问进度', '改时间', '要发票'])}",
                client=client,
                logged_by=r.choice(desks),
                forward_team_id=client.team_id if forwarded else None,
                forwarded_at=now if forwarded else None,
            )
        )
    Call.objects.bulk_create(calls, batch_size=2000)
    _projects(r, clients, members, now)
    with connection.cursor() as cursor:
        # Every table, the empty ones too: statistics left by earlier tests' rows mislead the planner.
        cursor.execute("ANALYZE")
    by_role = {}
    for user in people:
        by_role.setdefault(user.role, user)
    return {"people": by_role, "clients": clients}


def _projects(r, clients, members, now):
    """A project per client, run by its team: a PM, a designer and an assistant each, two drawing tasks
    (most delivered, a few open and due around today), site logs for those under construction."""
    by_team: dict[int, dict[str, list[User]]] = {}
    for user in members:
        by_team.setdefault(user.team_id, {}).setdefault(user.role, []).append(user)
    today = timezone.localdate()
    projects = Project.objects.bulk_create(
        [
            Project(
                name=f"项目{n}",
                client=client,
                team_id=client.team_id,
                project_manager=by_team[client.team_id][Role.PROJECT_MANAGER][0],
                phase=r.choice(Project.Phase.values),
                created_at=now - dt.timedelta(minutes=41 * n),
            )
            for n, client in enumerate(clients)
        ],
        batch_size=2000,
    )
    people = [by_team[p.team_id] for p in projects]
    for field, role in (("designers", Role.DESIGNER), ("assistants", Role.ASSISTANT_DESIGNER)):
        through = getattr(Project, field).through
        through.objects.bulk_create(
            [through(project_id=p.pk, user_id=team[role][0].pk) for p, team in zip(projects, people, strict=True)],
            batch_size=2000,
        )
    drawings, logs = [], []
    for n, (project, team) in enumerate(zip(projects, people, strict=True)):
        for k in range(2):
            deadline = today - dt.timedelta(days=r.randint(-30, 900))
            delivered = None if deadline > today - dt.timedelta(days=3) and n % 7 == 0 else now
            drawings.append(
                DrawingTask(
                    project=project,
                    kind=DrawingTask.Kind.RENDERING,
                    title=f"效果图{k}",
                    assignee=team[Role.ASSISTANT_DESIGNER][0],
                    deadline=deadline,
                    delivered_at=delivered,
                )
            )
        if project.phase == Project.Phase.CONSTRUCTION:
            pm = team[Role.PROJECT_MANAGER][0]
            days = [today] if n % 3 else []
            days += [today - dt.timedelta(days=d) for d in range(1, 4)]
            logs += [SiteLog(project=project, date=day, author=pm, work_done="水电开槽") for day in days]
    DrawingTask.objects.bulk_create(drawings, batch_size=2000)
    SiteLog.objects.bulk_create(logs, batch_size=2000)


@pytest.fixture(scope="module")
def big(django_db_setup, django_db_blocker):
    """The rows, built once for the module inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build()
        transaction.set_rollback(True)


@pytest.fixture
def explain(big, django_db_blocker):
    def _whole_reads(plan) -> list[str]:
        found, stack = [], [plan[0]["Plan"]]
        while stack:
            node = stack.pop()
            table = node.get("Relation Name")
            if table in BIG and node["Node Type"] == "Seq Scan":
                found.append(f"Seq Scan on {table}: {node.get('Filter', '')}")
            # An index walked in order for an unfiltered first page is fine; walked whole to filter, it is not.
            elif table in BIG and "Index Cond" not in node and "Filter" in node and "Index" in node["Node Type"]:
                found.append(f"{node['Node Type']} {node['Index Name']} on {table} filtering: {node['Filter']}")
            stack.extend(node.get("Plans", []))
        return found

    def _scans(page, *args) -> list[str]:
        """The big tables the plan of the queryset ``page(*args)`` (or of the SQL ``page`` when a string)
        reads whole: by a sequential scan, or by walking a whole index while filtering each row (a scan in
        disguise).

        At 20,000 rows a table fits in a few hundred pages and reading it whole can be the cheapest plan,
        where at 300,000 it is not. So the planner is first told to avoid sequential scans, then, if it
        still reads a table whole, plain index scans too (bitmap index reads remain): it plans a whole read
        (at a prohibitive cost) only where no index can serve the query's filter."""
        with django_db_blocker.unblock():
            sql, params = (page, None) if isinstance(page, str) else page(*args).query.sql_with_params()
            with connection.cursor() as cursor:
                for off in (["enable_seqscan"], ["enable_seqscan", "enable_indexscan"]):
                    for name in off:
                        cursor.execute(f"SET LOCAL {name} = off")
                    cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
                    (plan,) = cursor.fetchone()
                    for name in off:
                        cursor.execute(f"SET LOCAL {name} = on")
                    found = _whole_reads(json.loads(plan) if isinstance(plan, str) else plan)
                    if not found:
                        break
        return found

    return _scans


def _complaint_page(user, query="", scope=None):
    scope = scope or complaint_selectors.default_scope(user)
    qs = complaint_selectors.complaint_list(user=user, scope=scope)
    return ComplaintFilter(QueryDict(query), queryset=qs, user=user).qs[:25]


def _call_page(user, query=""):
    return CallFilter(QueryDict(query), queryset=reception_selectors.call_list(user=user)).qs[:25]


def _client_page(user, query=""):
    qs = Client.objects.visible_to(user).select_related("team", "consultant", "archive")
    return ClientFilter(QueryDict(query), queryset=qs).qs[:25]


ROLES = (Role.FRONT_DESK, Role.PROJECT_MANAGER, Role.DESIGNER, Role.ASSISTANT_DESIGNER, Role.CONSULTANT, Role.DEPUTY_GM)


@pytest.mark.parametrize("role", ROLES)
def test_each_roles_default_complaint_list_reads_by_index(role, big, explain):
    """Front desk: what it registered; PM, designer, assistant: "mine" (a UNION, no OR + DISTINCT); the
    consultant: the team; the deputy GM: all."""
    assert explain(_complaint_page, big["people"][role]) == []


COMPLAINT_QUERIES = [
    "ordering=registered_at",
    "ordering=-registered_at",
    "ordering=severity",
    "ordering=-severity",
    "ordering=resolve_due_at",
    "ordering=-resolve_due_at",
    "state=closed&ordering=resolve_due_at",
    "severity=major",
    "q=墙砖空鼓",
    "q=吊顶开裂业主",
    "q=13912345",
    "q=%23123",
    "registered_from=2026-01-05&registered_to=2026-01-06",
]


@pytest.mark.parametrize("query", COMPLAINT_QUERIES)
@pytest.mark.parametrize("role", (Role.DEPUTY_GM, Role.CONSULTANT, Role.PROJECT_MANAGER))
def test_complaint_sorts_and_searches_read_by_index(role, query, big, explain):
    assert explain(_complaint_page, big["people"][role], query) == []


@pytest.mark.parametrize("query", ["", "q=问进度", "q=预约量房", "q=13912345", "q=王伟芳", "date=2026-01-05"])
@pytest.mark.parametrize("role", (Role.FRONT_DESK, Role.CONSULTANT))
def test_call_log_default_and_search_read_by_index(role, query, big, explain):
    """Over every call the front desk logged: search by caller, number, purpose or summary, and a day."""
    assert explain(_call_page, big["people"][role], query) == []


CLIENT_QUERIES = [
    "",
    "o=created",
    "o=-created",
    "o=name",
    "o=-name",
    "o=moved",
    "o=-moved",
    "o=tier",
    "o=-tier",
    "q=王伟芳",
    "q=wangwei",
    "q=139 1234",
    "created_after=2026-01-05&created_before=2026-01-06",
]


@pytest.mark.parametrize("query", CLIENT_QUERIES)
@pytest.mark.parametrize("role", (Role.DEPUTY_GM, Role.CONSULTANT))
def test_client_list_sorts_and_searches_read_by_index(role, query, big, explain):
    assert explain(_client_page, big["people"][role], query) == []


def test_client_phone_search_finds_the_stored_digits_however_typed(big, django_db_blocker):
    """The list's phone search reads the normalised ``phone_digits`` (its trigram index), so a number typed
    with +86 and spaces is found."""
    gm = big["people"][Role.DEPUTY_GM]
    client = big["clients"][123]
    typed = f"+86 {client.phone[:3]} {client.phone[3:7]} {client.phone[7:]}"
    with django_db_blocker.unblock():
        assert client.pk in set(_client_page(gm, f"q={typed.replace('+', '%2B')}").values_list("pk", flat=True))


def test_mine_is_what_the_person_handles_helps_with_or_registered(big, django_db_blocker):
    """The UNION gives the same rows as the OR it replaced, within what the person may see."""
    pm = big["people"][Role.PROJECT_MANAGER]
    with django_db_blocker.unblock():
        mine = set(complaint_selectors.complaint_list(user=pm, scope="mine").values_list("pk", flat=True))
        expected = set(
            Complaint.objects.visible_to(pm)
            .filter(Q(handler=pm) | Q(helpers=pm) | Q(registered_by=pm))
            .values_list("pk", flat=True)
        )
    assert mine == expected and mine


def test_the_check_sees_a_filter_no_index_serves(big, explain):
    """The negative control: what the client asks for (``demand``) has no index, so searching it reads the
    whole table, and the check says so."""
    gm = big["people"][Role.DEPUTY_GM]
    found = explain(lambda: Complaint.objects.visible_to(gm).filter(demand__icontains="上门")[:25])
    assert found and "complaints_complaint" in found[0]


def _board_selects(user, django_db_blocker) -> list[str]:
    """The SELECTs of the team board as ``user`` sees it (today's meeting already made by a first visit)."""
    browser = BrowserClient()
    with django_db_blocker.unblock():
        browser.force_login(user)
        assert browser.get(reverse("meetings:board")).status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            assert browser.get(reverse("meetings:board")).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]


@pytest.mark.parametrize(
    "role", (Role.CONSULTANT, Role.PROJECT_MANAGER, Role.DESIGNER, Role.ASSISTANT_DESIGNER, Role.DEPUTY_GM)
)
def test_team_board_counts_read_by_index(role, big, explain, django_db_blocker):
    """What each member has due today — complaints, follow-up visits, drawing tasks, missing site logs — and
    the rest of the board, within what the viewer may see: each read from an index (the projects a designer,
    assistant or PM works on are a UNION of three index reads, not an OR across two joins with DISTINCT)."""
    selects = _board_selects(big["people"][role], django_db_blocker)
    assert len(selects) >= 8
    assert [found for sql in selects for found in explain(sql)] == []


def test_assigned_projects_are_those_designed_assisted_or_managed(big, django_db_blocker):
    """The UNION gives the same projects as the OR across the joins it replaced."""
    designer = big["people"][Role.DESIGNER]
    with django_db_blocker.unblock():
        Project.assistants.through.objects.create(
            project_id=Project.objects.exclude(team=designer.team).first().pk, user_id=designer.pk
        )
        assigned = set(Project.objects.assigned_to(designer).values_list("pk", flat=True))
        expected = set(
            Project.objects.filter(Q(designers=designer) | Q(assistants=designer) | Q(project_manager=designer))
            .distinct()
            .values_list("pk", flat=True)
        )
    assert assigned == expected and len(assigned) > 1
