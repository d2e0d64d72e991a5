"""Demo calls and visits: the last two months and today, forwards in every state."""

import datetime as dt

from django.conf import settings

from clients.demo import demo_clients
from reception.models import Call, Callback, Extension, PhoneCall, Visit
from teams.calendar import add_working_minutes
from teams.demo import mobile, person_name

PURPOSES = [
    ("client", "询问工期进度"),
    ("client", "预约量房时间"),
    ("client", "反映墙面开裂"),
    ("client", "咨询增项费用"),
    ("prospect", "咨询全包套餐价格"),
    ("prospect", "了解老房翻新"),
    ("prospect", "看到抖音广告来电咨询"),
    ("supplier", "瓷砖到货时间确认"),
    ("supplier", "对账事宜"),
    ("other", "物业通知装修管理规定"),
]
VISIT_PURPOSES = ["参观样板间", "签约前看材料", "了解设计方案", "交定金", "投诉施工噪音", "领取竣工资料"]


def seed(ctx) -> None:
    seed_phone_system(ctx)
    if Call.objects.exists():
        return
    rng = ctx.rng
    desk = ctx.users["frontdesk"]
    clients = demo_clients(ctx)
    members = [u for name, u in ctx.users.items() if name.startswith(("consultant", "designer", "pm"))]
    calls = []
    for n in range(70):
        days_ago = 0 if n < 8 else rng.randrange(1, 60)
        at = ctx.now - dt.timedelta(days=days_ago, minutes=rng.randrange(0, 480) if days_ago else 20 + n * 25)
        caller_type, purpose = rng.choice(PURPOSES)
        client = rng.choice(clients) if caller_type == "client" else None
        call = Call(
            called_at=at,
            caller_name=client.name if client else person_name(rng),
            phone=client.phone if client else mobile(rng),
            caller_type=caller_type,
            purpose=purpose,
            summary=rng.choice(["", "客户语气较急，希望今天回电。", "已告知会有专人联系。"]),
            important=rng.random() < 0.3,
            client=client,
            logged_by=desk,
        )
        if call.important or rng.random() < 0.2:
            if client is not None and rng.random() < 0.5:
                call.forward_team = client.team
            else:
                call.forward_to = rng.choice(members)
            call.forwarded_at = at
            call.ack_due_at = add_working_minutes(at, settings.RECEPTION_FORWARD_ACK_MINUTES)
            if days_ago or n < 4:
                call.acknowledged_at = at + dt.timedelta(minutes=rng.randrange(2, 30))
                call.acknowledged_by = call.forward_to or call.forward_team.leader
            elif n == 5:
                # An overdue forward on today's board, already reminded.
                call.forwarded_at = call.called_at = ctx.now - dt.timedelta(hours=2)
                call.ack_due_at = ctx.now - dt.timedelta(hours=1)
                call.forward_reminded_at = call.ack_due_at
        calls.append(call)
    Call.objects.bulk_create(calls)

    visits = []
    for n in range(30):
        days_ago = 0 if n < 4 else rng.randrange(1, 60)
        at = ctx.now - dt.timedelta(days=days_ago, minutes=rng.randrange(0, 300) if days_ago else 30 + n * 40)
        client = rng.choice(clients) if rng.random() < 0.4 else None
        visits.append(
            Visit(
                visitor_name=client.name if client else person_name(rng),
                phone=client.phone if client else mobile(rng),
                purpose=rng.choice(VISIT_PURPOSES),
                host=rng.choice(members),
                client=client,
                party_size=rng.choice([1, 1, 2, 2, 3]),
                arrived_at=at,
                left_at=None if n < 2 else at + dt.timedelta(minutes=rng.randrange(20, 120)),
                logged_by=desk,
            )
        )
    Visit.objects.bulk_create(visits)


def seed_phone_system(ctx) -> None:
    """The front desk's extension 8001 (``manage.py fake_pbx --extension 8001``) and today's phone-system calls:
    one answered, two missed — one already called back without reaching the caller. No random numbers, so
    the other seeders' data stays the same."""
    desk = ctx.users["frontdesk"]
    Extension.objects.get_or_create(number="8001", defaults={"user": desk})
    if PhoneCall.objects.exists():
        return
    clients = demo_clients(ctx)
    now = ctx.now
    answered = now - dt.timedelta(minutes=95)
    PhoneCall.objects.create(
        call_id="demo-answered-1",
        from_number=clients[0].phone,
        to_number="4008001234",
        extension="8001",
        user=desk,
        client=clients[0],
        state=PhoneCall.State.ENDED,
        rang_at=answered - dt.timedelta(seconds=8),
        answered_at=answered,
        ended_at=answered + dt.timedelta(seconds=184),
        duration_seconds=184,
        cause="normalClearing",
    )
    first = PhoneCall.objects.create(
        call_id="demo-missed-1",
        from_number=clients[1].phone,
        to_number="4008001234",
        extension="8001",
        user=desk,
        client=clients[1],
        state=PhoneCall.State.MISSED,
        rang_at=now - dt.timedelta(minutes=50),
        ended_at=now - dt.timedelta(minutes=49),
        cause="cancel",
    )
    PhoneCall.objects.create(
        call_id="demo-missed-2",
        from_number="13677778888",
        to_number="4008001234",
        extension="8001",
        user=desk,
        state=PhoneCall.State.MISSED,
        rang_at=now - dt.timedelta(minutes=20),
        ended_at=now - dt.timedelta(minutes=19),
        cause="cancel",
    )
    Callback.objects.create(
        phone_call=first,
        by=desk,
        at=now - dt.timedelta(minutes=30),
        outcome=Callback.Outcome.NO_ANSWER,
        note="无人接听，稍后再拨",
    )
