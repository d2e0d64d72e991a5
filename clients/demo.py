"""Demo clients: every stage, contracts with their projects and visit plans, visits done
and overdue, lost leads with reasons across months, archive hand-overs. Idempotent:
a second run adds nothing."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from clients import services
from clients.defaults import ensure_defaults
from clients.models import Client, ClientConsent, ClientEvent, FollowUpVisit, LostReason, PrivacyRequest
from clients.search import search_keys
from teams.demo import mobile, person_name

COMMUNITIES = {
    "静安区": ["静安花园", "达安花园", "中凯城市之光", "静安枫景"],
    "浦东新区": ["仁恒河滨城", "联洋花园", "汤臣一品", "世茂滨江花园"],
    "徐汇区": ["徐汇苑", "御桥花园", "建业里", "汇贤居"],
}
DISTRICTS = ["静安区", "浦东新区", "徐汇区"]
COMPETITORS = ["业之峰装饰", "东易日盛", "金螳螂家", "沪上名家", "本地游击队"]
STYLES = ["现代简约", "新中式", "北欧", "轻奢", "日式原木"]
OPINIONS = ["工人很守时，现场干净。", "希望水电改造前多沟通一次。", "设计师方案很用心。", "工期比预期略长。", ""]
# stage → how many open leads per team
CONSENT_METHODS = [ClientConsent.Method.VERBAL_CALL, ClientConsent.Method.VERBAL_VISIT, ClientConsent.Method.WRITTEN]
OPEN = [("new", 4), ("contacted", 4), ("measured", 3), ("proposal", 3), ("quoted", 3)]


def seed(ctx) -> None:
    ensure_defaults()
    if Client.objects.filter(team__in=ctx.teams).exists():
        ctx.log("  clients: already seeded")
        return
    rng, now, today = ctx.rng, ctx.now, ctx.today

    reasons = list(LostReason.objects.all())
    for index, team in enumerate(ctx.teams):
        consultant = ctx.users[f"consultant{index + 1}"]
        district = DISTRICTS[index % 3]

        for stage, count in OPEN:
            for _n in range(count):
                client = _new_client(ctx, team, consultant, district, 0)
                # a few slip (no movement for three weeks)
                _walk(ctx, client, consultant, stage, rng.choice([1, 2, 4, 6, 21]))
        # lost leads across the last six months
        for months_ago in range(6):
            for _n in range(rng.randint(1, 3)):
                client = _new_client(ctx, team, consultant, district, 30 * months_ago + 20)
                _walk(
                    ctx,
                    client,
                    consultant,
                    rng.choice(["contacted", "measured", "proposal", "quoted"]),
                    30 * months_ago + 5,
                )
                reason = rng.choice(reasons)
                services.lead_mark_lost(
                    client=client,
                    by=consultant,
                    reason=reason,
                    competitor=rng.choice(COMPETITORS) if reason.code in ("competitor", "price") else "",
                    notes="客户比较了三家报价。" if reason.code == "price" else "",
                    lost_at=now - dt.timedelta(days=30 * months_ago + rng.randint(0, 25)),
                )
        # signed clients with contracts, the project and the visit plan
        for signed_ago in (400, 200, 120, 60, 25, 5):
            client = _new_client(ctx, team, consultant, district, signed_ago + 10)
            _walk(ctx, client, consultant, "quoted", signed_ago + 3)
            signed = today - dt.timedelta(days=signed_ago)
            contract = services.contract_sign(
                client=client,
                by=consultant,
                data={
                    "signed_date": signed,
                    "address": client.address,
                    "floor_area": client.floor_area,
                    "style": rng.choice(STYLES),
                    "package": rng.choice(["全包", "半包", "整装套餐"]),
                    "design_fee": Decimal(rng.choice([5000, 8000, 12000, 20000])),
                    "construction_amount": Decimal(rng.randint(12, 60) * 10000),
                    "planned_start": signed + dt.timedelta(days=14),
                    "planned_finish": signed + dt.timedelta(days=14 + rng.randint(75, 120)),
                },
            )
            signed_at = timezone.make_aware(dt.datetime.combine(signed, dt.time(15)))
            client.events.filter(kind="contract").update(at=signed_at)
            Client.objects.filter(pk=client.pk).update(stage_changed_at=signed_at)
            project = contract.project
            project.designers.add(ctx.users[f"designer{index + 1}"])
            project.assistants.add(ctx.users[f"assistant{index + 1}"])
            project.project_manager = ctx.users[f"pm{index + 1}"]
            project.save(update_fields=["project_manager"])
            for payment in contract.payments.all():
                # 首期 received a day after signing, except on the newest contract (overdue on the board).
                if payment.triggered_on and signed_ago != 5:
                    services.receipt_record(
                        stage=payment,
                        by=consultant,
                        amount=payment.amount,
                        received_on=signed + dt.timedelta(days=1),
                        method=rng.choice(["bank", "wechat", "alipay"]),
                        number=f"SK{contract.number[3:]}-{payment.order}",
                    )
            for visit in FollowUpVisit.objects.filter(contract=contract, due_date__lt=today).order_by("due_date"):
                # most past visits done (some late), a few left overdue
                if rng.random() < 0.8 or visit.due_date < today - dt.timedelta(days=60):
                    done = timezone.make_aware(
                        dt.datetime.combine(visit.due_date + dt.timedelta(days=rng.choice([0, 0, 1, 3])), dt.time(10))
                    )
                    services.visit_record(
                        visit=visit,
                        by=consultant,
                        channel=visit.channel,
                        outcome="客户整体满意。",
                        satisfaction=rng.choice([3, 4, 4, 5, 5, 5]),
                        opinions=rng.choice(OPINIONS),
                        done_at=min(done, now),
                    )
            if signed_ago >= 200:
                handover = services.archive_hand_over(
                    client=client, by=consultant, documents=["contract", "drawings", "budget"], handed_on=today
                )
                if signed_ago == 400:
                    services.archive_receive(handover=handover, by=ctx.users["archive"], shelf_mark=f"A-{index + 1}-01")
        # one ad-hoc visit due today
        services.visit_create(
            client=client,
            by=consultant,
            point="客户来电询问进度回访",
            due_date=today,
            channel=FollowUpVisit.Channel.PHONE,
        )
        services.lost_report_save(
            team=team,
            month=(today.replace(day=1) - dt.timedelta(days=1)).replace(day=1),
            by=consultant,
            conclusions="上月丢单以价格因素为主，其次是竞争对手的套餐促销。",
            actions="1. 推出整装套餐；2. 量房后 48 小时内出方案；3. 每周复盘报价单。",
        )
    _privacy_requests(ctx)
    ctx.log(f"  clients: {Client.objects.count()} clients")


def demo_clients(ctx) -> list[Client]:
    """For the reception and complaints seeders: the clients seeded here, or a few of their own when
    this seeder did not run (an app's demo test seeds that app alone)."""
    clients = list(Client.objects.order_by("pk")[:60])
    if len(clients) >= 6:
        return clients
    for index, team in enumerate(ctx.teams):
        for n in range(4):
            phone = f"1391000{index}{n:03d}"
            name = person_name(ctx.rng)
            client, _ = Client.objects.get_or_create(
                phone=phone,
                defaults={
                    "name": name,
                    **search_keys(name=name, phone=phone),
                    "team": team,
                    "consultant": team.leader,
                    "stage": ctx.rng.choice([Client.Stage.SIGNED, Client.Stage.QUOTED, Client.Stage.MEASURED]),
                },
            )
            clients.append(client)
    return clients


def _new_client(ctx, team, consultant, district, stage_days_ago: int, **extra):
    rng, now = ctx.rng, ctx.now
    created = now - dt.timedelta(days=stage_days_ago + rng.randint(3, 20))
    client = services.client_create(
        created_by=consultant,
        data={
            "name": person_name(rng) + rng.choice(["先生", "女士"]),
            "phone": mobile(rng),
            "team": team,
            "consultant": consultant,
            "source": rng.choice(list(Client.Source.values)),
            "district": district,
            "community": rng.choice(COMMUNITIES[district]),
            "building": f"{rng.randint(1, 20)}号楼{rng.randint(1, 30)}0{rng.randint(1, 4)}",
            "property_type": rng.choice(["apartment"] * 4 + ["villa", "townhouse", "old_house"]),
            "floor_area": Decimal(rng.randint(60, 260)),
            "budget": rng.choice(list(Client.Budget.values)),
            "intent": rng.choice(list(Client.Intent.values)),
            "created_at": created,
            **extra,
        },
    )
    if client.source == Client.Source.REFERRAL:
        Client.objects.filter(pk=client.pk).update(referrer=person_name(rng))
    ClientEvent.objects.filter(client=client).update(at=created)
    if client.pk % 5:  # most told the privacy notice when they first came (by the pk: the random stream stays)
        services.consent_record(
            client=client,
            by=consultant,
            method=CONSENT_METHODS[client.pk % len(CONSENT_METHODS)],
            purpose=ClientConsent.Purpose.SERVICE,
            agreed_at=created,
        )
    return client


def _privacy_requests(ctx) -> None:
    """Two clients' requests on the deputy GM's desk: one to answer this week, one answered."""
    gm, clients = ctx.users["gm"], list(Client.objects.filter(team__in=ctx.teams).order_by("pk")[:2])
    if len(clients) < 2:
        return
    services.privacy_request_record(
        client=clients[0],
        by=gm,
        kind=PrivacyRequest.Kind.ACCESS,
        received_on=ctx.today - dt.timedelta(days=9),
        details="客户来电要求提供公司保存的其个人信息副本。",
    )
    answered = services.privacy_request_record(
        client=clients[1],
        by=gm,
        kind=PrivacyRequest.Kind.CORRECT,
        received_on=ctx.today - dt.timedelta(days=20),
        details="客户更换了手机号码，要求更正。",
    )
    services.privacy_request_answer(request=answered, by=gm, refused=False, answer="已核实身份并更正联系电话。")


def _walk(ctx, client, consultant, target: str, days_ago: int):
    """Move a lead forward to ``target``, one step every few days, the last ``days_ago`` days ago."""
    steps = []
    for stage in ["contacted", "measured", "proposal", "quoted"]:
        if client.stage == target:
            break
        steps.append(stage)
    for position, stage in enumerate(steps):
        at = ctx.now - dt.timedelta(days=days_ago + 4 * (len(steps) - 1 - position))
        services.lead_move(client=client, stage=stage, by=consultant, measured_on=timezone.localdate(at))
        client.events.filter(kind="stage", text__contains=client.get_stage_display()).filter(
            at__gt=ctx.now - dt.timedelta(minutes=5)
        ).update(at=at)
        Client.objects.filter(pk=client.pk).update(stage_changed_at=at)
