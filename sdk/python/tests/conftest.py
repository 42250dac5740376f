import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the package under test, installed or not
sys.path.insert(0, str(Path(__file__).resolve().parent))

from maestro import MaestroClient  # noqa: E402
from platform_process import Platform  # noqa: E402


@pytest.fixture(scope="session")
def platform():
    """One real platform for the whole suite."""
    started = Platform()
    yield started
    started.stop()


@pytest.fixture
def admin(platform):
    """A client with the development admin key (every scope)."""
    with MaestroClient(platform.url, api_key=platform.api_key) as client:
        yield client


@pytest.fixture
def unique():
    """A name no other test uses."""
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:10]}"
