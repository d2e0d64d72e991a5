"""Demo staff and teams: the README's demo logins (company-scale staff: bench/scale_staff.py)."""

from contextlib import suppress

from django.conf import settings

from teams.calendar import holidays_import
from teams.models import Team, User
from teams.roles import Role
from teams.services import user_sync_role_group

TEAM_NAMES = ["静安一组", "浦东二组", "徐汇三组"]

# username, full name, role, team (index into TEAM_NAMES) — the README's table.
DEMO_LOGINS = [
    ("gm", "王建国", Role.DEPUTY_GM, None),
    ("frontdesk", "李小红", Role.FRONT_DESK, None),
    ("archive", "赵敏", Role.ADMIN_CLERK, None),
    ("budget", "孙建华", Role.BUDGET_CLERK, None),
    ("consultant1", "张伟", Role.CONSULTANT, 0),
    ("designer1", "刘洋", Role.DESIGNER, 0),
    ("assistant1", "陈静", Role.ASSISTANT_DESIGNER, 0),
    ("pm1", "杨强", Role.PROJECT_MANAGER, 0),
    ("consultant2", "周杰", Role.CONSULTANT, 1),
    ("designer2", "吴芳", Role.DESIGNER, 1),
    ("assistant2", "郑丽", Role.ASSISTANT_DESIGNER, 1),
    ("pm2", "何军", Role.PROJECT_MANAGER, 1),
    ("consultant3", "马丽娟", Role.CONSULTANT, 2),
    ("designer3", "胡斌", Role.DESIGNER, 2),
    ("assistant3", "林晓", Role.ASSISTANT_DESIGNER, 2),
    ("pm3", "高峰", Role.PROJECT_MANAGER, 2),
]
# A second designer and PM in team 1: a typical team has 1–2 of each besides its consultant.
EXTRA_STAFF = [
    ("designer1b", "罗敏", Role.DESIGNER, 0),
    ("pm1b", "梁伟", Role.PROJECT_MANAGER, 0),
]

# The demo teams' group robots (team index, kind, path on DEMO_ROBOTS_URL, DingTalk secret): 静安一组 a WeCom
# robot, 浦东二组 a DingTalk robot with 加签, 徐汇三组 none. ``manage.py fake_robots`` knows these by default.
DEMO_ROBOTS = [
    (0, "wecom", "/cgi-bin/webhook/send?key=demo-jingan-wecom-key", ""),
    (1, "dingtalk", "/robot/send?access_token=demo-pudong-dingtalk-token", "SECdemo0pudong0dingtalk0secret"),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玲飞鹏辉宇浩晨佳琳雪梅斌波峰亮"


def person_name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def mobile(rng) -> str:
    return (
        rng.choice(["138", "139", "137", "136", "135", "150", "151", "158", "186", "188", "177", "199"])
        + f"{rng.randrange(10**8):08d}"
    )


def seed_calendar(ctx) -> None:
    """This year's and next year's holidays and make-up days from chinesecalendar, where it knows them."""
    for year in (ctx.today.year, ctx.today.year + 1):
        # Not published yet: the deputy GM's home asks for it from 1 December.
        with suppress(NotImplementedError):
            holidays_import(year)


def seed_robots(teams) -> None:
    """Point the demo teams' robots at the local fake (DEMO_ROBOTS_URL), unless one was set already."""
    if not settings.DEMO_ROBOTS_URL:
        return
    for index, kind, path, secret in DEMO_ROBOTS:
        team = teams[index]
        if not team.webhook_url:
            team.webhook_url, team.robot_kind, team.robot_secret = settings.DEMO_ROBOTS_URL + path, kind, secret
            team.save(update_fields=["webhook_url", "robot_kind", "robot_secret"])


def seed(ctx) -> None:
    seed_calendar(ctx)
    teams = [Team.objects.get_or_create(name=name)[0] for name in TEAM_NAMES]
    for username, full_name, role, team_index in DEMO_LOGINS + EXTRA_STAFF:
        team = teams[team_index] if team_index is not None else None
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username,
                ctx.password,
                full_name=full_name,
                role=role,
                team=team,
                phone=mobile(ctx.rng),
                email=f"{username}@example.com",
                # The deputy GM keeps the admin's lists (常用语, deadline rules) for the company.
                is_staff=role == "deputy_gm",
            )
            user_sync_role_group(user=user)
        # The demo logins are linked to the demo WeCom (`make run`'s fake_wecom) under their username; the two
        # extra staff are not: signing in as them in WeCom shows the mobile match the deputy GM confirms.
        linked = user.wecom_userid is not None or User.objects.filter(wecom_userid=username).exists()
        if not linked and (username, full_name, role, team_index) in DEMO_LOGINS:
            user.wecom_userid = username
            user.save(update_fields=["wecom_userid"])
        ctx.users[username] = user
    for index, team in enumerate(teams):
        if team.leader_id is None:
            team.leader = ctx.users[f"consultant{index + 1}"]
            team.save(update_fields=["leader"])
    seed_robots(teams)
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", ctx.password, full_name="系统管理员", email="admin@example.com")
    ctx.teams = teams
