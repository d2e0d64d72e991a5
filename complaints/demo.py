"""Demo complaints in every state over the last months, some overdue, some major,
with their timeline and cause analyses, and the weekly summaries already sent."""

import datetime as dt

from clients.demo import demo_clients
from complaints.models import Complaint, ComplaintEvent, ComplaintResolution, WeeklySummary
from complaints.selectors import summary_figures
from complaints.services import deadline_rule, week_start_of
from teams.calendar import add_minutes

DESCRIPTIONS = {
    "design": ("客厅吊顶造型与效果图不一致", "要求按效果图整改"),
    "quality": ("卫生间墙砖空鼓，敲击有空响", "要求返工重贴"),
    "schedule": ("水电阶段比计划晚了十天", "要求说明原因并给出新工期"),
    "attitude": ("工长说话不客气，电话不接", "要求更换工长并道歉"),
    "materials": ("到场的地板颜色与选样不符", "要求换货"),
    "after_sale": ("入住半年后厨房台面开裂", "要求上门维修"),
    "other": ("施工噪音影响邻居，物业投诉", "要求调整施工时间"),
}
CAUSES = {
    "design": ("design_flaw", "设计深化不足，施工图未标注吊顶标高。", "设计交底时逐项核对效果图与施工图。"),
    "quality": ("workmanship", "贴砖时砂浆不饱满，未做空鼓检查。", "泥瓦阶段验收增加空鼓抽查。"),
    "schedule": ("supplier", "定制柜体供应商延迟交货。", "关键材料提前两周下单并跟踪。"),
    "attitude": ("communication", "工长对客户问题缺乏耐心。", "组织服务礼仪培训，纳入施工队考核。"),
    "materials": ("material_defect", "仓库发错批次。", "材料到场时由项目经理与客户共同验收。"),
    "after_sale": ("material_defect", "台面材料接缝处受热开裂。", "提醒客户使用隔热垫，改进接缝工艺。"),
    "other": ("process", "未按物业规定时间施工。", "开工前向施工队书面交底物业规定。"),
}
# (state, how many) — every state of the lifecycle.
PLAN = [
    ("registered", 5),
    ("acknowledged", 4),
    ("in_progress", 7),
    ("resolved", 6),
    ("confirmed", 5),
    ("closed", 18),
]


def seed(ctx) -> None:
    if Complaint.objects.exists():
        return
    rng = ctx.rng
    desk = ctx.users["frontdesk"]
    clients = demo_clients(ctx)
    categories = list(DESCRIPTIONS)
    for state, count in PLAN:
        for n in range(count):
            client = rng.choice(clients)
            category = rng.choice(categories)
            severity = "major" if rng.random() < 0.12 else "normal"
            if state in ("registered", "acknowledged"):
                # Recent; the first of each is overdue.
                registered = ctx.now - (
                    dt.timedelta(hours=rng.randrange(26, 72)) if n == 0 else dt.timedelta(minutes=5 + 7 * n)
                )
            elif state == "in_progress":
                registered = ctx.now - dt.timedelta(days=rng.randrange(1, 9), hours=rng.randrange(0, 6))
            else:
                registered = ctx.now - dt.timedelta(days=rng.randrange(8, 100), hours=rng.randrange(0, 8))
            _complaint(ctx, client, category, severity, state, registered, desk)
    # The weekly summaries of the last four weeks, as the Monday beat would have sent them.
    this_week = week_start_of(ctx.today)
    for weeks in range(1, 5):
        start = this_week - dt.timedelta(days=7 * weeks)
        WeeklySummary.objects.get_or_create(
            week_start=start,
            defaults={
                "data": summary_figures(start=start, end=start + dt.timedelta(days=6), now=ctx.now),
                "sent_at": ctx.now - dt.timedelta(days=7 * (weeks - 1)),
                "created_at": ctx.now - dt.timedelta(days=7 * (weeks - 1)),
            },
        )


def _complaint(ctx, client, category, severity, state, registered, desk):
    rng = ctx.rng
    consultant = client.team.leader
    rule = deadline_rule(category=category, severity=severity)
    description, demand = DESCRIPTIONS[category]
    complaint = Complaint.objects.create(
        client=client,
        caller_name=client.name,
        caller_phone=client.phone,
        team=client.team,
        registered_by=desk,
        handler=consultant,
        channel=rng.choice(["phone", "phone", "visit", "on_site", "online"]),
        category=category,
        severity=severity,
        description=description,
        demand=demand,
        registered_at=registered,
        ack_due_at=add_minutes(registered, rule["ack_minutes"], working_hours=rule["working_hours"]),
        resolve_due_at=add_minutes(registered, rule["resolve_minutes"], working_hours=rule["working_hours"]),
        state=state,
    )
    events = [
        ComplaintEvent(complaint=complaint, actor=desk, action="register", to_state="registered", created_at=registered)
    ]
    at = registered
    steps = ["acknowledge", "start", "resolve", "confirm", "close"]
    reached = {"registered": 0, "acknowledged": 1, "in_progress": 2, "resolved": 3, "confirmed": 4, "closed": 5}[state]
    previous = "registered"
    targets = ["acknowledged", "in_progress", "resolved", "confirmed", "closed"]
    fields = {}
    for action, target in zip(steps[:reached], targets[:reached], strict=True):
        at = at + (
            dt.timedelta(minutes=rng.randrange(5, 50))
            if action == "acknowledge"
            else dt.timedelta(hours=rng.randrange(3, 60))
        )
        at = min(at, ctx.now)
        fields[
            {
                "acknowledge": "acknowledged_at",
                "start": None,
                "resolve": "resolved_at",
                "confirm": "confirmed_at",
                "close": "closed_at",
            }[action]
            or "_"
        ] = at
        comment = {"confirm": "回访客户，对处理结果满意。", "acknowledge": "已致电客户了解情况。"}.get(action, "")
        events.append(
            ComplaintEvent(
                complaint=complaint,
                actor=consultant,
                action=action,
                from_state=previous,
                to_state=target,
                comment=comment,
                created_at=at,
            )
        )
        previous = target
    fields.pop("_", None)
    if reached >= 3:
        cause, analysis, prevention = CAUSES[category]
        fields["current_resolution"] = ComplaintResolution.objects.create(
            complaint=complaint,
            resolution="已安排返工/更换并当面向客户说明。",
            cause_category=cause,
            cause_analysis=analysis,
            preventive_action=prevention,
            resolved_by=consultant,
            resolved_at=fields["resolved_at"],
        )
    if complaint.is_overdue(ctx.now):
        if state == "registered":
            fields.update(ack_reminded_at=complaint.ack_due_at)
        else:
            fields.update(resolve_reminded_at=complaint.resolve_due_at)
    if fields:
        Complaint.objects.filter(pk=complaint.pk).update(**fields)
    ComplaintEvent.objects.bulk_create(events)
