import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from portal.services import link_issue
from projects.defaults import ensure_phase_template
from projects.models import Attachment
from tests.clients.factories import ClientFactory, ContractFactory
from tests.projects.factories import InspectionFactory, ProjectFactory, SchedulePhaseFactory, SiteLogFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def phase_template(db):
    ensure_phase_template()


def make_project(team, consultant, pm, name="王先生", phone="13912345678"):
    client = ClientFactory(
        team=team, consultant=consultant, name=name, phone=phone, community="静安花园", building="3号楼 1201"
    )
    contract = ContractFactory(client=client, team=team)
    return ProjectFactory(
        client=client,
        team=team,
        contract=contract,
        project_manager=pm,
        phase="construction",
        name=f"{name}的家",
        planned_finish=timezone.localdate() + dt.timedelta(days=60),
    )


@pytest.fixture
def project(team, consultant, designer, pm):
    project = make_project(team, consultant, pm)
    project.designers.set([designer])
    return project


@pytest.fixture
def issued(project, consultant):
    """(link, token) of ``project``."""
    return link_issue(project=project, by=consultant)


@pytest.fixture
def link(issued):
    return issued[0]


@pytest.fixture
def token(issued):
    return issued[1]


@pytest.fixture
def phase(project, pm):
    """A phase of the project whose inspection passed (ready for the client's sign-off)."""
    phase = SchedulePhaseFactory(project=project, actual_start=timezone.localdate() - dt.timedelta(days=3))
    InspectionFactory(phase=phase, inspector=pm)
    return phase


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 150, 100)).save(out, "JPEG")
    return out.getvalue()


def photo(project, by, *, visible=True, token="a" * 32):
    days = project.site_logs.count()
    log = SiteLogFactory(project=project, author=by, date=timezone.localdate() - dt.timedelta(days=days))
    item = Attachment(
        project=project,
        token=token,
        extension=".jpg",
        original_name="site.jpg",
        content_type="image/jpeg",
        size=1,
        uploaded_by=by,
        site_log=log,
        client_visible=visible,
    )
    item.file.save(f"{token}.jpg", ContentFile(jpeg()), save=False)
    item.save()
    return item
