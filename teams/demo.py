"""Demo staff and teams: the README's demo logins, and more staff at scale."""

from contextlib import suppress

from django.contrib.auth.hashers import make_password

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
            )
            user_sync_role_group(user=user)
        ctx.users[username] = user
    for index, team in enumerate(teams):
        if team.leader_id is None:
            team.leader = ctx.users[f"consultant{index + 1}"]
            team.save(update_fields=["leader"])
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", ctx.password, full_name="系统管理员", email="admin@example.com")
    ctx.teams = teams


SCALE_DISTRICTS = ["长宁", "普陀", "虹口", "杨浦", "闵行", "宝山", "嘉定", "松江", "青浦", "奉贤"]
NUMERALS = "一二三四五六七八九十"


def scale_team_name(n: int) -> str:
    """The (n+1)th team: 长宁四组, 普陀五组, … (numerals up to 二十)."""
    k = n + 1
    if k <= 10:
        numeral = NUMERALS[k - 1]
    else:
        tens, ones = divmod(k, 10)
        numeral = ("" if tens == 1 else NUMERALS[tens - 1]) + "十" + (NUMERALS[ones - 1] if ones else "")
    return f"{SCALE_DISTRICTS[n % len(SCALE_DISTRICTS)]}{numeral}组"


def seed_scale(ctx) -> None:
    """Company scale for benchmarks (``seed_demo --scale N``, N clients): teams up to 20, each topped up to
    15 staff (1 consultant, 4 designers, 4 assistants, 6 PMs; ~300 in all at full scale), front-desk clerks,
    then every app's records in bulk (bench/scale_seed.py: one table list, COPY on PostgreSQL)."""
    from bench.scale_seed import seed_scale as bulk_load

    wanted = min(20, max(3, ctx.scale // 5000))
    have = Team.objects.count()
    Team.objects.bulk_create([Team(name=scale_team_name(n)) for n in range(have, wanted)])
    teams = list(Team.objects.order_by("pk"))
    layout = {Role.CONSULTANT: 1, Role.DESIGNER: 4, Role.ASSISTANT_DESIGNER: 4, Role.PROJECT_MANAGER: 6}
    users = []
    for team in teams:
        for role, count in layout.items():
            have_role = User.objects.filter(team=team, role=role).count()
            for i in range(have_role, count):
                users.append(
                    User(
                        username=f"t{team.pk}_{role}_{i}",
                        full_name=person_name(ctx.rng),
                        role=role,
                        team=team,
                        phone=mobile(ctx.rng),
                        password=make_password(None),  # unusable: scale staff do not log in
                    )
                )
    desks = max(1, min(4, ctx.scale // 25000)) - User.objects.filter(role=Role.FRONT_DESK).count()
    for i in range(desks):
        users.append(
            User(
                username=f"frontdesk_s{i + 1}",
                full_name=person_name(ctx.rng),
                role=Role.FRONT_DESK,
                phone=mobile(ctx.rng),
                password=make_password(None),
            )
        )
    User.objects.bulk_create(users)
    for team in teams:
        if team.leader_id is None:
            team.leader = User.objects.filter(team=team, role=Role.CONSULTANT).order_by("pk").first()
            team.save(update_fields=["leader"])
    ctx.teams = teams
    ctx.timings = bulk_load(ctx, seed=ctx.seed, out=ctx.log)
