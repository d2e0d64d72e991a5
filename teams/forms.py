"""Form bases every form of the product builds on.

``Form`` / ``ModelForm`` refuse control characters in one-line text fields: a caller
name or title with ``\\x00``, ``\\x1b`` or a line separator can never become an
e-mail subject, an Excel cell or a notification title that fails to deliver.
``SubmitOnce`` adds the one-time token of a create form (``teams.submissions``).
"""

import unicodedata
import uuid
from datetime import timedelta

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.template import loader
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from teams import robots
from teams.access import client_ip
from teams.models import NotificationKind, Team, User
from teams.services import email_later

# Cc: C0/C1 controls (NUL, ESC, tab, newline…); Zl/Zp: U+2028/U+2029, line breaks in disguise.
_REFUSED_CATEGORIES = {"Cc", "Zl", "Zp"}


def validate_single_line(value) -> None:
    """Refuse control characters and line separators in a one-line text."""
    if isinstance(value, str) and any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in value):
        raise ValidationError(
            _("Remove the control characters or line breaks: this field takes one line of plain text."),
            code="control_characters",
        )


def is_single_line(field: forms.Field) -> bool:
    """A text field typed on one line (not a textarea, not a choice or a file)."""
    return isinstance(field, forms.CharField) and not isinstance(
        field.widget, (forms.Textarea, forms.HiddenInput, forms.PasswordInput)
    )


class SingleLineMixin:
    """Adds ``validate_single_line`` to every one-line text field of the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if is_single_line(field) and validate_single_line not in field.validators:
                field.validators.append(validate_single_line)


class Form(SingleLineMixin, forms.Form):
    """The base of every plain form of the product."""


class ModelForm(SingleLineMixin, forms.ModelForm):
    """The base of every model form of the product."""


class SubmitOnce:
    """A create form: carries a one-time token, issued with the blank form and sent
    back by the browser with the POST, that ``teams.submissions.submit_once`` consumes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Optional: a client that sends none just gets no protection against its own retries.
        self.fields["submission_token"] = forms.UUIDField(widget=forms.HiddenInput, required=False)
        if not self.is_bound and "submission_token" not in self.initial:
            self.initial = {**self.initial, "submission_token": uuid.uuid4()}

    def clean(self):
        # Kept apart from the domain values, so views can pass ``cleaned_data`` on as they are.
        cleaned = super().clean()
        self.submission_token = cleaned.pop("submission_token", None)
        return cleaned


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password. Note that the password is case-sensitive."),
        "address_locked": _("Too many failed sign-ins from this address. Try again in %(minutes)s minutes."),
    }

    def clean(self):
        # Axes locks one account per address; this stops one address trying many accounts.
        if (
            self.request is not None
            and address_failures(client_ip(self.request)) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
        ):
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            raise ValidationError(
                self.error_messages["address_locked"], code="address_locked", params={"minutes": minutes}
            )
        return super().clean()


def address_failures(ip: str | None) -> int:
    """Failed sign-ins from ``ip`` over every account within the cool-off time (axes' own records)."""
    if not ip:
        return 0
    since = timezone.now() - timedelta(seconds=settings.AXES_COOLOFF_TIME.total_seconds())
    rows = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since)
    return rows.aggregate(total=Sum("failures_since_start"))["total"] or 0


class OutboxPasswordResetForm(PasswordResetForm):
    """The reset e-mail goes through the notification outbox (sent by the worker after the response), so
    the answer takes the same time whether or not the address has an account, and a slow or broken SMTP
    server neither delays the page nor loses the e-mail."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_later(address=to_email, subject=subject, body=body)


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` on ``form``: each field's messages on that
    field, messages about fields the form does not have (or about no field) on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class TwoFactorTokenForm(Form):
    """The code of the authenticator app (or, at verification, a recovery code)."""

    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )
    remember = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remember"].label = _("Remember this browser for %(days)s days") % {
            "days": settings.TWO_FACTOR_REMEMBER_DAYS
        }


class ColleagueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        parts = [obj.full_name or obj.username, obj.get_role_display()]
        if obj.team_id:
            parts.append(str(obj.team))
        return " · ".join(parts)


class HandoverForm(Form):
    """The hand-over wizard (teams/handover.py): a colleague per group of open work, or one for all."""

    deactivate = forms.BooleanField(
        label=_("Deactivate the account after the hand-over"),
        required=False,
        initial=True,
        help_text=_("Leave it unticked when the person changes team: the work moves, the account stays."),
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, rows, **kwargs):
        """``rows``: ``(group, count, candidates)`` of each group with open work."""
        super().__init__(*args, **kwargs)
        self.rows = rows
        everyone = {u.pk for _group, _count, people in rows for u in people}
        self.fields["apply_all"] = ColleagueChoiceField(
            queryset=User.objects.filter(pk__in=everyone).select_related("team").order_by("team__name", "full_name"),
            required=False,
            label=_("One colleague for every group"),
            help_text=_("Taken for each group left empty below where that colleague may take it."),
        )
        for group, count, people in rows:
            self.fields[f"to_{group.key}"] = ColleagueChoiceField(
                queryset=people, required=False, label=f"{group.label} ({count})"
            )
        self.fields["seen"].initial = ",".join(f"{g.key}:{n}" for g, n, _people in rows)
        self.order_fields(["apply_all", *[f"to_{g.key}" for g, _n, _p in rows], "deactivate", "seen"])

    def group_fields(self):
        return [(group, count, self[f"to_{group.key}"], bool(people)) for group, count, people in self.rows]

    def clean(self):
        data = super().clean()
        everyone = data.get("apply_all")
        assignments = {}
        for group, _count, people in self.rows:
            chosen = data.get(f"to_{group.key}")
            if chosen is None and everyone is not None and any(p.pk == everyone.pk for p in people):
                chosen = everyone
            if chosen is None:
                self.add_error(f"to_{group.key}", _("Choose who takes it over."))
            assignments[group.key] = chosen
        data["assignments"] = assignments
        seen = {}
        for part in (data.get("seen") or "").split(","):
            key, _sep, count = part.partition(":")
            if key and count.isdigit():
                seen[key] = int(count)
        data["seen_counts"] = seen
        return data


class NotificationSettingsForm(Form):
    """A tick per kind of notification and channel besides the app (``teams.selectors.personal_channels``):
    ticked = wanted. A channel the person cannot use yet (no e-mail address, no WeCom link) shows disabled."""

    def __init__(self, *args, user, columns, **kwargs):
        super().__init__(*args, **kwargs)
        off = set(user.channel_opt_outs.values_list("kind", "channel"))
        self.columns = columns
        for kind in NotificationKind:
            for column in columns:
                key = (kind.value, column["channel"])
                self.fields[self.name_for(*key)] = forms.BooleanField(
                    label=f"{kind.label} · {column['label']}",
                    required=False,
                    initial=column["available"] and key not in off,
                    disabled=not column["available"],
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )

    @staticmethod
    def name_for(kind: str, channel: str) -> str:
        return f"{kind}__{channel}"

    def rows(self):
        """``(kind label, [bound field per column])`` for the template's table."""
        return [
            (kind.label, [self[self.name_for(kind.value, column["channel"])] for column in self.columns])
            for kind in NotificationKind
        ]

    def wanted(self) -> set[tuple[str, str]]:
        return {
            (kind.value, column["channel"])
            for kind in NotificationKind
            for column in self.columns
            if self.cleaned_data.get(self.name_for(kind.value, column["channel"]))
        }


class TeamRobotForm(Form):
    """A team's group robot on its settings page. The secret is never shown back: left empty, the saved one stays.
    ``cleaned_data`` holds the robot as it would be saved (kind detected, secret kept or dropped)."""

    webhook_url = forms.CharField(
        label=_("Webhook address"),
        required=False,
        max_length=200,
        help_text=_("Copy the whole address from the group's robot settings. Empty: no group robot."),
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    robot_kind = forms.ChoiceField(
        label=_("Kind of robot"),
        required=False,
        choices=[("", _("Tell from the address")), *Team.RobotKind.choices],
    )
    robot_secret = forms.CharField(
        label=_("Secret (DingTalk signing)"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password", "spellcheck": "false"}),
    )
    forget_secret = forms.BooleanField(label=_("Remove the saved secret"), required=False)

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, initial={"webhook_url": team.webhook_url, "robot_kind": team.robot_kind}, **kwargs)
        self.team = team
        if team.robot_secret:
            # crispy shows help texts as HTML: the hint (escaped) as code, in no language.
            self.fields["robot_secret"].help_text = gettext(
                "Saved: %(hint)s. Leave it empty to keep it, or type the new one."
            ) % {"hint": format_html("<code>{}</code>", team.robot_secret_hint)}
        else:
            self.fields["robot_secret"].help_text = gettext(
                "Only for a DingTalk robot whose security setting is signing: the secret it shows, SEC…"
            )
            del self.fields["forget_secret"]

    def clean(self):
        data = super().clean()
        url, kind = (data.get("webhook_url") or "").strip(), data.get("robot_kind") or ""
        typed = (data.get("robot_secret") or "").strip()
        secret = typed or ("" if data.get("forget_secret") else self.team.robot_secret)
        if not typed and (kind or robots.detect_kind(url)) == robots.WECOM:
            secret = ""  # a robot changed to WeCom leaves its DingTalk secret behind
        try:
            kind = robots.robot_check(kind=kind, url=url, secret=secret)
        except ValidationError as exc:
            add_service_errors(self, exc)
            return data
        data.update(webhook_url=url, robot_kind=kind, robot_secret=secret if url else "")
        return data

    def robot(self) -> "robots.Robot":
        """The robot as typed (for the test message), saved or not."""
        data = self.cleaned_data
        return robots.Robot(kind=data["robot_kind"], url=data["webhook_url"], secret=data["robot_secret"])
