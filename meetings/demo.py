"""Demo data of team life: schedules, two weeks of past meetings with
attendance, minutes and action items, today's and the next meeting, leave, trainings with feedback.

Deterministic from ctx.rng and idempotent (a second run adds nothing).
"""

import datetime as dt

from django.utils import timezone

from meetings import selectors, services
from meetings.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    MeetingAttendance,
    MemberLeave,
    Training,
    TrainingAttendance,
)
from teams.calendar import calendar_exceptions, is_working_day

PLACES = ["3楼大会议室", "2楼洽谈室", "设计部小会议室"]
TOPICS = [
    "静安寺王女士家水电验收时间确认",
    "本周量房安排与人员分工",
    "古北李先生方案第二稿客户意见",
    "瓷砖供应商到货延误，影响泥木进度",
    "上周投诉回访情况通报",
    "效果图出图排期调整",
    "工地安全文明施工检查结果",
    "月度目标进度：签单与回访",
    "新楼盘样板间活动客户跟进",
    "竣工资料移交行政部的清单核对",
]
ACTIONS = [
    "与客户确认橱柜尺寸并回复设计师",
    "联系材料商确认瓷砖到货日期",
    "整理本周回访记录并提交",
    "补齐竣工资料中的水电图",
    "安排施工队周六补做防水闭水试验",
    "修改客厅效果图灯光方案",
    "电话回访投诉客户确认处理结果",
    "更新施工进度表并发客户群",
]
MINUTES = [
    "1. 各项目进度正常，泥木阶段注意成品保护。\n2. 投诉处理需在时限内回复客户。\n3. 本周重点：两个新签单的开工交底。",
    "1. 设计方案修改需在周三前完成。\n2. 材料延误由项目经理跟进，每日反馈。\n3. 回访按计划完成，客户满意度良好。",
    "1. 上周行动项已完成大部分，剩余项延续跟进。\n2. 本周安排量房三处。\n3. 安全检查发现问题已整改。",
]
TRAININGS = [
    ("客户接待与沟通礼仪", "外聘顾问 陈老师", "external", "全体客服团队成员", None),
    ("施工工艺标准与验收要点", "工程部 刘工", "internal", "项目经理、设计师", 0),
    ("投诉处理流程与案例分析", "客服中心 王建国", "internal", "全体客服团队成员", None),
    ("效果图软件进阶（3D 渲染）", "外聘顾问 周老师", "external", "设计师、助理设计师", 1),
    ("客户信息保密制度", "行政部 赵敏", "internal", "全体员工", None),
    ("新材料与环保标准", "供应商培训讲师", "external", "设计师、项目经理", 2),
]
FEEDBACK = [
    "内容实用，案例很贴近工作。",
    "希望多一些实操练习。",
    "讲得清楚，收获很大。",
    "时间有点紧，建议分两次。",
    "",
]


def _past_meeting_days(schedule, today: dt.date, count: int) -> list[dt.date]:
    exceptions = calendar_exceptions(today - dt.timedelta(days=40), today)
    days, day = [], today - dt.timedelta(days=1)
    while len(days) < count and day > today - dt.timedelta(days=40):
        if is_working_day(day, weekdays=schedule.weekdays, exceptions=exceptions):
            days.append(day)
        day -= dt.timedelta(days=1)
    return sorted(days)


def seed_meetings(ctx, team, index: int) -> None:
    schedule = services.schedule_for(team=team)
    if not schedule.place:
        schedule.place = PLACES[index % len(PLACES)]
        schedule.save(update_fields=["place"])
    if Meeting.objects.filter(team=team, date__lt=ctx.today).exists():
        return
    rng = ctx.rng
    members = selectors.team_members(team=team)
    for n, date in enumerate(_past_meeting_days(schedule, ctx.today, 10)):
        meeting = services.meeting_for_day(team=team, date=date, schedule=schedule)
        for topic in rng.sample(TOPICS, rng.randint(1, 3)):
            AgendaItem.objects.create(
                meeting=meeting,
                author=rng.choice(members),
                text=topic,
                created_at=meeting.agenda_cutoff_at - dt.timedelta(hours=rng.randint(1, 20)),
            )
        for member in members:
            roll = rng.random()
            if roll < 0.82:
                status, reason = MeetingAttendance.Status.PRESENT, ""
            elif roll < 0.90:
                status, reason = MeetingAttendance.Status.LATE, "路上堵车"
            elif roll < 0.95:
                status, reason = MeetingAttendance.Status.ABSENT, "在工地处理紧急问题"
            elif roll < 0.98:
                status, reason = MeetingAttendance.Status.LEAVE, "事假"
            else:
                status, reason = MeetingAttendance.Status.ABSENT, ""
            MeetingAttendance.objects.create(
                meeting=meeting,
                member=member,
                status=status,
                reason=reason,
                recorded_by=meeting.chair,
                recorded_at=meeting.starts_at,
                flagged_at=meeting.starts_at if status == "absent" and not reason else None,
            )
        meeting.minutes = MINUTES[n % len(MINUTES)]
        meeting.minutes_by = meeting.chair
        meeting.held = True
        meeting.agenda_sent_at = meeting.agenda_cutoff_at
        meeting.reminder_sent_at = meeting.remind_at
        meeting.save()
        for text in rng.sample(ACTIONS, rng.randint(1, 2)):
            due = date + dt.timedelta(days=rng.randint(1, 5))
            done = None
            if rng.random() < 0.6 and due <= ctx.today:
                done = timezone.make_aware(dt.datetime.combine(due, dt.time(17, 0)))
            ActionItem.objects.create(
                meeting=meeting,
                text=text,
                owner=rng.choice(members),
                due_date=due,
                done_at=done,
                created_by=meeting.chair,
                created_at=meeting.starts_at,
            )
    services.meetings_plan(today=ctx.today)
    # Topics raised for today's and the next meeting (before their cut-off).
    for n, upcoming in enumerate(Meeting.objects.filter(team=team, date__gte=ctx.today).order_by("date")[:2]):
        for k in range(2 - n):
            AgendaItem.objects.create(
                meeting=upcoming,
                author=members[(index + k + n) % len(members)],
                text=TOPICS[(index * 3 + k + n * 5) % len(TOPICS)],
                created_at=min(ctx.now, upcoming.agenda_cutoff_at - dt.timedelta(hours=2 + k)),
            )


def seed_leave(ctx) -> None:
    member = ctx.users.get("designer1b")
    if member is None or MemberLeave.objects.filter(member=member).exists():
        return
    MemberLeave.objects.create(
        member=member,
        start_date=ctx.today + dt.timedelta(days=3),
        end_date=ctx.today + dt.timedelta(days=5),
        reason="年假",
        recorded_by=ctx.users.get("consultant1"),
    )


def seed_trainings(ctx) -> None:
    teams = ctx.teams
    for n, (topic, trainer, kind, audience, team_index) in enumerate(TRAININGS):
        if Training.objects.filter(topic=topic).exists():
            continue
        team = teams[team_index] if team_index is not None and team_index < len(teams) else None
        training = Training.objects.create(
            topic=topic,
            trainer=trainer,
            trainer_kind=kind,
            audience=audience,
            date=ctx.today - dt.timedelta(days=7 + n * 9) if n else ctx.today + dt.timedelta(days=6),
            start_time=dt.time(14, 0),
            place="公司培训室",
            team=team,
            description="",
            created_by=ctx.users.get("gm"),
        )
        if n == 0:
            continue  # upcoming: nobody has attended yet
        from meetings.training import training_roster

        for member in training_roster(training=training):
            attended = ctx.rng.random() < 0.85
            rated = attended and ctx.rng.random() < 0.7
            TrainingAttendance.objects.create(
                training=training,
                member=member,
                attended=attended,
                rating=ctx.rng.randint(3, 5) if rated else None,
                feedback=ctx.rng.choice(FEEDBACK) if rated else "",
                feedback_at=ctx.now if rated else None,
            )


def seed(ctx) -> None:
    for index, team in enumerate(ctx.teams):
        seed_meetings(ctx, team, index)
    seed_leave(ctx)
    seed_trainings(ctx)
