"""Staff and teams."""

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from teams.models.history import HistoryTexts
from teams.roles import TEAM_ROLES, Role


class TeamQuerySet(models.QuerySet):
    def editable_by(self, user):
        """The teams whose settings ``user`` may change: every team for the deputy GM, their own team for its
        leader (the consultant, DOMAIN.md); none for anyone else."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_all:
            return self
        return self.filter(leader=user, leader__is_active=True)


class Team(models.Model):
    """A customer-service team (客户服务团队), led by its client consultant."""

    class RobotKind(models.TextChoices):
        # The group robots the product posts to (teams/robots.py).
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")

    name = models.CharField(_("name"), max_length=60, unique=True)
    leader = models.ForeignKey(
        "teams.User",
        verbose_name=_("leader (consultant)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
    )
    # WeCom (企业微信) / DingTalk (钉钉) group-robot address; empty = no team channel. Edited on the team's
    # settings page (teams/views_settings.py), which also tests it.
    webhook_url = models.URLField(_("group robot webhook"), blank=True)
    robot_kind = models.CharField(_("group robot kind"), max_length=10, choices=RobotKind.choices, blank=True)
    # DingTalk's 加签 secret (SEC…): signs every post. A secret: never shown back in full (``robot_secret_hint``),
    # kept out of the admin, the logs and every export.
    robot_secret = models.CharField(_("group robot secret"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        """The group robot's settings hold together wherever they are edited, the admin included: an allowed
        host, the kind the address belongs to, the robot's key in it, a DingTalk secret only for DingTalk
        (teams/robots.py robot_check). A robot moved to WeCom leaves its DingTalk secret behind, as on the
        team's settings page (teams/forms.py TeamRobotForm)."""
        from teams import robots

        super().clean()
        self.webhook_url = (self.webhook_url or "").strip()
        if not self.webhook_url or (self.robot_kind or robots.detect_kind(self.webhook_url)) == robots.WECOM:
            self.robot_secret = ""
        self.robot_kind = robots.robot_check(kind=self.robot_kind, url=self.webhook_url, secret=self.robot_secret)

    @property
    def robot_secret_hint(self) -> str:
        """The saved secret as it may be shown: its first three and last four characters."""
        secret = self.robot_secret
        if not secret:
            return ""
        return f"{secret[:3]}…{secret[-4:]}" if len(secret) > 12 else "…"

    @property
    def leader_is_away(self) -> bool:
        """No leader, or a leader who has left (deactivated)."""
        return self.leader is None or not self.leader.is_active

    def responsible(self, preferred: "User | None" = None) -> "User | None":
        """Who takes work routed to this team (or to ``preferred`` in it): ``preferred``
        while active, else the leader while active, else the deputy GM. Every automatic
        assignment and reminder goes through here, so none lands on someone who has left."""
        return responsible(team=self, preferred=preferred)


def responsible(*, team: Team | None, preferred: "User | None" = None) -> "User | None":
    """``Team.responsible``, also for work without a team (the deputy GM takes it)."""
    if preferred is not None and preferred.is_active:
        return preferred
    if team is not None and not team.leader_is_away:
        return team.leader
    return User.objects.deputy_gms().order_by("pk").first()


class UserQuerySet(models.QuerySet):
    """Writes that send no ``post_save`` still drop the users they change from the signed-in user cache
    (teams/auth_cache.py): a deactivation or a role change by ``update()`` is seen on the next request."""

    def update(self, **kwargs):
        from teams.auth_cache import forget_user

        ids = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        for pk in ids:
            forget_user(pk)
        return count

    def bulk_update(self, objs, fields, batch_size=None):
        from teams.auth_cache import forget_user

        count = super().bulk_update(objs, fields, batch_size=batch_size)
        for obj in objs:
            forget_user(obj.pk)
        return count


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def deputy_gms(self):
        """The active deputy general managers: who escalations and summaries go to."""
        return self.filter(role=Role.DEPUTY_GM, is_active=True)

    def create_user(self, username, password=None, **fields):
        user = self.model(username=username, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("role", Role.DEPUTY_GM)
        return self.create_user(username, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff. One full name: Chinese names do not split into first/last."""

    username = models.CharField(_("username"), max_length=150, unique=True, validators=[UnicodeUsernameValidator()])
    full_name = models.CharField(_("full name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The client's page (portal/) names the team; a member's phone shows there only if they chose it.
    phone_on_client_page = models.BooleanField(
        _("show my phone on my clients' page"), default=False, help_text=_("Off: clients see the company hotline only.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    # The person's member ID in the company's WeCom (企业微信): signs them in and receives WeCom messages
    # (teams/wecom.py). Set in the admin, or by the deputy GM confirming a first sign-in matched by mobile.
    wecom_userid = models.CharField(
        _("WeCom user ID"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The member's account (UserID) in the company's WeCom; empty: not linked."),
    )
    # The language last chosen with the switch (teams.views.language_set): e-mails are written in it.
    # Empty: the site language.
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("admin site access"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["full_name"]
        constraints = [
            # Team roles need a team; company-wide roles belong to none.
            models.CheckConstraint(
                condition=(models.Q(role__in=sorted(r.value for r in TEAM_ROLES)) & models.Q(team__isnull=False))
                | (~models.Q(role__in=sorted(r.value for r in TEAM_ROLES)) & models.Q(team__isnull=True)),
                name="user_team_matches_role",
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name

    @property
    def sees_all(self) -> bool:
        """The deputy GM (and a superuser) see every team's records."""
        return self.is_superuser or self.role == Role.DEPUTY_GM

    def has_role(self, *roles) -> bool:
        return self.is_superuser or self.role in roles


class StaffChangeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The deputy GM (and a superuser) reads the history of staff accounts."""
        return (
            self.all() if user.is_authenticated and (user.is_superuser or user.role == Role.DEPUTY_GM) else self.none()
        )


class StaffChange(HistoryTexts):
    """One change of a staff account that decides what its holder may see: role, team, active flag, admin
    rights, groups and permissions, the second factor's reset — who changed it, when, from what to what
    (written from ``teams.audit.changes_against_db``; appended, never edited)."""

    user = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="account_changes")
    changed_by = models.ForeignKey(
        User, verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    field = models.CharField(_("field"), max_length=40)
    label = models.CharField(pgettext_lazy("history", "what"), max_length=80)
    old_value = models.CharField(_("from"), max_length=300, blank=True)
    new_value = models.CharField(_("to"), max_length=300, blank=True)

    objects = StaffChangeQuerySet.as_manager()

    TEXT_COLUMNS = {"label": "label", "old": "old_value", "new": "new_value"}

    class Meta:
        verbose_name = _("staff account change")
        verbose_name_plural = _("staff account changes")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["-at"], name="staffchange_at"),
            models.Index(fields=["user", "-at"], name="staffchange_user_at"),
        ]

    def __str__(self):
        return f"{self.user} {self.label}: {self.old_value} → {self.new_value}"
