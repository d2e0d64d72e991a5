import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from projects.defaults import ensure_phase_template
from teams.roles import Role
from tests.clients.factories import ClientFactory
from tests.projects.factories import ProjectFactory
from tests.teams.factories import UserFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads of a test go to its own folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def phase_template(db):
    """The seeded schedule template (a data migration; transactional tests flush it)."""
    ensure_phase_template()


@pytest.fixture
def project(team, consultant, designer, assistant, pm):
    """A project of ``team`` with its designer, assistant and PM assigned."""
    client = ClientFactory(team=team, consultant=consultant, name="王先生")
    return ProjectFactory(
        client=client, team=team, project_manager=pm, designers=[designer], assistants=[assistant], name="王先生的家"
    )


@pytest.fixture
def other_pm(team):
    """A PM of the same team who is not assigned to ``project``."""
    return UserFactory(role=Role.PROJECT_MANAGER, team=team, full_name="梁伟")


@pytest.fixture
def other_assistant(other_team):
    return UserFactory(role=Role.ASSISTANT_DESIGNER, team=other_team, full_name="郑丽")


def make_image(name="photo.png", size=(2400, 1200), fmt="PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def image():
    return make_image()
