import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from clients.models import Client
from tests.clients.factories import ClientFactory

SH = ZoneInfo("Asia/Shanghai")
# A Monday morning in Shanghai: inside working hours.
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


@pytest.fixture
def the_client(team, consultant) -> Client:
    return ClientFactory(team=team, consultant=consultant, name="王美丽", phone="13812345678")
