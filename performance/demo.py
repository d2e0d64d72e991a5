"""Demo: target cards and appraisals for the past months, team targets,
highlights, and two past monthly reports per team (one sent, one draft).

Figures come from whatever spine records the other apps seeded before us.
Idempotent: cards, targets and reports are unique per month; highlights are
added only to a team that has none.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import F
from django.test.utils import override_settings

from performance import services
from performance.defaults import ensure_default_templates
from performance.models import (
    CardItem,
    Highlight,
    MonthlyReport,
    ReportEvent,
    RoleTemplateItem,
    TargetCard,
    TeamTarget,
)
from performance.rollups import rollups_rebuild
from teams.models import User
from teams.roles import Role

SELF_ASSESSMENTS = [
    "本月按计划完成主要工作,客户回访及时,个别图纸因客户反复修改略有延误。",
    "积极配合团队完成签约目标,参加了服务礼仪培训,下月重点提升沟通效率。",
    "工地巡查到位,验收一次通过率有所提高,需加强施工队现场管理。",
]
COMMENTS = [
    "工作态度认真,目标完成较好,继续保持。",
    "整体达标,建议加强与设计师的协同,减少返工。",
]
HIGHLIGHTS = [
    ("客户送来锦旗", "业主在竣工回访时专程送来锦旗,感谢团队在工期紧张的情况下保证了施工质量。"),
    ("雨夜抢修漏水", "接到业主报修后,项目经理当晚赶到现场排查,两小时内止住漏水,客户非常满意。"),
    ("方案一次通过", "设计方案在方案会审中一次通过,客户当场确认,为签约赢得了时间。"),
]
NARRATIVE = (
    "本月团队坚持每天召开沟通协调会议,问题当天提出、当天跟进。我们整理了两则客户服务小故事,支持公司企业文化和网站建设。"
)


def _month(today: dt.date, back: int) -> dt.date:
    month = today.replace(day=1)
    for _i in range(back):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def seed(ctx) -> None:
    # The other apps' seeders write some facts in bulk (around their services): count them once.
    rollups_rebuild()
    ensure_default_templates(RoleTemplateItem)
    gm = ctx.users.get("gm") or User.objects.filter(role=Role.DEPUTY_GM).first()
    months = [_month(ctx.today, back) for back in (3, 2, 1, 0)]
    for month in months:
        services.card_create_for_month(month=month)
    # Past months go through the whole appraisal; last month waits for the deputy GM; this month is open.
    for month, target in zip(months, ["approved", "approved", "reviewed", "draft"], strict=True):
        for card in TargetCard.objects.filter(month=month, state=TargetCard.State.DRAFT).select_related("member"):
            _advance(ctx, card, target, gm)
    for team in ctx.teams:
        for index, month in enumerate(months):
            TeamTarget.objects.get_or_create(
                team=team,
                month=month,
                defaults={
                    "signings": 8 + index + ctx.rng.randrange(3),
                    "contract_value": Decimal(1_500_000 + 100_000 * ctx.rng.randrange(6)),
                    "complaint_closure": Decimal(90),
                    "satisfaction": Decimal("4.5"),
                    "set_by": gm,
                },
            )
        if not Highlight.objects.filter(team=team).exists() and team.leader_id:
            members = list(User.objects.filter(team=team).order_by("pk"))
            for back, (title, story) in zip((1, 0), ctx.rng.sample(HIGHLIGHTS, 2), strict=True):
                highlight = services.highlight_give(
                    team=team, member=ctx.rng.choice(members), title=title, story=story, given_by=team.leader
                )
                Highlight.objects.filter(pk=highlight.pk).update(created_at=ctx.now - dt.timedelta(days=30 * back + 3))
    _reports(ctx, months, gm)


def _advance(ctx, card, target, gm):
    order = ["draft", "confirmed", "self_assessed", "reviewed", "approved"]
    member = card.member
    leader = card.team.leader if card.team_id else None
    reviewer = leader if leader and leader.pk != member.pk else gm
    if target == "draft":
        return
    for item in CardItem.objects.filter(card=card, metric="manual"):
        CardItem.objects.filter(pk=item.pk).update(
            actual=(item.target * Decimal(ctx.rng.choice([80, 95, 100, 110])) / 100)
        )
    steps = order[1 : order.index(target) + 1]
    for step in steps:
        card.refresh_from_db()
        if step == "confirmed":
            services.card_confirm(card=card, user=member, version=card.version)
        elif step == "self_assessed":
            services.card_self_assess(
                card=card, user=member, version=card.version, text=ctx.rng.choice(SELF_ASSESSMENTS), manual={}
            )
        elif step == "reviewed" and reviewer is not None:
            adjustment = Decimal(ctx.rng.choice([0, 0, 2, -2]))
            services.card_review(
                card=card,
                user=reviewer,
                version=card.version,
                comment=ctx.rng.choice(COMMENTS),
                adjustment=adjustment,
                reason="主动承担额外工作" if adjustment > 0 else ("回访记录不完整" if adjustment else ""),
            )
        elif step == "approved" and gm is not None:
            services.card_approve(card=card, user=gm, version=card.version)


def _reports(ctx, months, gm):
    """Two months ago: approved and sent (archived PDF + Excel); last month: a draft."""
    sent_month, draft_month = months[1], months[2]
    for team in ctx.teams:
        draft = services.report_generate(team=team, month=draft_month)
        if not draft.narrative:
            MonthlyReport.objects.filter(pk=draft.pk).update(narrative=NARRATIVE, version=F("version") + 1)
        report = services.report_generate(team=team, month=sent_month)
        if report.state == MonthlyReport.State.DRAFT:
            MonthlyReport.objects.filter(pk=report.pk).update(
                narrative=NARRATIVE,
                state=MonthlyReport.State.APPROVED,
                approved_by=gm,
                approved_at=ctx.now,
                version=F("version") + 1,
            )
            ReportEvent.objects.create(report=report, actor=gm, action="approved")
        if report.sent_at is None:
            # The demo does not e-mail headquarters: the message goes to the in-memory outbox.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                services.report_send(report_id=report.pk)
