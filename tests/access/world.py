"""The demo company (seed_demo) as the world of the role × URL × method matrix: every URL is tried with a real
record of 静安一组 by each demo login, and by consultant2 of another team."""

import datetime as dt
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from clients.models import (
    ArchiveHandover,
    ArchiveLoan,
    Client,
    Contract,
    ContractAttachment,
    FollowUpVisit,
    PaymentStage,
    PrivacyRequest,
    Receipt,
)
from complaints.models import Complaint, ComplaintAttachment, WeeklySummary
from meetings.models import ActionItem, AgendaItem, Meeting, Training
from performance.models import MonthlyReport, ReportPhoto, TargetCard
from portal.demo import demo_raw
from portal.models import PortalLink
from portal.tokens import token_for, token_hash
from projects.models import (
    Attachment,
    BudgetRequest,
    ChangeOrder,
    Crew,
    DesignChange,
    DesignPlan,
    DesignReview,
    DrawingTask,
    MaintenanceRequest,
    Project,
    SchedulePhase,
    SiteLog,
    TechnicalDisclosure,
)
from reception.models import Call, PhoneCall, Visit
from teams.models import Job, Notification, Team, User, WeComLinkRequest

# The signed-in people of the matrix: one of each role (team roles from 静安一组) and an outsider.
PEOPLE = ["gm", "frontdesk", "archive", "budget", "consultant1", "designer1", "assistant1", "pm1", "consultant2"]
PUBLIC = {"login", "logout", "password_reset", "password_reset_done", "password_reset_confirm"}
PUBLIC |= {"password_reset_complete", "set_language"}
# Sign in with WeCom: before login (404 while WeCom is not configured, as in the test settings).
PUBLIC |= {"wecom_login", "wecom_callback"}


def walk(patterns=None, prefix="", namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or ''}", prefix + str(entry.pattern), entry.pattern.converters.keys()


def url_names() -> list[str]:
    return sorted(
        name for name, route, _ in walk() if not route.startswith("admin/") and name.split(":")[-1] not in PUBLIC
    )


def _first(queryset):
    row = queryset.order_by("pk").first()
    return row.pk if row else MISSING


MISSING = 999999
# Child records: URL parameter → (model, path to the team, parent field), so that the parent in the URL is the
# child's own (a phase of this very project, a payment of this very contract).
PROJECT_CHILDREN = {
    "phase_pk": (SchedulePhase, "project__team"),
    "plan_pk": (DesignPlan, "project__team"),
    "task_pk": (DrawingTask, "project__team"),
    "review_pk": (DesignReview, "project__team"),
    "disclosure_pk": (TechnicalDisclosure, "project__team"),
    "change_pk": (DesignChange, "project__team"),
    "log_pk": (SiteLog, "project__team"),
    "request_pk": (MaintenanceRequest, "project__team"),
    "order_pk": (ChangeOrder, "project__team"),
}


@dataclass
class World:
    team: Team

    def kwargs(self, name: str, keys) -> dict:
        """Real values for the URL's parameters: records of 静安一组."""
        keys = list(keys)
        if not keys:
            return {}
        app, view = name.split(":")
        team = self.team
        if app == "projects":
            return self._projects(view, keys)
        if name in ("teams:wecom_link_confirm", "teams:wecom_link_refuse"):
            # One waiting request each (the deputy GM's POST decides it; nobody else may).
            person = "designer1b" if view == "wecom_link_confirm" else "pm1b"
            return {"pk": WeComLinkRequest.objects.get(user__username=person).pk}
        if name == "teams:staff_handover":
            # A member of 静安一组 with open work: an empty POST shows the wizard again (nobody deactivated).
            return {"pk": User.objects.get(username="pm1").pk}
        if name in ("teams:team_settings", "teams:team_robot_test"):
            return {"pk": team.pk}  # 静安一组's settings: its leader and the deputy GM, nobody else
        if app == "portal":
            return self._portal(view, keys)
        if app == "clients" and keys == ["pk", "payment_pk"]:
            payment = PaymentStage.objects.filter(contract__team=team).order_by("pk").first()
            return {"pk": payment.contract_id, "payment_pk": payment.pk}
        if app == "clients" and keys == ["pk", "receipt_pk"]:
            row = Receipt.objects.filter(contract__team=team, kind="receipt").exclude(scan="").order_by("pk").first()
            return {"pk": row.contract_id, "receipt_pk": row.pk} if row else {"pk": MISSING, "receipt_pk": 1}
        if app == "clients" and keys == ["pk", "attachment_pk"]:
            row = ContractAttachment.objects.filter(contract__team=team).order_by("pk").first()
            return {"pk": row.contract_id, "attachment_pk": row.pk} if row else {"pk": MISSING, "attachment_pk": 1}
        if app == "complaints" and keys == ["pk", "attachment_pk"]:
            row = ComplaintAttachment.objects.filter(complaint__team=team).order_by("pk").first()
            return {"pk": row.complaint_id, "attachment_pk": row.pk} if row else {"pk": MISSING, "attachment_pk": 1}
        if app == "performance" and keys == ["pk", "photo_pk"]:
            row = ReportPhoto.objects.filter(report__team=team).order_by("pk").first()
            return {"pk": row.report_id, "photo_pk": row.pk} if row else {"pk": MISSING, "photo_pk": 1}
        pick = {
            "teams": lambda: (
                _first(Job.objects.filter(owner__username="consultant1"))
                if view.startswith("job")
                else _first(Notification.objects.filter(recipient__username="consultant1"))
            ),
            "meetings": lambda: self._meetings(view),
            "clients": lambda: self._clients(view),
            "reception": lambda: (
                _first(Call.objects.filter(forward_team=team))
                if view.startswith("call")
                else _first(PhoneCall.objects.filter(state="missed"))
                if view in ("missed_callback", "phone_call_reveal")
                else _first(Visit.objects.all())
            ),
            "complaints": lambda: (
                _first(WeeklySummary.objects.all())
                if view == "weekly_summary_detail"
                else _first(Complaint.objects.filter(team=team))
            ),
            "performance": lambda: (
                _first(TargetCard.objects.filter(member__username="consultant1"))
                if view.startswith("card")
                else _first(MonthlyReport.objects.filter(team=team))
            ),
        }[app]
        values = {"pk": pick, "action": lambda: "acknowledge", "key": lambda: "complaints_registered"}
        values["kind"] = lambda: "pdf"
        # The phone system's webhook: the right token (tests' CTI_TOKEN); an empty event is refused (400).
        values["token"] = lambda: "test-cti-token"
        return {key: values[key]() for key in keys}

    def _meetings(self, view):
        team = self.team
        if view == "meeting_agenda_delete":
            return _first(AgendaItem.objects.filter(meeting__team=team))
        if view == "action_item_done":
            return _first(ActionItem.objects.filter(meeting__team=team, done_at=None))
        if view == "action_item_reopen":
            return _first(ActionItem.objects.filter(meeting__team=team).exclude(done_at=None))
        if view.startswith("training"):
            return _first(Training.objects.filter(team=team)) if view == "training_edit" else _first(Training.objects)
        return _first(Meeting.objects.filter(team=team, date__gte=dt.date(2000, 1, 1)))

    def _clients(self, view):
        team = self.team
        if view.startswith("privacy_request_") and view != "privacy_request_create":
            return _first(PrivacyRequest.objects.filter(client__team=team))
        if view == "visit_record":
            return _first(FollowUpVisit.objects.filter(team=team, done_at=None))
        if view in ("archive_receive", "archive_lend"):
            return _first(ArchiveHandover.objects.filter(client__team=team))
        if view == "archive_return":
            return _first(ArchiveLoan.objects.filter(handover__client__team=team))
        if view.startswith(("contract_", "payment_", "receipt_")) and view != "contract_sign":
            return _first(Contract.objects.filter(team=team))
        if view in ("contract_sign", "lost", "move", "tier"):
            return _first(Client.objects.filter(team=team, contracts__isnull=True, lost_at=None))
        return _first(Client.objects.filter(team=team, contracts__isnull=False))

    def _portal(self, view, keys):
        """The client page of the demo project (its fixed link) and the records of that very project."""
        link = PortalLink.objects.select_related("project").get(token_hash=token_hash(demo_raw(2026)))
        project = link.project
        if view == "link_issue":
            return {"pk": project.pk}
        if view in ("link_send", "link_revoke"):
            return {"pk": link.pk}
        records = {
            "plan_confirm": DesignPlan.objects.filter(project=project),
            "change_decide": DesignChange.objects.filter(project=project),
            "change_order_decide": ChangeOrder.objects.filter(project=project),
            "visit_rate": FollowUpVisit.objects.filter(client=project.client, done_at__isnull=False),
            "complaint_rate": Complaint.objects.filter(project=project),
        }
        values = {
            "token": token_for(demo_raw(2026)),
            "phase_pk": _first(SchedulePhase.objects.filter(project=project, inspections__result="pass")),
            "photo_token": Attachment.objects.filter(project=project, client_visible=True).order_by("pk").first().token,
        }
        if "pk" in keys:
            values["pk"] = _first(records[view])
        return {key: values[key] for key in keys}

    def _projects(self, view, keys):
        team = self.team
        if view in ("crew_detail", "crew_edit"):
            return {"pk": _first(Crew.objects)}
        if view == "budget_return":
            return {"pk": _first(BudgetRequest.objects.filter(project__team=team))}
        if view in ("file", "file_client_visible"):
            row = Attachment.objects.filter(project__team=team).order_by("pk").first()
            return {"token": row.token if row else "x"}
        if keys == ["pk", "stage_pk"]:
            stage = (
                PaymentStage.objects.filter(contract__team=team, contract__project__isnull=False, triggered_on=None)
                .order_by("pk")
                .first()
            )
            return {"pk": stage.contract.project.pk, "stage_pk": stage.pk} if stage else {"pk": MISSING, "stage_pk": 1}
        child = next((key for key in keys if key in PROJECT_CHILDREN), None)
        if child is None:
            # The project with the most going on: phases, logs and inspections.
            project = Project.objects.filter(team=team, site_logs__isnull=False).order_by("pk").first()
            if view == "detail_tab":  # one of the project page's lazy tabs
                return {"pk": project.pk, "tab": "logs"}
            return {"pk": project.pk}
        model, to_team = PROJECT_CHILDREN[child]
        row = model.objects.filter(**{to_team: team}).order_by("pk").first()
        return {"pk": row.project_id, child: row.pk} if row else {"pk": MISSING, child: 1}


def build_world() -> World:
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())
    _finished_job(User.objects.get(username="consultant1"))
    _privacy_request(User.objects.get(username="gm"), User.objects.get(username="consultant1").team)
    for username in ("designer1b", "pm1b"):  # first WeCom sign-ins matched by mobile, for the deputy GM
        WeComLinkRequest.objects.create(user=User.objects.get(username=username), wecom_userid=f"wx-{username}")
    return World(team=User.objects.get(username="consultant1").team)


def _finished_job(owner):
    """A big export of consultant1's, done, with its file: only its owner opens it."""
    job = Job.objects.create(owner=owner, kind="export", title="导出：客户", state=Job.State.DONE, progress=100)
    job.result.save("clients.xlsx", ContentFile(b"xlsx"), save=True)


def _privacy_request(gm, team):
    """A client's request to see their data, on the deputy GM's desk."""
    from clients.services import privacy_request_record

    client = Client.objects.filter(team=team).order_by("pk").first()
    privacy_request_record(client=client, by=gm, kind="access", received_on=dt.date(2026, 3, 2))
