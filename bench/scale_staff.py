"""Company-scale staff for the benchmark: the teams and members ``seed_scale`` loads the bulk data onto."""

from django.contrib.auth.hashers import make_password

from teams.demo import mobile, person_name
from teams.models import Team, User
from teams.roles import Role

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


def seed_staff(ctx) -> None:
    """Company scale (``manage.py seed_scale --scale N``, N clients): teams up to 20, each topped up to
    15 staff (1 consultant, 4 designers, 4 assistants, 6 PMs; ~300 in all at full scale), front-desk clerks.
    Every app's records then go in bulk (bench/scale_seed.py)."""
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
