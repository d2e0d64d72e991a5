"""Demo projects: every phase, with plans, drawings (some late), reviews, budgets, disclosures,
changes, schedules, site logs with photos, inspections, crews with evaluations, completion
documents and maintenance requests. Deterministic from ctx.rng; a second run adds nothing."""

import io
import secrets
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from clients.models import Client
from projects.defaults import ensure_phase_template
from projects.models import (
    Attachment,
    BudgetRequest,
    CompletionItem,
    Crew,
    CrewEvaluation,
    DesignChange,
    DesignConsultation,
    DesignPlan,
    DesignReview,
    DrawingTask,
    Inspection,
    MaintenanceRequest,
    PhaseTemplate,
    Project,
    ProjectEvent,
    SchedulePhase,
    SiteLog,
    TechnicalDisclosure,
)
from teams.demo import mobile

CREWS = [
    ("老王拆改队", "王德福", "拆改"),
    ("李师傅水电队", "李建军", "水电"),
    ("张氏泥瓦队", "张有才", "泥瓦"),
    ("陈记木工队", "陈国强", "木工"),
    ("刘师傅油漆队", "刘长江", "油漆"),
    ("安装一队", "赵明亮", "安装"),
    ("洁净保洁队", "孙秀英", "保洁"),
    ("周师傅水电队", "周海涛", "水电"),
]
TRADE_OF_PHASE = {
    "demolition": "拆改",
    "plumbing_electrical": "水电",
    "masonry_tiling": "泥瓦",
    "carpentry": "木工",
    "painting": "油漆",
    "installation": "安装",
    "cleaning": "保洁",
}
STREETS = ["南京西路", "陆家嘴环路", "衡山路", "延安中路", "世纪大道", "漕溪北路", "长寿路", "张杨路"]
STYLES = ["现代简约", "北欧", "新中式", "轻奢", "日式原木", "美式"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
# (phase, days since the contract) for each demo project of a team.
SPECS = [
    ("design", 8),
    ("design", 30),
    ("construction", 70),
    ("construction", 100),
    ("completed", 150),
    ("warranty", 260),
    ("closed", 800),
]
WORK = {
    "demolition": "拆除原有墙体和地砖，清运建筑垃圾",
    "plumbing_electrical": "水电开槽、布管穿线，卫生间闭水试验",
    "masonry_tiling": "卫生间、厨房墙地砖铺贴，客厅地面找平",
    "carpentry": "吊顶龙骨安装，衣柜柜体制作",
    "painting": "墙面批腻子、打磨，刷底漆",
    "installation": "橱柜、洁具、灯具安装",
    "cleaning": "开荒保洁，垃圾清运",
}


def _photo(rng, label: str) -> bytes:
    image = Image.new("RGB", (640, 480), (rng.randrange(120, 220), rng.randrange(110, 200), rng.randrange(90, 180)))
    draw = ImageDraw.Draw(image)
    for _n in range(6):
        x, y = rng.randrange(0, 560), rng.randrange(0, 400)
        draw.rectangle([x, y, x + rng.randrange(30, 160), y + rng.randrange(20, 120)], outline=(60, 60, 60), width=3)
    draw.text((16, 16), label, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def _attach(project, by, rng, name, **owner):
    token = secrets.token_hex(16)
    data = _photo(rng, name)
    attachment = Attachment(
        project=project,
        token=token,
        extension=".jpg",
        original_name=f"{name}.jpg",
        content_type="image/jpeg",
        size=len(data),
        uploaded_by=by,
        **owner,
    )
    attachment.file.save(f"{token}.jpg", ContentFile(data), save=False)
    attachment.save()


def _aware(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _crews():
    crews = {}
    for number, (name, leader, trade) in enumerate(CREWS):
        crew, _created = Crew.objects.get_or_create(
            name=name, defaults={"leader": leader, "trade": trade, "phone": f"1391000{number:04d}"}
        )
        crews.setdefault(trade, crew)
    return crews


def seed(ctx) -> None:
    ensure_phase_template()
    crews = _crews()
    budget_clerk = ctx.users.get("budget")
    for index, team in enumerate(ctx.teams):
        n = index + 1
        people = {
            "consultant": ctx.users.get(f"consultant{n}"),
            "designer": ctx.users.get(f"designer{n}"),
            "assistant": ctx.users.get(f"assistant{n}"),
            "pm": ctx.users.get(f"pm{n}"),
        }
        if not all(people.values()):
            continue
        for number, (phase, age) in enumerate(SPECS):
            if phase == "closed" and index > 0:
                continue
            surname = SURNAMES[(index * 7 + number) % len(SURNAMES)]
            client_name = f"{surname}{'先生' if number % 2 else '女士'}"
            name = f"{client_name}·{STREETS[(index + number) % len(STREETS)]}"
            if Project.objects.filter(team=team, name=name).exists():
                continue
            client, _created = Client.objects.get_or_create(
                team=team,
                name=client_name,
                defaults={"phone": mobile(ctx.rng), "consultant": people["consultant"], "stage": Client.Stage.SIGNED},
            )
            _project(ctx, team, client, name, phase, age, people, crews, budget_clerk, number)


def _project(ctx, team, client, name, phase, age, people, crews, budget_clerk, number):  # noqa: C901
    rng, today = ctx.rng, ctx.today
    signed = today - timedelta(days=age)
    designer, assistant, pm, consultant = people["designer"], people["assistant"], people["pm"], people["consultant"]
    building_start = signed + timedelta(days=45)
    project = Project.objects.create(
        name=name,
        client=client,
        team=team,
        address=f"上海市{STREETS[number % len(STREETS)]}{rng.randrange(10, 999)}弄{rng.randrange(1, 30)}号",
        project_manager=pm,
        phase=phase,
        planned_start=signed + timedelta(days=7),
        planned_finish=building_start + timedelta(days=75),
        created_at=_aware(signed),
    )
    project.designers.set([designer])
    project.assistants.set([assistant])
    ProjectEvent.objects.create(project=project, at=_aware(signed), text="项目已开启")
    style = rng.choice(STYLES)
    stage = ["design", "construction", "completed", "warranty", "closed"].index(phase)
    early = phase == "design" and age < 15

    # Design plans: v1 (changes asked), v2 confirmed — or only v1 submitted for a young project.
    v1 = DesignPlan.objects.create(
        project=project,
        number=1,
        title=f"{style}方案",
        summary="客厅与餐厅打通，主卧增加衣帽间，厨房改为U型操作台。",
        created_by=designer,
        created_at=_aware(signed + timedelta(days=2)),
        status=DesignPlan.Status.SUBMITTED if early else DesignPlan.Status.REVISE,
        submitted_at=_aware(signed + timedelta(days=3)),
        client_notes="" if early else "希望增加储物空间，次卧改书房",
    )
    _attach(project, designer, rng, "plan-v1", plan=v1)
    if not early:
        v2 = DesignPlan.objects.create(
            project=project,
            number=2,
            title=f"{style}方案（修改）",
            summary="次卧改书房，玄关增加到顶鞋柜，阳台做洗衣区。",
            created_by=designer,
            created_at=_aware(signed + timedelta(days=7)),
            status=DesignPlan.Status.CONFIRMED,
            submitted_at=_aware(signed + timedelta(days=8)),
            confirmed_on=signed + timedelta(days=10),
            confirmed_by=client.name,
            client_notes="满意，按此方案出图",
        )
        _attach(project, designer, rng, "plan-v2", plan=v2)
        ProjectEvent.objects.create(
            project=project, actor=designer, at=_aware(signed + timedelta(days=10)), text="客户已确认设计方案 v2"
        )
    DesignConsultation.objects.create(
        project=project,
        date=signed + timedelta(days=4),
        question="卫生间能否做干湿分离？",
        answer="可以，淋浴区加玻璃隔断，预算约增加3000元。",
        recorded_by=designer,
    )

    # Drawing tasks: renderings and construction drawings; young projects have late or due ones.
    drawings = []
    for offset, (kind, title) in enumerate(
        [
            ("rendering", "客厅效果图"),
            ("rendering", "主卧效果图"),
            ("construction", "水电施工图"),
            ("construction", "全套施工图"),
        ]
    ):
        deadline = signed + timedelta(days=12 + offset * 3)
        if early:
            deadline = today + timedelta(days=offset - 1)
        delivered = None
        if not early or offset == 0:
            late_by = 2 if offset == 1 else 0
            delivered = _aware(deadline + timedelta(days=late_by), 17)
        if phase == "design" and not early and offset == 3:
            deadline, delivered = today - timedelta(days=2), None  # late, still open
        drawings.append(
            DrawingTask.objects.create(
                project=project,
                kind=kind,
                title=title,
                assignee=assistant,
                deadline=deadline,
                delivered_at=delivered,
                created_by=designer,
            )
        )
        if delivered:
            _attach(project, assistant, rng, title, drawing=drawings[-1])
    if early:
        return

    review = DesignReview.objects.create(
        project=project,
        date=signed + timedelta(days=20),
        other_attendees="材料部 王工",
        opinions="1. 主卧衣柜深度不足；2. 厨房插座数量偏少。",
        decisions="衣柜深度改为600mm，厨房增加4个插座。",
        recorded_by=designer,
    )
    review.attendees.set([designer, assistant, pm, consultant])
    drawings[1].revision_count = 1
    drawings[1].save(update_fields=["revision_count"])
    DrawingTask.objects.create(
        project=project,
        kind="rendering",
        title="主卧效果图（第 1 次修改）",
        assignee=assistant,
        deadline=signed + timedelta(days=23),
        delivered_at=_aware(signed + timedelta(days=22), 16),
        revision_of=drawings[1],
        review=review,
        created_by=designer,
    )
    returned = stage > 0
    BudgetRequest.objects.create(
        project=project,
        plan=project.plans.get(number=2),
        requested_by=designer,
        clerk=budget_clerk,
        quantities="客厅 32㎡ 地砖；卫生间 2 间墙地砖；全屋墙面 260㎡ 乳胶漆；定制柜 18㎡",
        requested_at=_aware(signed + timedelta(days=21)),
        due_on=signed + timedelta(days=24) if returned else today + timedelta(days=1),
        status=BudgetRequest.Status.RETURNED if returned else BudgetRequest.Status.REQUESTED,
        returned_at=_aware(signed + timedelta(days=23), 15) if returned else None,
        amount=Decimal(rng.randrange(120, 380) * 1000) if returned else None,
        clerk_notes="含主材，不含家电" if returned else "",
    )
    if stage == 0:
        return

    # Construction: plan, disclosure, schedule from the template.
    project.construction_method = "先水电后泥瓦，木作与油漆交叉施工；卫生间闭水48小时。"
    project.safety_plan = "临时用电三级配电两级保护；动火作业审批；高处作业系安全带；每日收工断电、清理现场。"
    project.actual_start = building_start
    project.save(update_fields=["construction_method", "safety_plan", "actual_start"])
    ProjectEvent.objects.create(project=project, actor=pm, at=_aware(building_start, 9), text="阶段：设计 → 施工")
    TechnicalDisclosure.objects.create(
        project=project,
        date=building_start - timedelta(days=2),
        designer=designer,
        project_manager=pm,
        crew=crews.get("水电"),
        crew_leader=crews["水电"].leader if crews.get("水电") else "李建军",
        points="1. 强弱电间距不小于30cm；2. 卫生间防水墙面上翻1.8m；3. 厨房吊柜位置预埋加固。",
        designer_confirmed_at=_aware(building_start - timedelta(days=2), 11),
        pm_confirmed_at=_aware(building_start - timedelta(days=2), 11),
        crew_confirmed_at=_aware(building_start - timedelta(days=2), 12),
        recorded_by=pm,
    )
    cursor = building_start
    elapsed = age - 45  # days of construction so far
    for order, row in enumerate(PhaseTemplate.objects.filter(is_active=True).order_by("order", "pk"), start=1):
        kind, days = row.kind, row.duration
        planned_finish = cursor + timedelta(days=days - 1)
        slip = rng.choice([0, 0, 1, 2, -1])
        actual_start = cursor if (cursor - building_start).days <= elapsed else None
        actual_finish = planned_finish + timedelta(days=slip) if actual_start else None
        if actual_finish and actual_finish > today - timedelta(days=1):
            actual_finish = None if stage == 1 else today - timedelta(days=1)
        phase_row = SchedulePhase.objects.create(
            project=project,
            kind=kind,
            name=row.name,
            template=row,
            gates_later=row.gates_later,
            order=order,
            crew=crews.get(TRADE_OF_PHASE.get(kind, "")),
            planned_start=cursor,
            planned_finish=planned_finish,
            actual_start=actual_start,
            actual_finish=actual_finish,
        )
        if actual_finish:
            inspector_day = actual_finish
            if kind in ("plumbing_electrical", "masonry_tiling") and number % 2:
                first = Inspection.objects.create(
                    phase=phase_row,
                    inspected_on=inspector_day,
                    inspector=pm,
                    result=Inspection.Result.RECTIFY,
                    notes="局部不合格",
                    rectify_items="卫生间地漏坡度不足\n插座面板未对齐",
                    reinspect_by=inspector_day + timedelta(days=2),
                )
                _attach(project, pm, rng, f"{kind}-rectify", inspection=first)
                inspector_day += timedelta(days=2)
            passed = Inspection.objects.create(
                phase=phase_row,
                inspected_on=inspector_day,
                inspector=pm,
                result=Inspection.Result.PASS,
                notes="验收合格",
            )
            _attach(project, pm, rng, f"{kind}-pass", inspection=passed)
            if phase_row.crew:
                CrewEvaluation.objects.create(
                    crew=phase_row.crew,
                    phase=phase_row,
                    evaluated_by=pm,
                    evaluated_on=inspector_day,
                    quality=rng.choice([3, 4, 4, 5, 5]),
                    schedule=5 if slip <= 0 else rng.choice([2, 3]),
                    tidiness=rng.choice([3, 4, 5]),
                    safety=rng.choice([4, 5]),
                    cooperation=rng.choice([3, 4, 5]),
                    comments=rng.choice(["做工细致", "现场需更整洁", "配合积极", "工期略有拖延", ""]),
                )
        cursor = planned_finish + timedelta(days=1)

    # Site logs with photos for the last days of construction (the newest ones for projects being built).
    last_day = today if stage == 1 else min(today, cursor)
    for back in range(6 if stage == 1 else 3):
        day = last_day - timedelta(days=back + (1 if stage == 1 and number % 2 else 0))
        if day < building_start:
            break
        current = project.phases.filter(planned_start__lte=day).order_by("-order").first()
        log = SiteLog.objects.create(
            project=project,
            date=day,
            author=pm,
            weather=rng.choice(["晴", "多云", "阴", "小雨"]),
            workers_on_site=rng.randrange(2, 9),
            work_done=WORK.get(current.kind if current else "demolition"),
            problems=rng.choice(["", "", "", "楼下邻居反映噪音，已调整作业时间"]),
            created_at=_aware(day, 18),
        )
        for photo in range(rng.randrange(1, 3)):
            _attach(project, pm, rng, f"log-{day:%m%d}-{photo}", site_log=log)

    change = DesignChange.objects.create(
        project=project,
        reason="业主希望厨房改为开放式",
        content="拆除厨房与餐厅间非承重墙，增加岛台",
        cost_impact=Decimal("6800"),
        schedule_impact_days=4,
        status=DesignChange.Status.APPROVED if stage > 1 or number % 2 else DesignChange.Status.PROPOSED,
        requested_by=designer,
        created_at=_aware(building_start + timedelta(days=5)),
        decided_on=building_start + timedelta(days=6) if stage > 1 or number % 2 else None,
        client_signed_by=client.name if stage > 1 or number % 2 else "",
    )
    change.affected_drawings.set([drawings[3]])
    if stage == 1:
        return

    # Completion, warranty, closed.
    finish = max(p.actual_finish for p in project.phases.all() if p.actual_finish) if project.phases.exists() else today
    project.actual_finish = finish
    kinds = CompletionItem.Kind.values if stage > 2 else CompletionItem.Kind.values[:3]
    for kind in kinds:
        item = CompletionItem.objects.create(
            project=project, kind=kind, collected_by=pm if kind != "as_built" else designer, collected_at=_aware(finish)
        )
        _attach(project, pm, rng, kind, completion_item=item)
    fields = ["actual_finish"]
    if stage > 2:
        project.completion_handed_over_at = _aware(finish + timedelta(days=3))
        project.completion_handed_to = consultant
        project.warranty_until = finish.replace(year=finish.year + 2)
        fields += ["completion_handed_over_at", "completion_handed_to", "warranty_until"]
    if stage == 4:
        project.warranty_until = today - timedelta(days=5)
    project.save(update_fields=fields)
    ProjectEvent.objects.create(project=project, actor=pm, at=_aware(finish, 17), text="阶段：施工 → 已竣工")
    if stage > 2:
        ProjectEvent.objects.create(
            project=project, actor=pm, at=_aware(finish + timedelta(days=3)), text=f"竣工资料已移交给 {consultant}"
        )
    if stage >= 2:
        MaintenanceRequest.objects.create(
            project=project,
            source=MaintenanceRequest.Source.CALL,
            description="卫生间淋浴区地漏返味",
            reported_on=today - timedelta(days=20),
            crew=crews.get("水电"),
            promised_on=today - timedelta(days=15),
            done_on=today - timedelta(days=16),
            work_notes="更换防臭地漏芯",
            client_confirmed_on=today - timedelta(days=14) if stage > 2 else None,
            client_feedback="已解决，满意" if stage > 2 else "",
            status=MaintenanceRequest.Status.CONFIRMED if stage > 2 else MaintenanceRequest.Status.DONE,
            created_by=pm,
        )
    if stage == 3:
        MaintenanceRequest.objects.create(
            project=project,
            source=MaintenanceRequest.Source.FOLLOW_UP,
            description="主卧衣柜门变形，关不严",
            reported_on=today - timedelta(days=6),
            crew=crews.get("木工"),
            promised_on=today - timedelta(days=2),
            created_by=pm,
        )
        MaintenanceRequest.objects.create(
            project=project,
            source=MaintenanceRequest.Source.COMPLAINT,
            description="客厅墙面出现细小裂缝",
            reported_on=today - timedelta(days=1),
            crew=crews.get("油漆"),
            promised_on=today + timedelta(days=3),
            created_by=pm,
        )
