#!/usr/bin/env python3
"""Drives Maestro's MLflow Model Registry API the way MLflow's Python client (RestStore) does.

GET calls carry their parameters in the query string (repeated fields as repeated keys), every
other verb a JSON body; versions travel as strings; a non-2xx answer is read as
{"error_code", "message"}. Only the standard library is used: mlflow itself is not installed.

Usage: mlflow_rest_client.py BASE_URL SAMPLE_ONNX_FILE
Exits 0 and prints "ok" when every step behaves as MLflow's client expects.
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid


class RestError(Exception):
    def __init__(self, status, body):
        super().__init__(f"{status} {body}")
        self.status = status
        self.error_code = body.get("error_code")
        self.message = body.get("message", "")


class Registry:
    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/")

    def call(self, method, endpoint, params):
        url = f"{self.base_url}/api/2.0/mlflow/{endpoint}"
        data = None
        if method == "GET":
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        else:
            data = json.dumps(params).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise RestError(error.code, json.loads(error.read() or b"{}")) from None

    def upload(self, name, path):
        """Maestro's own way to add a file: multipart POST /api/v1/models/{name}/versions."""
        boundary = uuid.uuid4().hex
        with open(path, "rb") as f:
            content = f.read()
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"model.onnx\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(f"{self.base_url}/api/v1/models/{name}/versions", data=body, method="POST",
                                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())


def expect_error(call, status, error_code):
    try:
        call()
    except RestError as error:
        check(error.status == status and error.error_code == error_code,
              f"expected {status} {error_code}, got {error.status} {error.error_code}: {error.message}")
        return error
    raise AssertionError(f"expected {error_code}, but the call succeeded")


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def main(base_url, sample_path):
    registry = Registry(base_url)
    name = f"py-{uuid.uuid4().hex[:12]}"

    # mlflow.register_model: create the name, and carry on when it already exists.
    created = registry.call("POST", "registered-models/create", {"name": name, "tags": [{"key": "team", "value": "risk"}]})
    check(created["registered_model"]["name"] == name, f"create answered {created}")
    expect_error(lambda: registry.call("POST", "registered-models/create", {"name": name}), 400, "RESOURCE_ALREADY_EXISTS")

    registry.upload(name, sample_path)
    latest = registry.call("POST", "registered-models/get-latest-versions", {"name": name, "stages": ["None"]})
    check([v["version"] for v in latest["model_versions"]] == ["1"], f"get-latest-versions answered {latest}")

    # MlflowClient.create_model_version from a version already in Maestro; a run's artifacts cannot be fetched.
    version = registry.call("POST", "model-versions/create",
                            {"name": name, "source": f"models:/{name}/1", "run_id": "0a1b2c3d"})["model_version"]
    check(version["version"] == "2" and version["status"] == "READY" and version["run_id"] == "0a1b2c3d", f"create version answered {version}")
    error = expect_error(lambda: registry.call("POST", "model-versions/create", {"name": name, "source": "runs:/0a1b2c3d/model"}),
                         400, "INVALID_PARAMETER_VALUE")
    check("runs:/0a1b2c3d/model" in error.message, f"the refusal does not name the source: {error.message}")

    # MlflowClient.transition_model_version_stage with archive_existing_versions.
    registry.call("POST", "model-versions/transition-stage", {"name": name, "version": "2", "stage": "Production", "archive_existing_versions": False})
    moved = registry.call("POST", "model-versions/transition-stage",
                          {"name": name, "version": "1", "stage": "production", "archive_existing_versions": True})["model_version"]
    check(moved["current_stage"] == "Production", f"transition answered {moved}")
    archived = registry.call("GET", "model-versions/get", {"name": name, "version": "2"})["model_version"]
    check(archived["current_stage"] == "Archived", f"version 2 was not archived: {archived}")

    # Aliases (MLflow 2.9+).
    registry.call("POST", "registered-models/alias", {"name": name, "alias": "champion", "version": "1"})
    champion = registry.call("GET", "registered-models/alias", {"name": name, "alias": "champion"})["model_version"]
    check(champion["version"] == "1" and champion["aliases"] == ["champion"], f"alias lookup answered {champion}")
    registry.call("DELETE", "registered-models/alias", {"name": name, "alias": "champion"})
    expect_error(lambda: registry.call("GET", "registered-models/alias", {"name": name, "alias": "champion"}), 404, "RESOURCE_DOES_NOT_EXIST")

    # MlflowClient.search_registered_models pages with next_page_token until there is none.
    names, token = [], None
    while True:
        params = {"max_results": 1, **({"page_token": token} if token else {})}
        page = registry.call("GET", "registered-models/search", params)
        names += [m["name"] for m in page.get("registered_models", [])]
        token = page.get("next_page_token")
        if not token:
            break
    check(name in names and len(names) == len(set(names)), f"paging saw {names}")

    versions = registry.call("GET", "model-versions/search", {"filter": f"name='{name}'"})["model_versions"]
    check([v["version"] for v in versions] == ["2", "1"], f"version search answered {versions}")

    # The artifact is where get-download-uri says.
    uri = registry.call("GET", "model-versions/get-download-uri", {"name": name, "version": "1"})["artifact_uri"]
    with urllib.request.urlopen(uri, timeout=60) as response, open(sample_path, "rb") as f:
        check(response.read() == f.read(), f"{uri} did not return the uploaded file")

    new_name = name + "-renamed"
    renamed = registry.call("POST", "registered-models/rename", {"name": name, "new_name": new_name})["registered_model"]
    check(renamed["name"] == new_name, f"rename answered {renamed}")
    expect_error(lambda: registry.call("GET", "registered-models/get", {"name": name}), 404, "RESOURCE_DOES_NOT_EXIST")

    registry.call("POST", "model-versions/transition-stage", {"name": new_name, "version": "1", "stage": "Archived", "archive_existing_versions": False})
    check(registry.call("DELETE", "model-versions/delete", {"name": new_name, "version": "1"}) == {}, "version delete did not answer {}")
    check(registry.call("DELETE", "registered-models/delete", {"name": new_name}) == {}, "model delete did not answer {}")
    print("ok")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
