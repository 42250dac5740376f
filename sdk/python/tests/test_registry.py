"""Registering a model from samples/models, promoting it, and paging through many models."""

import math

import pytest
import requests

from maestro import MaestroClient, ModelCard, ModelVersion
from platform_process import SAMPLES


def v2_probability(x):
    """fraud-detector-v2.onnx: sigmoid(x · [-0.6, 0.9, 0.4] + 0.1)."""
    return 1 / (1 + math.exp(-(-0.6 * x[0] + 0.9 * x[1] + 0.4 * x[2] + 0.1)))


def test_register_upload_promote_predict_alias_and_card(admin, unique):
    name = unique("py-fraud")
    created = admin.create_model(name, description="fraud scoring, from the Python SDK", tags={"team": "risk"})
    assert created.name == name and created.tags == {"team": "risk"}

    progress = []
    version = admin.upload_version(name, SAMPLES / "fraud-detector-v2.onnx", progress=lambda sent, total: progress.append((sent, total)))

    assert isinstance(version, ModelVersion)
    assert version.version == 1
    assert [i.name for i in version.signature.inputs] == ["features"]
    size = (SAMPLES / "fraud-detector-v2.onnx").stat().st_size
    assert version.size_bytes == size
    assert progress and progress[-1][0] == progress[-1][1] and progress[-1][1] > size

    promoted = admin.set_stage(name, 1, "Production", archive_existing_versions=True)
    assert promoted.current_stage == "Production"

    result = admin.predict(name, [0.5, 1.2, 3.4])
    assert result.model_version == "1"
    assert result.probability == pytest.approx(v2_probability([0.5, 1.2, 3.4]), abs=1e-5)

    alias = admin.set_alias(name, "champion", 1)
    assert (alias.alias, alias.version) == ("champion", 1)
    assert admin.get_model(name).aliases == {"champion": 1}

    card = admin.get_model_card(name, 1)
    assert isinstance(card, ModelCard)
    assert card.current_stage == "Production"
    assert card.sha256 == version.sha256
    markdown = admin.get_model_card(name, 1, format="markdown")
    assert name in markdown


def test_list_models_follows_next_page_token_through_250_models(platform, admin, unique):
    prefix = unique("py-page")
    names = {f"{prefix}-{i:03d}" for i in range(250)}
    for name in sorted(names):
        admin.create_model(name)

    pages = []
    session = requests.Session()
    session.hooks["response"].append(lambda r, *a, **k: pages.append(r.url) if "/api/v1/models?" in r.url or r.url.endswith("/api/v1/models") else None)
    with MaestroClient(platform.url, api_key=platform.api_key, session=session) as client:
        listed = [m.name for m in client.list_models(filter_string=f"name LIKE '{prefix}-%'", page_size=100)]

    assert len(listed) == 250
    assert set(listed) == names
    assert len(pages) == 3
    assert "page_token=" in pages[1] and "page_token=" in pages[2]
