"""Company-scale data for the benchmark: ``manage.py seed_scale --scale N`` (N = clients, bench.settings).

At N = 100,000: 20 teams and ~300 staff (bench/scale_staff.py), then 100,000 clients, ~60,000 contracts
and projects (designers, assistants, PM, drawing tasks, schedule phases, inspections, site logs), 300,000
complaints with 1,000,000 timeline events, 500,000 follow-up visits, 1,000,000 calls, 100,000 office visits,
five years of daily meetings (attendance, action items), trainings, lost-lead reports and, when the model
exists, target cards. Everything scales with N.

How it goes in: on PostgreSQL each table is one ``COPY … FROM STDIN`` fed by a generator (Python builds
rows while the server ingests the previous chunk), explicit primary keys, sequences reset afterwards,
``ANALYZE`` at the end. On SQLite (the smoke test) rows go through ``bulk_create``.

**One place per table**: ``TABLES`` below maps a model to the columns its generator yields (model
attnames, in order) and the generator. When a model gains a NOT NULL field:
- with a Django default (or a blank-able text field) nothing needs doing: the constant is filled in;
- otherwise add the column to the table's ``columns`` and yield a value for it in its generator.
Tables marked ``optional`` are skipped (with a message) when their model or a column does not exist.
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from clients.search import search_keys

# ---------------------------------------------------------------------------------------------------------
# Volumes per 100,000 clients (the company scale). Everything is multiplied by N / 100,000.
PER_CLIENT = {
    "complaints": 3.0,
    "complaint_events": 10.0,  # 1,000,000 timeline events for 300,000 complaints
    "followup_visits": 5.0,
    "calls": 10.0,
    "office_visits": 1.0,
}
YEARS = 5
# Meeting history: five years at N >= 100,000, proportionally fewer days below (at least 20 days).
FULL_SCALE = 100_000
# PostgreSQL: disable FK triggers during COPY above this scale (the generator builds consistent keys; the
# smoke test runs below it, so the database checks every key there).
FAST_COPY_MIN_SCALE = 10_000

# Timeline actions written by the complaint services (complaints/services.py): keep in step with them.
COMPLAINT_ACTIONS = {
    "register": "register",
    "acknowledge": "acknowledge",
    "start": "start",
    "resolve": "resolve",
    "confirm": "confirm",
    "close": "close",
    "comment": "comment",
}

COMPETITORS = ["业之峰", "东易日盛", "金螳螂家", "土巴兔", "齐家网", "小型工作室"]
CAUSES = {  # complaint category → likely cause (complaints.Complaint.Cause), required to resolve
    "design": "design_flaw",
    "quality": "workmanship",
    "schedule": "process",
    "attitude": "communication",
    "materials": "material_defect",
    "after_sale": "workmanship",
    "other": "expectation",
}
RESOLUTIONS = ["已安排返工并复查合格", "已更换材料，客户确认", "项目经理上门说明并调整工期", "已赔付并致歉"]
DISTRICTS = [
    "静安区",
    "浦东新区",
    "徐汇区",
    "长宁区",
    "普陀区",
    "虹口区",
    "杨浦区",
    "闵行区",
    "宝山区",
    "嘉定区",
    "松江区",
    "青浦区",
]
ESTATES = [
    "阳光花园",
    "锦绣江南",
    "世纪华庭",
    "翠湖天地",
    "滨江一号",
    "春申景城",
    "万科城市花园",
    "绿地新都会",
    "中远两湾城",
    "仁恒河滨城",
    "古北国际花园",
    "莘庄花苑",
    "新梅共和城",
    "碧云花园",
    "御景园",
    "金地格林春岸",
    "东方曼哈顿",
    "瑞虹新城",
    "大华锦绣华城",
    "融侨新城",
]
COMPLAINT_TEXT = {
    "design": ["效果图与实际施工效果不符", "设计方案多次修改仍不满意", "衣柜尺寸设计错误，无法安装", "灯位设计不合理"],
    "quality": ["卫生间墙面瓷砖空鼓", "客厅地板起拱", "墙面乳胶漆开裂", "厨房下水管渗水", "吊顶出现裂缝"],
    "schedule": ["工期延误两周仍未完工", "水电阶段停工三天无人施工", "约定的开工日期一再推迟"],
    "attitude": ["项目经理电话长期不接", "工人在现场吸烟且态度恶劣", "设计师答复敷衍"],
    "materials": ["到货地板颜色与样板不一致", "橱柜门板有划伤", "瓷砖批次色差明显", "五金件型号与合同不符"],
    "after_sale": ["入住后门窗密封不严漏风", "保修期内报修无人上门", "卫生间防水失效，楼下渗水"],
    "other": ["对结算金额有异议", "邻居投诉施工噪音", "垃圾清运不及时"],
}
COMPLAINT_TAILS = ["，要求尽快处理。", "，客户情绪较激动。", "，已是第二次反映。", "，希望给出明确答复。", "。"]
DEMANDS = ["要求返工", "要求赔偿损失", "要求更换材料", "要求项目经理上门说明", "要求给出整改时间表", ""]
CALL_PURPOSES = {
    "client": ["咨询施工进度", "预约量房", "反映质量问题", "询问回访安排", "修改设计方案", "咨询付款节点"],
    "prospect": ["咨询装修报价", "了解套餐价格", "预约到店", "询问设计师档期", "咨询旧房翻新"],
    "supplier": ["确认送货时间", "对账", "材料到货通知", "安装排期确认"],
    "other": ["推销电话", "应聘咨询", "物业通知", "打错电话"],
}
VISIT_POINTS = [  # follow-up visits planned when a contract is signed: (point, days after signing)
    ("设计方案确认回访", 20),
    ("开工回访", 45),
    ("水电验收回访", 70),
    ("泥木阶段回访", 100),
    ("油漆阶段回访", 125),
    ("竣工回访", 150),
    ("入住三个月回访", 240),
    ("保修期满回访", 880),
]
OUTCOMES = ["客户满意，无其他意见", "客户对进度满意，提出增加插座", "客户反映噪音问题，已转项目经理", "客户表示满意"]
PHASE_KINDS = [
    "demolition",
    "plumbing_electrical",
    "masonry_tiling",
    "carpentry",
    "painting",
    "installation",
    "cleaning",
]
WEATHER = ["晴", "多云", "阴", "小雨", "大雨", "晴转多云"]
WORK_DONE = ["水电开槽布管", "卫生间闭水试验", "客厅墙地砖铺贴", "吊顶龙骨安装", "墙面批嵌打磨", "橱柜安装", "开荒保洁"]
PROBLEMS = ["", "", "", "材料晚到半天", "业主要求调整插座位置", "邻居反映噪音"]
TRAININGS = [
    "客户沟通技巧",
    "施工工艺标准",
    "投诉处理流程",
    "消防安全培训",
    "新材料介绍",
    "设计软件培训",
    "合同与报价规范",
]
ACTIONS = [
    "跟进{}家水电验收",
    "回访{}客户满意度",
    "确认{}项目材料到货",
    "整理本周单源表",
    "催办{}家效果图",
    "协调{}家工期",
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玲飞鹏辉宇浩晨佳琳雪梅斌波峰亮"
PREFIXES = ["138", "139", "137", "136", "135", "150", "151", "158", "186", "188", "177", "199"]

DAY = 86400
SHANGHAI = 8 * 3600
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


# ---------------------------------------------------------------------------------------------------------
@dataclass
class Table:
    columns: tuple  # model attnames the generator yields, in this order (the primary key "id" first)
    rows: object  # generator function (Seeder) -> iterable of tuples
    optional: bool = False  # a model other engineers are adding: skip when it or a column is missing
    after: object = None  # (Seeder) -> None, run once the table is loaded (keys pointing back at it)


def _t(*columns, rows, optional=False, after=None):
    return Table(columns=tuple(columns), rows=rows, optional=optional, after=after)


class Seeder:
    """Shared state between the generators: ids, teams, staff and what later tables refer to."""

    def __init__(self, ctx, seed):
        self.ctx = ctx
        self.seed = seed
        self.scale = ctx.scale
        self.now = int(ctx.now.timestamp())
        self.today = ctx.today
        self.span = YEARS * 365 * DAY
        self.start_ids = {}
        self.counts = {}

    # -- helpers -------------------------------------------------------------------------------------------
    def rng(self, label):
        """A generator per table: adding a table or a column elsewhere does not change this table's data."""
        return random.Random(f"{self.seed}:{label}")

    def n(self, key):
        return max(1, round(self.scale * PER_CLIENT[key]))

    def past(self, r, k=1.25):
        """A moment in the last five years, volume rising towards today."""
        return self.now - int(self.span * r.random() ** k)

    @staticmethod
    def work_time(r, ts):
        """Same local (Shanghai) day as ts, between 09:00 and 18:00."""
        day = (ts + SHANGHAI) // DAY
        return day * DAY - SHANGHAI + 9 * 3600 + r.randrange(9 * 3600)

    def capped(self, r, start, lo, hi):
        """start + random(lo..hi) seconds, but never in the future."""
        t = start + lo + r.randrange(max(1, hi - lo))
        if t >= self.now:
            t = start + int((self.now - start) * r.uniform(0.1, 0.9))
        return t

    @staticmethod
    def dt(ts):
        return datetime.fromtimestamp(ts, UTC)

    @staticmethod
    def d(ts):
        return date.fromordinal(EPOCH_ORDINAL + (ts + SHANGHAI) // DAY)

    @staticmethod
    def name(r):
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2))))

    @staticmethod
    def mobile(r):
        return r.choice(PREFIXES) + f"{r.randrange(10**8):08d}"

    @staticmethod
    def address(r):
        return (
            f"上海市{r.choice(DISTRICTS)}{r.choice(ESTATES)}{r.randint(1, 40)}号{r.randint(1, 30)}0{r.randint(1, 4)}室"
        )

    def next_id(self, label):
        return self.start_ids[label]


# ---------------------------------------------------------------------------------------------------------
# Generators, in dependency order. Each yields tuples in the order of its Table.columns.


def gen_clients(s):
    r = s.rng("clients")
    stages_pipeline = ["contacted", "measured", "proposal", "quoted"]
    sources = ["hotline", "walk_in", "referral", "online", "event", "other"]
    source_w = [30, 20, 20, 20, 7, 3]
    pk = s.next_id("clients.Client")
    s.clients = []  # (pk, team index, created ts, name, phone, stage)
    for _ in range(s.scale):
        team = r.randrange(len(s.team_ids))
        created = s.work_time(r, s.past(r))
        age = (s.now - created) / DAY
        x = r.random()
        if age > 120:
            stage = "signed" if x < 0.64 else "lost" if x < 0.95 else r.choice(stages_pipeline)
        elif age > 30:
            stage = "signed" if x < 0.4 else "lost" if x < 0.55 else r.choice(stages_pipeline)
        else:
            stage = "new" if x < 0.3 else "signed" if x < 0.35 else "lost" if x < 0.4 else r.choice(stages_pipeline)
        if stage == "signed" and created + 8 * DAY > s.now:
            stage = "quoted"
        name, phone = s.name(r), s.mobile(r)
        lost = s.capped(r, created, 10 * DAY, 120 * DAY) if stage == "lost" else None
        # The stage moved last when lost, when signed (about a month in) or along the pipeline.
        changed = lost or (
            s.capped(r, created, 7 * DAY, 60 * DAY) if stage == "signed" else s.capped(r, created, 0, 20 * DAY)
        )
        s.clients.append((pk, team, created, name, phone, stage))
        yield (
            pk,
            name,
            phone,
            s.team_ids[team],
            s.staff[team]["consultant"][0],
            stage,
            r.choices(sources, source_w)[0],
            r.choice("AABBBBBCCC"),
            s.dt(created),
            s.dt(lost) if lost else None,
            r.choice(stages_pipeline) if lost else "",
            r.choice(COMPETITORS) if lost and r.random() < 0.6 else "",
            s.dt(changed),
            *search_keys(name=name, phone=phone).values(),
        )
        pk += 1


def gen_contracts(s):
    r = s.rng("contracts")
    pk = s.next_id("clients.Contract")
    s.contracts = []  # (contract pk, client index, team index, signed ts)
    s.contract_amount = {}  # contract pk → construction amount (the payment stages split it)
    for index, (_cpk, team, created, _n, _p, stage) in enumerate(s.clients):
        if stage != "signed":
            continue
        signed = s.capped(r, created, 7 * DAY, 60 * DAY)
        number = f"HT{s.d(signed).year}-{pk:07d}"
        if number in s.taken_contract_numbers:
            number += "S"
        s.contracts.append((pk, index, team, signed))
        design_fee = Decimal(f"{r.randrange(3, 30) * 1000}.00")
        amount = Decimal(f"{r.randrange(60, 600) * 1000 + r.randrange(100) * 10}.00")
        s.contract_amount[pk] = amount
        yield (
            pk,
            number,
            s.clients[index][0],
            s.team_ids[team],
            s.d(signed),
            design_fee,
            amount,
            s.staff[team]["consultant"][0],
            s.dt(signed),
        )
        pk += 1


def gen_projects(s):
    r = s.rng("projects")
    pk = s.next_id("projects.Project")
    s.projects = []  # (pk, team, signed, actual_start, finish, pm, designer, client index)
    s.project_of_client = {}
    for cpk, index, team, signed in s.contracts:
        client = s.clients[index]
        days = (s.now - signed) // DAY
        start_p = signed + 40 * DAY
        finish_p = start_p + 100 * DAY
        if days < 40:
            phase, start_a, finish_a = "design", None, None
        else:
            start_a = min(s.now, start_p + r.randrange(-3, 8) * DAY)
            finish = finish_p + r.randrange(-5, 25) * DAY
            finish_a = finish if finish < s.now else None
            if finish_a is None:
                phase = "construction"
            elif s.now - finish_a < 60 * DAY:
                phase = "completed"
            elif s.now - finish_a < 730 * DAY:
                phase = "warranty"
            else:
                phase = "closed"
        pm = r.choice(s.staff[team]["project_manager"])
        designer = r.choice(s.staff[team]["designer"])
        s.projects.append((pk, team, signed, start_a, finish_a, pm, designer, index))
        s.project_of_client[index] = len(s.projects) - 1
        yield (
            pk,
            f"{client[3][0]}宅 · {r.choice(ESTATES)}",
            client[0],
            cpk,
            s.team_ids[team],
            s.address(r),
            pm,
            phase,
            s.d(start_p),
            s.d(finish_p),
            s.d(start_a) if start_a else None,
            s.d(finish_a) if finish_a else None,
            s.dt(signed),
        )
        pk += 1


# Contract money: 首期 due at signing, 中期 at the plumbing & electrical inspection (about a month into
# the works), 尾款 at completion; most old stages paid, recent ones partly or not (overdue at every age).
STAGE_PLAN = [
    ("首期", Decimal("0.30"), "signing", 3),
    ("中期", Decimal("0.60"), "phase", 7),
    ("尾款", Decimal("0.10"), "completion", 7),
]
RECEIPT_METHODS = ["bank", "bank", "wechat", "alipay", "card"]


def gen_payment_stages(s):
    r = s.rng("payment_stages")
    pk = s.next_id("clients.PaymentStage")
    s.stages = []  # (stage pk, contract pk, team index, due ts, received amount, paid in full)
    for (_project_pk, team, signed, start_a, finish_a, *_rest), (cpk, *_c) in zip(s.projects, s.contracts, strict=True):
        amount = s.contract_amount[cpk]
        triggers = [signed, start_a + 30 * DAY if start_a and start_a + 30 * DAY < s.now else None, finish_a]
        for order, (name, share, trigger, days) in enumerate(STAGE_PLAN):
            value = (amount * share).quantize(Decimal("0.01"))
            happened = triggers[order]
            due = happened + days * DAY if happened is not None else None
            received = Decimal(0)
            if due is not None:
                age = (s.now - due) / DAY
                x = r.random()
                if age > 60 and x < 0.97 or age <= 60 and x < 0.7:
                    received = value
                elif x < (0.985 if age > 60 else 0.85):
                    received = (value / 2).quantize(Decimal("0.01"))
            s.stages.append((pk, cpk, team, due, received, received == value and value > 0))
            yield (
                pk,
                cpk,
                name,
                value,
                order,
                trigger,
                days,
                s.d(happened) if happened is not None else None,
                s.d(due) if due is not None else None,
                received,
                s.d(min(due, s.now)) if received == value and due is not None else None,
            )
            pk += 1


def gen_receipts(s):
    r = s.rng("receipts")
    pk = s.next_id("clients.Receipt")
    for stage_pk, cpk, team, due, received, _full in s.stages:
        if not received:
            continue
        on = max(due - r.randrange(0, 6) * DAY, due - 6 * DAY)
        on = min(on, s.now)
        yield (
            pk,
            cpk,
            stage_pk,
            "receipt",
            received,
            s.d(on),
            r.choice(RECEIPT_METHODS),
            f"SK{pk:010d}",
            s.staff[team]["consultant"][0],
            s.dt(on),
        )
        pk += 1


CHANGE_ITEMS = [("吊顶增加", "m²", 260), ("墙面防水加高", "m²", 85), ("增加插座", "个", 60), ("取消墙纸", "m²", 45)]


def gen_change_orders(s):
    r = s.rng("change_orders")
    pk = s.next_id("projects.ChangeOrder")
    s.change_orders = []  # (pk, [(kind, description, unit, quantity, price)])
    for (project_pk, team, _signed, start_a, *_rest), (cpk, *_c) in zip(s.projects, s.contracts, strict=True):
        if start_a is None or r.random() > 0.3:
            continue
        lines = []
        for description, unit, price in r.sample(CHANGE_ITEMS, 2):
            kind = "reduction" if description.startswith("取消") else "addition"
            lines.append((kind, description, unit, Decimal(r.randrange(2, 30)), Decimal(price)))
        total = sum((q * p * (-1 if k == "reduction" else 1) for k, _d, _u, q, p in lines), Decimal(0))
        approved = start_a + r.randrange(5, 40) * DAY
        done = approved < s.now
        consultant = s.staff[team]["consultant"][0]
        s.change_orders.append((pk, lines))
        yield (
            pk,
            project_pk,
            cpk,
            f"BG{pk:010d}",
            "现场增减项",
            "site_finding",
            "拆除后发现原顶面不平",
            Decimal(total).quantize(Decimal("0.01")),
            "approved" if done else "draft",
            consultant,
            s.dt(start_a),
            s.d(approved) if done else None,
            "业主" if done else "",
            "change_orders/bench.pdf" if done else "",
            consultant if done else None,
            s.dt(approved) if done else None,
        )
        pk += 1


def gen_change_order_lines(s):
    pk = s.next_id("projects.ChangeOrderLine")
    for order_pk, lines in s.change_orders:
        for kind, description, unit, quantity, price in lines:
            yield (pk, order_pk, kind, description, unit, quantity, price)
            pk += 1


def contracts_take_approved_changes(s):
    """Each contract's approved changes = its approved change orders added up (what the approval does)."""
    from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    from clients.models import Contract
    from projects.models import ChangeOrder

    totals = (
        ChangeOrder.objects.filter(contract_id=OuterRef("pk"), status="approved")
        .order_by()
        .values("contract_id")
        .annotate(t=Sum("total"))
        .values("t")
    )
    with transaction.atomic():
        Contract.objects.filter(change_orders__pk__gte=s.next_id("projects.ChangeOrder")).update(
            approved_changes=Coalesce(Subquery(totals), Value(Decimal(0)), output_field=DecimalField())
        )


def gen_project_designers(s):
    r = s.rng("designers")
    pk = s.next_id("projects.Project_designers")
    for ppk, team, _signed, _sa, _fa, _pm, designer, _ci in s.projects:
        yield (pk, ppk, designer)
        pk += 1
        if r.random() < 0.2:
            other = r.choice(s.staff[team]["designer"])
            if other != designer:
                yield (pk, ppk, other)
                pk += 1


def gen_project_assistants(s):
    r = s.rng("assistants")
    pk = s.next_id("projects.Project_assistants")
    for ppk, team, *_rest in s.projects:
        if r.random() < 0.7:
            yield (pk, ppk, r.choice(s.staff[team]["assistant_designer"]))
            pk += 1


def gen_crews(s):
    r = s.rng("crews")
    pk = s.next_id("projects.Crew")
    trades = ["水电", "泥瓦", "木工", "油漆", "安装", "保洁"]
    s.crew_ids = []
    for i in range(max(6, len(s.team_ids) * 3)):
        s.crew_ids.append(pk)
        leader = s.name(r)
        yield (pk, f"{leader[0]}师傅{trades[i % len(trades)]}队", leader, s.mobile(r), trades[i % len(trades)], True)
        pk += 1


def gen_drawing_tasks(s):
    r = s.rng("drawings")
    pk = s.next_id("projects.DrawingTask")
    for ppk, _team, signed, _sa, _fa, _pm, designer, _ci in s.projects:
        for kind, title, offset in (("rendering", "效果图", 15), ("construction", "施工图", 35)):
            deadline = signed + offset * DAY
            delivered = None
            if deadline - 3 * DAY < s.now:
                late = r.random() < 0.08
                delivered = s.capped(r, deadline - (0 if late else 4 * DAY), 0, (9 if late else 4) * DAY)
            yield (
                pk,
                ppk,
                kind,
                title,
                designer,
                s.d(deadline),
                s.dt(delivered) if delivered else None,
                r.randrange(4),
            )
            pk += 1


def gen_schedule_phases(s):
    r = s.rng("phases")
    pk = s.next_id("projects.SchedulePhase")
    s.phases = []  # (phase pk, pm, actual_finish ts) of finished phases, for inspections
    for ppk, _team, signed, start_a, _fa, pm, _d, _ci in s.projects:
        if start_a is None:
            continue
        planned = signed + 40 * DAY
        actual = start_a
        for order, kind in enumerate(PHASE_KINDS, start=1):
            length = (14 if order < 6 else 7) * DAY
            a_start = actual if actual < s.now else None
            a_finish = actual + length + r.randrange(-2, 5) * DAY if a_start else None
            if a_finish is not None and a_finish >= s.now:
                a_finish = None
            if a_finish:
                s.phases.append((pk, pm, a_finish))
            yield (
                pk,
                ppk,
                kind,
                order,
                r.choice(s.crew_ids),
                s.d(planned),
                s.d(planned + length),
                s.d(a_start) if a_start else None,
                s.d(a_finish) if a_finish else None,
            )
            planned += length
            actual = (a_finish or actual + length) + DAY
            pk += 1


def gen_inspections(s):
    r = s.rng("inspections")
    pk = s.next_id("projects.Inspection")
    for phase_pk, pm, finished in s.phases:
        if r.random() < 0.25:
            result = "pass" if r.random() < 0.85 else "rectify"
            yield (pk, phase_pk, s.d(finished), pm, result, "" if result == "pass" else "局部需整改，三日内复验")
            pk += 1


def gen_site_logs(s):
    r = s.rng("sitelogs")
    pk = s.next_id("projects.SiteLog")
    for ppk, _team, _signed, start_a, finish_a, pm, _d, _ci in s.projects:
        if start_a is None:
            continue
        last = finish_a or s.now
        days = max(1, (last - start_a) // DAY)
        for offset in sorted(r.sample(range(days), min(days, r.randint(2, 6)))):
            ts = s.work_time(r, start_a + offset * DAY)
            yield (
                pk,
                ppk,
                s.d(ts),
                pm,
                r.choice(WEATHER),
                r.randint(2, 9),
                r.choice(WORK_DONE),
                r.choice(PROBLEMS),
                s.dt(ts),
            )
            pk += 1


def gen_complaints(s):
    r = s.rng("complaints")
    pk = s.next_id("complaints.Complaint")
    categories = list(COMPLAINT_TEXT)
    cat_w = [10, 35, 18, 10, 15, 9, 3]
    channels = ["phone", "visit", "on_site", "online", "other"]
    channel_w = [60, 15, 10, 12, 3]
    s.complaints = []  # (pk, handler, registered, ack, start, resolved, confirmed, closed)
    s.complaint_clerks = []  # who registered each complaint (the register event's actor)
    s.complaint_resolutions = []  # (text, cause) of each complaint, used by gen_complaint_resolutions when resolved
    signed = s.contracts
    for _ in range(s.n("complaints")):
        if signed and r.random() < 0.9:
            _cpk, index, team, since = signed[r.randrange(len(signed))]
            client = s.clients[index]
            # Most complaints come during construction, a few months after signing.
            delay = int(r.expovariate(1 / (120 * DAY)))
            if since + delay >= s.now:
                delay = int((s.now - since) * r.random())
            reg = s.work_time(r, since + delay)
            project = s.projects[s.project_of_client[index]]
        else:
            index, client, project = None, None, None
            team = r.randrange(len(s.team_ids))
            reg = s.work_time(r, s.past(r))
        reg = min(reg, s.now - 60)
        staff = s.staff[team]
        major = r.random() < 0.03
        age = (s.now - reg) / DAY
        x = r.random()
        if age > 30:
            state = "closed" if x < 0.97 else "confirmed" if x < 0.99 else "resolved"
        elif age > 3:
            # A few stay open past their deadline (the overdue ones in red).
            state = ["closed", "confirmed", "resolved", "in_progress", "acknowledged"][
                0 if x < 0.75 else 1 if x < 0.87 else 2 if x < 0.97 else 3 if x < 0.995 else 4
            ]
        else:
            state = ["registered", "acknowledged", "in_progress", "resolved"][
                0 if x < 0.25 else 1 if x < 0.55 else 2 if x < 0.85 else 3
            ]
        level = ["registered", "acknowledged", "in_progress", "resolved", "confirmed", "closed"].index(state)
        handler = None
        if level >= 1 or r.random() < 0.5:
            handler = project[5] if project and r.random() < 0.4 else staff["consultant"][0]
        ack = s.capped(r, reg, 120, (45 if r.random() < 0.1 else 28) * 60) if level >= 1 else None
        start = s.capped(r, ack, 600, 6 * 3600) if level == 2 or (level >= 3 and r.random() < 0.1) else None
        resolved = s.capped(r, start or ack, 3600, (5 if major else 4) * DAY) if level >= 3 else None
        # complaints.models.TRANSITIONS: close only from confirmed, so every closed complaint was confirmed.
        confirmed = s.capped(r, resolved, 3600, 2 * DAY) if level >= 4 else None
        closed = s.capped(r, confirmed, 600, DAY) if level == 5 else None
        s.complaints.append((pk, handler, reg, ack, start, resolved, confirmed, closed))
        clerk = r.choice(s.front_desk) if r.random() < 0.7 else staff["consultant"][0]
        s.complaint_clerks.append(clerk)
        category = r.choices(categories, cat_w)[0]
        ack_due, resolve_due = reg + 1800, reg + (1 if major else 3) * DAY
        # The deadline scan's steps, as it would have claimed them: reminded when the deadline passed with the
        # step not done, escalated an hour (acknowledge) or a day (resolve) later.
        ack_reminded = ack_due if (ack or s.now) > ack_due else None
        ack_escalated = ack_due + 3600 if (ack or s.now) > ack_due + 3600 else None
        resolve_reminded = resolve_due if (resolved or s.now) > resolve_due else None
        resolve_escalated = resolve_due + DAY if (resolved or s.now) > resolve_due + DAY else None
        row = (
            pk,
            client[0] if client else None,
            client[3] if client else s.name(r),
            client[4] if client else s.mobile(r),
            s.team_ids[team],
            project[0] if project else None,
            clerk,
            handler,
            r.choices(channels, channel_w)[0],
            category,
            "major" if major else "normal",
            state,
            "客户反映：" + r.choice(COMPLAINT_TEXT[category]) + r.choice(COMPLAINT_TAILS),
            r.choice(DEMANDS),
            s.dt(reg),
            s.dt(ack) if ack else None,
            s.dt(resolved) if resolved else None,
            s.dt(confirmed) if confirmed else None,
            s.dt(closed) if closed else None,
            s.dt(ack_due),
            s.dt(resolve_due),
            s.dt(ack_reminded) if ack_reminded else None,
            s.dt(ack_escalated) if ack_escalated else None,
            s.dt(resolve_reminded) if resolve_reminded else None,
            s.dt(resolve_escalated) if resolve_escalated else None,
        )
        # Drawn after the row's other choices, as before resolutions had their own table.
        s.complaint_resolutions.append((r.choice(RESOLUTIONS) if resolved else "", CAUSES[category]))
        yield row
        pk += 1


def gen_complaint_resolutions(s):
    """One resolution per resolved complaint (complaints.models.ComplaintResolution), by its handler."""
    pk = s.next_id("complaints.ComplaintResolution")
    for (cpk, handler, *_times, resolved, _confirmed, _closed), (text, cause) in zip(
        s.complaints, s.complaint_resolutions, strict=True
    ):
        if resolved is None:
            continue
        yield (
            pk,
            cpk,
            text,
            cause,
            "施工交底不到位，现场检查不及时",
            "加强节点验收，完工前项目经理自检",
            handler,
            s.dt(resolved),
        )
        pk += 1


def point_complaints_at_resolutions(s):
    """The complaint's pointer to its resolution, set once both tables are in (each loads in its own
    transaction, so the complaint rows cannot name resolutions that do not exist yet)."""
    from django.db.models import OuterRef, Subquery

    from complaints.models import Complaint, ComplaintResolution

    latest = ComplaintResolution.objects.filter(complaint_id=OuterRef("pk")).order_by("-resolved_at", "-pk")
    with transaction.atomic():
        Complaint.objects.filter(
            pk__gte=s.next_id("complaints.Complaint"), resolved_at__isnull=False, current_resolution__isnull=True
        ).update(current_resolution_id=Subquery(latest.values("pk")[:1]))


def gen_complaint_events(s):
    """The state path of each complaint, plus comments so that the total is exactly the target."""
    r = s.rng("events")
    pk = s.next_id("complaints.ComplaintEvent")
    a = COMPLAINT_ACTIONS
    paths = []
    total = 0
    for _pk, _h, _reg, ack, start, resolved, confirmed, closed in s.complaints:
        n = 1 + (ack is not None) + (start is not None) + (resolved is not None) + (confirmed is not None)
        n += closed is not None
        paths.append(n)
        total += n
    comments = [0] * len(s.complaints)
    for _ in range(max(0, s.n("complaint_events") - total)):
        comments[r.randrange(len(comments))] += 1
    notes = ["已电话联系客户", "已安排项目经理上门查看", "材料已重新下单", "客户同意整改方案", "已通知施工队返工"]
    for i, (cpk, handler, reg, ack, start, resolved, confirmed, closed) in enumerate(s.complaints):
        yield (pk, cpk, s.complaint_clerks[i], s.dt(reg), a["register"], "", "registered", "")
        pk += 1
        state = "registered"
        for action, to_state, ts in (
            (a["acknowledge"], "acknowledged", ack),
            (a["start"], "in_progress", start),
            (a["resolve"], "resolved", resolved),
            (a["confirm"], "confirmed", confirmed),
            (a["close"], "closed", closed),
        ):
            if ts is None:
                continue
            yield (pk, cpk, handler, s.dt(ts), action, state, to_state, "")
            state = to_state
            pk += 1
        end = closed or s.now
        for _ in range(comments[i]):
            ts = reg + r.randrange(max(1, end - reg))
            yield (pk, cpk, handler, s.dt(ts), a["comment"], "", "", r.choice(notes))
            pk += 1


def gen_followup_visits(s):
    r = s.rng("followups")
    pk = s.next_id("clients.FollowUpVisit")
    channels = ["phone", "on_site", "wechat"]
    wanted = s.n("followup_visits")
    made = 0
    today = s.now
    sat_w = [2, 3, 10, 35, 50]

    def visit(client_index, contract_pk, team, point, due):
        nonlocal pk, made
        done = None
        # Long-past visits were all done; a few of the last two months are overdue.
        if due < today and (today - due > 60 * DAY or r.random() < 0.9):
            done = s.capped(r, due - 2 * DAY, 0, (12 if r.random() < 0.1 else 2) * DAY)
        # The visit scans' claims: the owner reminded on the due day, escalated three days later (still not done).
        reminded = due if due <= today and (done is None or done > due) else None
        escalated = due + 3 * DAY if due + 3 * DAY <= today and (done is None or done > due + 3 * DAY) else None
        row = (
            pk,
            s.clients[client_index][0],
            contract_pk,
            s.team_ids[team],
            s.staff[team]["consultant"][0],
            point,
            s.d(due),
            r.choices(channels, (60, 25, 15))[0],
            s.dt(done) if done else None,
            r.choices((1, 2, 3, 4, 5), sat_w)[0] if done else None,
            r.choice(OUTCOMES) if done else "",
            s.dt(reminded) if reminded else None,
            s.dt(escalated) if escalated else None,
        )
        pk += 1
        made += 1
        return row

    for cpk, index, team, signed in s.contracts:
        for point, offset in VISIT_POINTS:
            if made >= wanted:
                return
            yield visit(index, cpk, team, point, signed + offset * DAY)
    prospects = [i for i, c in enumerate(s.clients) if c[5] != "signed"] or list(range(len(s.clients)))
    while made < wanted:
        index = r.choice(prospects)
        yield visit(index, None, s.clients[index][1], "意向回访", s.clients[index][2] + r.randint(2, 20) * DAY)


def gen_calls(s):
    r = s.rng("calls")
    pk = s.next_id("reception.Call")
    types = ["client", "prospect", "supplier", "other"]
    type_w = [45, 35, 10, 10]
    clients = s.clients
    nclients = len(clients)
    front_desk = s.front_desk
    s.pbx_calls = []  # (call pk, called ts, phone, client pk, clerk): the last year's, for the phone system
    for _ in range(s.n("calls")):
        called = s.work_time(r, s.past(r))
        kind = r.choices(types, type_w)[0]
        client = clients[r.randrange(nclients)] if kind == "client" else None
        name = client[3] if client else s.name(r)
        phone = client[4] if client else s.mobile(r)
        team = client[1] if client else r.randrange(len(s.team_ids))
        fwd_to = fwd_team = fwd_at = due = ack = reminded = escalated = None
        if kind in ("client", "prospect") and r.random() < 0.45:
            staff = s.staff[team]
            fwd_team = s.team_ids[team]
            fwd_to = staff["consultant"][0] if r.random() < 0.7 else r.choice(staff["project_manager"])
            fwd_at = called + r.randrange(60, 600)
            due = fwd_at + 1800
            if fwd_at < s.now and (s.now - fwd_at > 2 * DAY or r.random() < 0.7):
                ack = s.capped(r, fwd_at, 60, (50 if r.random() < 0.1 else 25) * 60)
            # The forward scan's claims: reminded at the deadline, escalated ten minutes later, if not acknowledged.
            if fwd_at < s.now and (ack or s.now) > due:
                reminded = due
                escalated = due + 600 if (ack or s.now) > due + 600 else None
        purpose = r.choice(CALL_PURPOSES[kind])
        yield (
            pk,
            s.dt(called),
            name,
            phone,
            kind,
            purpose,
            purpose + "，已记录" if r.random() < 0.5 else "",
            r.random() < 0.08,
            client[0] if client else None,
            front_desk[pk % len(front_desk)],
            fwd_to,
            fwd_team,
            s.dt(fwd_at) if fwd_at else None,
            s.dt(due) if due else None,
            s.dt(ack) if ack else None,
            fwd_to if ack else None,
            s.dt(reminded) if reminded else None,
            s.dt(escalated) if escalated else None,
        )
        if s.now - called < 365 * DAY:
            s.pbx_calls.append((pk, called, phone, client[0] if client else None, front_desk[pk % len(front_desk)]))
        pk += 1


def gen_phone_calls(s):
    """The phone system's record of the last year's calls: each logged call answered (ring 5–20 s, talk 1–8 min),
    and about one in twelve rings missed, nearly all called back."""
    r = s.rng("phone_calls")
    pk = s.next_id("reception.PhoneCall")
    for call_pk, called, phone, client, clerk in s.pbx_calls:
        if r.random() < 0.08:
            handled = called + r.randint(600, 7200)
            done = handled < s.now and (s.now - called > 2 * DAY or r.random() < 0.6)
            row = ("missed", called, None, called + 25, None, "cancel", None, s.dt(handled) if done else None)
            yield (
                pk,
                f"bench-{pk}",
                "in",
                phone,
                "4008001234",
                "8001",
                clerk,
                client,
                row[0],
                s.dt(row[1]),
                None,
                s.dt(row[3]),
                None,
                row[5],
                None,
                row[7],
                clerk if done else None,
            )
            pk += 1
        rang = called - r.randint(5, 20)
        talk = r.randint(60, 480)
        yield (
            pk,
            f"bench-{pk}",
            "in",
            phone,
            "4008001234",
            "8001",
            clerk,
            client,
            "ended",
            s.dt(rang),
            s.dt(called),
            s.dt(called + talk),
            talk,
            "normalClearing",
            call_pk,
            None,
            None,
        )
        pk += 1


def gen_office_visits(s):
    r = s.rng("visits")
    pk = s.next_id("reception.Visit")
    purposes = ["看样板间", "签订合同", "确认设计方案", "选材", "面谈投诉处理", "结算"]
    for _ in range(s.n("office_visits")):
        index = r.randrange(len(s.clients))
        client = s.clients[index]
        team = client[1]
        arrived = s.work_time(r, max(client[2], s.past(r)))
        left = arrived + r.randrange(15, 150) * 60
        yield (
            pk,
            client[3],
            client[4],
            r.choice(purposes),
            s.staff[team]["consultant"][0] if r.random() < 0.6 else r.choice(s.staff[team]["designer"]),
            client[0],
            r.choices((1, 2, 3, 4), (40, 40, 15, 5))[0],
            s.dt(arrived),
            s.dt(left) if left < s.now else None,
            r.choice(s.front_desk),
        )
        pk += 1


def meeting_days(s):
    days = max(20, round(YEARS * 365 * min(1.0, s.scale / FULL_SCALE)))
    today = s.today
    out = []
    for back in range(days, -1, -1):
        day = today - timedelta(days=back)
        if day.weekday() < 5:
            out.append(day)
    return out


def gen_meetings(s):
    r = s.rng("meetings")
    pk = s.next_id("meetings.Meeting")
    s.meetings = []  # (pk, team index, date)
    for day in meeting_days(s):
        starts = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) - SHANGHAI + 8 * 3600 + 1800
        for team, team_id in enumerate(s.team_ids):
            if (team_id, day) in s.taken_meetings:
                continue
            held = day < s.today or r.random() < 0.5
            s.meetings.append((pk, team, day, held))
            minutes = (
                f"1. 通报昨日工作完成情况；2. 协调{r.randint(1, 6)}个工地进度；3. 跟进{r.randint(0, 3)}起客户投诉。"
                if held
                else ""
            )
            # Scheduled meetings (meetings.services): agenda closes the evening before at 18:00, the
            # reminder goes 15 minutes before; both sent for every meeting already started.
            cutoff, remind = starts - 14 * 3600 - 1800, starts - 900
            sent = starts <= s.now
            yield (
                pk,
                team_id,
                day,
                s.dt(starts),
                s.staff[team]["consultant"][0],
                minutes,
                held,
                s.dt(cutoff),
                s.dt(remind),
                s.dt(cutoff) if sent else None,
                s.dt(remind) if sent else None,
            )
            pk += 1


def gen_attendance(s):
    r = s.rng("attendance")
    pk = s.next_id("meetings.MeetingAttendance")
    statuses = ["present", "late", "absent", "leave"]
    reasons = {"present": "", "late": "堵车", "absent": "工地突发情况", "leave": "年假"}
    for mpk, team, _day, held in s.meetings:
        if not held:
            continue
        for member in s.staff[team]["all"]:
            status = r.choices(statuses, (90, 4, 2, 4))[0]
            yield (pk, mpk, member, status, reasons[status])
            pk += 1


def gen_action_items(s):
    r = s.rng("actions")
    pk = s.next_id("meetings.ActionItem")
    for mpk, team, day, held in s.meetings:
        if not held:
            continue
        for _ in range(r.choice((0, 1, 2, 2, 3, 4))):
            due = day + timedelta(days=r.randint(1, 7))
            done = None
            if due < s.today and r.random() < 0.93:
                done_day = due - timedelta(days=r.randint(0, 3))
                done = datetime(done_day.year, done_day.month, done_day.day, 9, tzinfo=UTC) + timedelta(
                    minutes=r.randrange(480)
                )
            yield (pk, mpk, r.choice(ACTIONS).format(s.name(r)[0]), r.choice(s.staff[team]["all"]), due, done)
            pk += 1


def gen_trainings(s):
    r = s.rng("trainings")
    pk = s.next_id("meetings.Training")
    s.trainings = []  # (pk, team index or None)
    months = sorted({(d.year, d.month) for d in meeting_days(s)})
    for year, month in months:
        for team in [None, *range(len(s.team_ids))]:
            day = date(year, month, r.randint(5, 25))
            if day > s.today:
                continue
            s.trainings.append((pk, team))
            yield (
                pk,
                r.choice(TRAININGS),
                s.name(r) + ("老师" if team is None else ""),
                day,
                "总部三楼培训室" if team is None else "门店会议室",
                s.team_ids[team] if team is not None else None,
            )
            pk += 1


def gen_training_attendance(s):
    r = s.rng("training_attendance")
    pk = s.next_id("meetings.TrainingAttendance")
    everyone = [m for team in s.staff for m in team["all"]]
    for tpk, team in s.trainings:
        members = s.staff[team]["all"] if team is not None else r.sample(everyone, min(20, len(everyone)))
        for member in members:
            attended = r.random() < 0.9
            yield (pk, tpk, member, attended, r.choice((3, 4, 4, 5, 5)) if attended else None, "")
            pk += 1


def gen_lost_reports(s):
    r = s.rng("lost_reports")
    pk = s.next_id("clients.LostLeadReport")
    months = sorted({(d.year, d.month) for d in meeting_days(s)})[:-1]  # past months only
    for year, month in months:
        first = date(year, month, 1)
        for team, team_id in enumerate(s.team_ids):
            if (team_id, first) in s.taken_lost_reports:
                continue
            written = datetime(year, month, 28, 10, tzinfo=UTC)
            yield (
                pk,
                team_id,
                first,
                f"本月丢单{r.randint(3, 25)}个，主要原因：报价偏高、竞争对手低价、跟进不及时。",
                "加强首次沟通，报价后48小时内回访；每周复盘丢单原因。",
                s.staff[team]["consultant"][0],
                written,
            )
            pk += 1


def gen_target_cards(s):
    """One card per team member and month over the meeting history (performance.TargetCard), in the state its
    month implies (CARD_TRANSITIONS): older months approved by the deputy GM, last month reviewed by the
    consultant, this month's confirmed by the member."""
    r = s.rng("target_cards")
    pk = s.next_id("performance.TargetCard")
    # Five years of months at every scale (a few thousand cards: cheap, and the card history is what pages read).
    this_month = s.today.replace(day=1)
    months = [this_month]
    while len(months) < YEARS * 12:
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    months.reverse()
    s.cards = []  # (card pk, member role, approved)
    for month in months:
        end = (month + timedelta(days=32)).replace(day=1)
        start_ts = int(datetime(month.year, month.month, 1, 9, tzinfo=UTC).timestamp())
        end_ts = min(int(datetime(end.year, end.month, 1, 9, tzinfo=UTC).timestamp()), s.now)
        for team, team_id in enumerate(s.team_ids):
            consultant = s.staff[team]["consultant"][0]
            for member in s.staff[team]["all"]:
                if (member, month) in s.taken_cards:
                    continue
                approved = month < this_month and end_ts + 10 * DAY < s.now
                reviewed = month < this_month
                state = "approved" if approved else "reviewed" if reviewed else "confirmed"
                confirmed_at = start_ts + r.randrange(3 * DAY)
                assessed = end_ts + r.randrange(2 * DAY) if reviewed else None
                reviewed_at = assessed + r.randrange(3 * DAY) if reviewed else None
                approved_at = reviewed_at + r.randrange(3 * DAY) if approved else None
                score = Decimal(f"{r.randint(70, 110)}.{r.randrange(100):02d}") if approved else None
                s.cards.append((pk, s.member_role[member], approved))
                yield (
                    pk,
                    team_id,
                    member,
                    month,
                    state,
                    s.dt(confirmed_at),
                    "本月目标基本完成，回访及时。" if reviewed else "",
                    s.dt(assessed) if assessed else None,
                    "完成情况属实。" if reviewed else "",
                    consultant if reviewed else None,
                    s.dt(reviewed_at) if reviewed_at else None,
                    s.gm if approved else None,
                    s.dt(approved_at) if approved_at else None,
                    score,
                    s.dt(start_ts),
                )
                pk += 1


def gen_card_items(s):
    """The role template's items on every card (performance.RoleTemplateItem), actuals frozen when approved."""
    r = s.rng("card_items")
    pk = s.next_id("performance.CardItem")
    for card, role, approved in s.cards:
        for label, metric, unit, target, weight, order in s.card_templates.get(role, ()):
            actual = (target * Decimal(r.randint(60, 125)) / 100).quantize(Decimal("0.01")) if approved else None
            yield (pk, card, label, metric, unit, target, weight, actual, order)
            pk += 1


# ---------------------------------------------------------------------------------------------------------
# THE TABLE LIST: model → (columns the generator yields, generator). Order = insertion order.
TABLES = {
    "clients.Client": _t(
        "id",
        "name",
        "phone",
        "team_id",
        "consultant_id",
        "stage",
        "source",
        "value_tier",
        "created_at",
        "lost_at",
        "lost_stage",
        "competitor",
        "stage_changed_at",
        "name_pinyin",
        "name_initials",
        "phone_digits",
        rows=gen_clients,
    ),
    "clients.Contract": _t(
        "id",
        "number",
        "client_id",
        "team_id",
        "signed_date",
        "design_fee",
        "construction_amount",
        "signed_by_id",
        "created_at",
        rows=gen_contracts,
    ),
    "projects.Project": _t(
        "id",
        "name",
        "client_id",
        "contract_id",
        "team_id",
        "address",
        "project_manager_id",
        "phase",
        "planned_start",
        "planned_finish",
        "actual_start",
        "actual_finish",
        "created_at",
        rows=gen_projects,
    ),
    "clients.PaymentStage": _t(
        "id",
        "contract_id",
        "name",
        "amount",
        "order",
        "trigger",
        "days_to_pay",
        "triggered_on",
        "due_date",
        "received",
        "paid_date",
        rows=gen_payment_stages,
    ),
    "clients.Receipt": _t(
        "id",
        "contract_id",
        "stage_id",
        "kind",
        "amount",
        "received_on",
        "method",
        "number",
        "recorded_by_id",
        "recorded_at",
        rows=gen_receipts,
    ),
    "projects.ChangeOrder": _t(
        "id",
        "project_id",
        "contract_id",
        "number",
        "title",
        "source",
        "finding",
        "total",
        "status",
        "created_by_id",
        "created_at",
        "client_signed_on",
        "client_signed_by",
        "client_scan",
        "approved_by_id",
        "approved_at",
        rows=gen_change_orders,
    ),
    "projects.ChangeOrderLine": _t(
        "id",
        "change_order_id",
        "kind",
        "description",
        "unit",
        "quantity",
        "unit_price",
        rows=gen_change_order_lines,
        after=contracts_take_approved_changes,
    ),
    "projects.Project_designers": _t("id", "project_id", "user_id", rows=gen_project_designers),
    "projects.Project_assistants": _t("id", "project_id", "user_id", rows=gen_project_assistants),
    "projects.Crew": _t("id", "name", "leader", "phone", "trade", "is_active", rows=gen_crews),
    "projects.DrawingTask": _t(
        "id",
        "project_id",
        "kind",
        "title",
        "assignee_id",
        "deadline",
        "delivered_at",
        "revision_count",
        rows=gen_drawing_tasks,
    ),
    "projects.SchedulePhase": _t(
        "id",
        "project_id",
        "kind",
        "order",
        "crew_id",
        "planned_start",
        "planned_finish",
        "actual_start",
        "actual_finish",
        rows=gen_schedule_phases,
    ),
    "projects.Inspection": _t(
        "id", "phase_id", "inspected_on", "inspector_id", "result", "notes", rows=gen_inspections
    ),
    "projects.SiteLog": _t(
        "id",
        "project_id",
        "date",
        "author_id",
        "weather",
        "workers_on_site",
        "work_done",
        "problems",
        "created_at",
        rows=gen_site_logs,
    ),
    "complaints.Complaint": _t(
        "id",
        "client_id",
        "caller_name",
        "caller_phone",
        "team_id",
        "project_id",
        "registered_by_id",
        "handler_id",
        "channel",
        "category",
        "severity",
        "state",
        "description",
        "demand",
        "registered_at",
        "acknowledged_at",
        "resolved_at",
        "confirmed_at",
        "closed_at",
        "ack_due_at",
        "resolve_due_at",
        "ack_reminded_at",
        "ack_escalated_at",
        "resolve_reminded_at",
        "resolve_escalated_at",
        rows=gen_complaints,
    ),
    "complaints.ComplaintResolution": _t(
        "id",
        "complaint_id",
        "resolution",
        "cause_category",
        "cause_analysis",
        "preventive_action",
        "resolved_by_id",
        "resolved_at",
        rows=gen_complaint_resolutions,
        after=point_complaints_at_resolutions,
    ),
    "complaints.ComplaintEvent": _t(
        "id",
        "complaint_id",
        "actor_id",
        "created_at",
        "action",
        "from_state",
        "to_state",
        "comment",
        rows=gen_complaint_events,
    ),
    "clients.FollowUpVisit": _t(
        "id",
        "client_id",
        "contract_id",
        "team_id",
        "owner_id",
        "point",
        "due_date",
        "channel",
        "done_at",
        "satisfaction",
        "outcome",
        "reminded_at",
        "escalated_at",
        rows=gen_followup_visits,
    ),
    "reception.Call": _t(
        "id",
        "called_at",
        "caller_name",
        "phone",
        "caller_type",
        "purpose",
        "summary",
        "important",
        "client_id",
        "logged_by_id",
        "forward_to_id",
        "forward_team_id",
        "forwarded_at",
        "ack_due_at",
        "acknowledged_at",
        "acknowledged_by_id",
        "forward_reminded_at",
        "forward_escalated_at",
        rows=gen_calls,
    ),
    "reception.PhoneCall": _t(
        "id",
        "call_id",
        "direction",
        "from_number",
        "to_number",
        "extension",
        "user_id",
        "client_id",
        "state",
        "rang_at",
        "answered_at",
        "ended_at",
        "duration_seconds",
        "cause",
        "logged_call_id",
        "handled_at",
        "handled_by_id",
        rows=gen_phone_calls,
        optional=True,
    ),
    "reception.Visit": _t(
        "id",
        "visitor_name",
        "phone",
        "purpose",
        "host_id",
        "client_id",
        "party_size",
        "arrived_at",
        "left_at",
        "logged_by_id",
        rows=gen_office_visits,
    ),
    "meetings.Meeting": _t(
        "id",
        "team_id",
        "date",
        "starts_at",
        "chair_id",
        "minutes",
        "held",
        "agenda_cutoff_at",
        "remind_at",
        "agenda_sent_at",
        "reminder_sent_at",
        rows=gen_meetings,
    ),
    "meetings.MeetingAttendance": _t("id", "meeting_id", "member_id", "status", "reason", rows=gen_attendance),
    "meetings.ActionItem": _t("id", "meeting_id", "text", "owner_id", "due_date", "done_at", rows=gen_action_items),
    "meetings.Training": _t("id", "topic", "trainer", "date", "place", "team_id", rows=gen_trainings),
    "meetings.TrainingAttendance": _t(
        "id", "training_id", "member_id", "attended", "rating", "feedback", rows=gen_training_attendance
    ),
    "clients.LostLeadReport": _t(
        "id", "team_id", "month", "conclusions", "actions", "written_by_id", "written_at", rows=gen_lost_reports
    ),
    "performance.TargetCard": _t(
        "id",
        "team_id",
        "member_id",
        "month",
        "state",
        "confirmed_at",
        "self_assessment",
        "self_assessed_at",
        "consultant_comment",
        "reviewed_by_id",
        "reviewed_at",
        "approved_by_id",
        "approved_at",
        "final_score",
        "created_at",
        rows=gen_target_cards,
    ),
    "performance.CardItem": _t(
        "id", "card_id", "label", "metric", "unit", "target", "weight", "actual", "order", rows=gen_card_items
    ),
}


# ---------------------------------------------------------------------------------------------------------
# Loading


class Skip(Exception):
    pass


def _model(label):
    app_label, name = label.split(".")
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        raise Skip(f"model {label} does not exist") from None


def _fill_missing(model, columns, now):
    """Constants for NOT NULL fields the generator does not yield (a default, or '' for blank text)."""
    extras = {}
    for f in model._meta.concrete_fields:
        if f.attname in columns or f.primary_key:
            continue
        if f.null:
            continue  # NULL never collides, not even in a unique column
        if f.unique:
            # One constant for every row would break the constraint (e.g. a generated reference number).
            raise Skip(
                f"{model._meta.label}.{f.attname} is unique: add it to TABLES[{model._meta.label!r}].columns and "
                "yield a distinct value per row in its generator (bench/scale_seed.py)"
            )
        if f.null:
            continue
        if f.has_default():
            extras[f.attname] = f.get_default()
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            extras[f.attname] = now
        elif getattr(f, "db_default", None) is not None and f.has_db_default():
            continue
        elif f.empty_strings_allowed and f.blank:
            extras[f.attname] = ""
        else:
            raise Skip(
                f"{model._meta.label}.{f.attname} is required and has no default: add it to "
                f"TABLES[{model._meta.label!r}].columns and to its generator (bench/scale_seed.py)"
            )
    return extras


_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(v):
    if v is None:
        return "\\N"
    if type(v) is str:
        return v.translate(_ESCAPE)
    return str(v)


class _CopyStream:
    """A file-like object that COPY reads from: rows are formatted chunk by chunk as the server asks."""

    def __init__(self, rows, suffix):
        self.rows = iter(rows)
        self.suffix = suffix
        self.count = 0
        self.done = False

    def read(self, size=-1):
        if self.done:
            return ""
        lines = []
        esc = _ESCAPE
        suffix = self.suffix
        for row in self.rows:
            lines.append(
                "\t".join(["\\N" if v is None else v.translate(esc) if type(v) is str else str(v) for v in row])
                + suffix
            )
            if len(lines) >= 2000:
                break
        else:
            self.done = True
        self.count += len(lines)
        return "\n".join(lines) + "\n" if lines else ""


def _load_postgresql(model, columns, rows, extras, fast):
    fields = {f.attname: f for f in model._meta.concrete_fields}
    db_columns = [fields[c].column for c in columns] + [fields[c].column for c in extras]
    suffix = "".join("\t" + _copy_value(v) for v in extras.values())
    stream = _CopyStream(rows, suffix)
    quoted = ", ".join(connection.ops.quote_name(c) for c in db_columns)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({quoted}) FROM STDIN"
    with transaction.atomic(), connection.cursor() as cursor:
        dropped = []
        if fast:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute("SET LOCAL synchronous_commit = off")
            # Plain secondary indexes are built once after the load rather than maintained row by row
            # (primary keys and unique constraints stay: they guard the data).
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT i.indisunique",
                [model._meta.db_table],
            )
            dropped = cursor.fetchall()
            for name, _definition in dropped:
                cursor.execute(f"DROP INDEX {name}")
        cursor.copy_expert(sql, stream, 1 << 20)
        for _name, definition in dropped:
            cursor.execute(definition)
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)
    return stream.count


def _load_orm(model, columns, rows, extras, batch=500):
    count = 0
    objs = []
    with transaction.atomic():
        for row in rows:
            objs.append(model(**dict(zip(columns, row, strict=True)), **extras))
            if len(objs) >= batch:
                model.objects.bulk_create(objs)
                count += len(objs)
                objs = []
        if objs:
            model.objects.bulk_create(objs)
            count += len(objs)
    return count


def _prepare(s):
    """Teams, staff, and what already exists (demo rows) that unique constraints must not collide with."""
    from clients.models import Contract, LostLeadReport
    from meetings.models import Meeting
    from performance.models import RoleTemplateItem, TargetCard
    from teams.models import Team, User
    from teams.roles import Role

    s.team_ids = list(Team.objects.order_by("pk").values_list("pk", flat=True))
    s.staff = []
    by_team = {}
    for pk, team_id, role in (
        User.objects.filter(team__isnull=False, is_active=True).order_by("pk").values_list("pk", "team_id", "role")
    ):
        by_team.setdefault(team_id, {}).setdefault(role, []).append(pk)
    for team_id in s.team_ids:
        roles = by_team.get(team_id, {})
        everyone = [pk for members in roles.values() for pk in members]
        consultant = roles.get(Role.CONSULTANT) or everyone[:1]
        if not consultant:
            raise SystemExit(f"team {team_id} has no staff: run bench/scale_staff.py first")
        s.staff.append(
            {
                "consultant": consultant,
                "designer": roles.get(Role.DESIGNER) or consultant,
                "assistant_designer": roles.get(Role.ASSISTANT_DESIGNER) or roles.get(Role.DESIGNER) or consultant,
                "project_manager": roles.get(Role.PROJECT_MANAGER) or consultant,
                "all": everyone,
            }
        )
    s.front_desk = list(User.objects.filter(role=Role.FRONT_DESK).order_by("pk").values_list("pk", flat=True))
    if not s.front_desk:
        s.front_desk = [s.staff[0]["consultant"][0]]
    s.taken_contract_numbers = set(Contract.objects.values_list("number", flat=True))
    s.taken_meetings = set(Meeting.objects.values_list("team_id", "date"))
    s.taken_lost_reports = set(LostLeadReport.objects.values_list("team_id", "month"))
    s.member_role = dict(User.objects.filter(team__isnull=False).values_list("pk", "role"))
    gm = User.objects.filter(role=Role.DEPUTY_GM, is_active=True).order_by("pk").values_list("pk", flat=True).first()
    s.gm = gm or s.staff[0]["consultant"][0]
    s.taken_cards = set(TargetCard.objects.values_list("member_id", "month"))
    s.card_templates = {}
    for item in RoleTemplateItem.objects.order_by("role", "order", "pk"):
        s.card_templates.setdefault(item.role, []).append(
            (item.label, item.metric, item.unit, item.default_target, item.weight, item.order)
        )


def _max_pk(model):
    with connection.cursor() as cursor:
        pk = model._meta.pk.column
        cursor.execute(
            f"SELECT COALESCE(MAX({connection.ops.quote_name(pk)}), 0) "  # noqa: S608 (names from the model)
            f"FROM {connection.ops.quote_name(model._meta.db_table)}"
        )
        return cursor.fetchone()[0]


def seed_scale(ctx, *, seed=2026, out=None, only=None):
    """Bulk-load the company-scale data set. Returns {table label: {"rows": n, "seconds": s}}."""
    out = out or (lambda msg: print(msg, file=sys.stderr))
    s = Seeder(ctx, seed)
    _prepare(s)
    postgres = connection.vendor == "postgresql"
    fast = False
    if postgres and ctx.scale >= FAST_COPY_MIN_SCALE:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            fast = bool(cursor.fetchone()[0])
    timings = {}
    started = time.monotonic()
    for label, table in TABLES.items():
        if only and label not in only:
            continue
        t0 = time.monotonic()
        try:
            model = _model(label)
            names = {f.attname for f in model._meta.concrete_fields}
            missing = [c for c in table.columns if c not in names]
            if missing:
                raise Skip(f"{label} has no column(s) {', '.join(missing)}: align TABLES in bench/scale_seed.py")
            extras = _fill_missing(model, table.columns, ctx.now)
        except Skip as exc:
            if not table.optional:
                raise SystemExit(f"scale seed: {exc}") from None
            out(f"  {label:<30} skipped ({exc})")
            timings[label] = {"rows": 0, "seconds": 0.0, "skipped": str(exc)}
            continue
        s.start_ids[label] = _max_pk(model) + 1
        rows = table.rows(s)
        if postgres:
            n = _load_postgresql(model, table.columns, rows, extras, fast)
        else:
            n = _load_orm(model, table.columns, rows, extras)
        if table.after is not None:
            table.after(s)
        seconds = time.monotonic() - t0
        timings[label] = {"rows": n, "seconds": round(seconds, 2)}
        out(f"  {label:<30} {n:>10,} rows {seconds:7.1f}s  ({n / max(seconds, 1e-6):,.0f} rows/s)")
    if postgres:
        # Planner statistics now; outside a transaction also VACUUM, as the peer's seed does, so the visibility
        # map is set (index-only scans) and autovacuum does not wake up in the middle of the measurement.
        t0 = time.monotonic()
        step = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(step)
        timings[step] = {"rows": 0, "seconds": round(time.monotonic() - t0, 2)}
        out(f"  {step:<30} {'':>10}      {timings[step]['seconds']:7.1f}s")
    timings["total"] = {
        "rows": sum(v["rows"] for v in timings.values()),
        "seconds": round(time.monotonic() - started, 2),
    }
    out(f"  {'total':<30} {timings['total']['rows']:>10,} rows {timings['total']['seconds']:7.1f}s")
    return timings
