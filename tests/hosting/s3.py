"""A real S3 endpoint for the tests: moto's server mode on a free port of the loopback.

The storage code talks to it over HTTP exactly as it would to a provider's bucket (signed
requests, multipart uploads, listings); nothing of boto3 is patched.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

ACCESS_KEY = "milieu-test-key"
SECRET_KEY = "milieu-test-secret"
REGION = "eu-west-3"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Bucket:
    endpoint: str
    name: str

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def object_keys(self) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.name)
        return sorted(entry["Key"] for entry in listed.get("Contents", []))

    def empty(self) -> None:
        client = self.client()
        for key in self.object_keys():
            client.delete_object(Bucket=self.name, Key=key)

    @property
    def url(self) -> str:
        """The STORAGE_URL that names this bucket."""
        return (
            f"s3://{ACCESS_KEY}:{SECRET_KEY}@{self.name}/milieu"
            f"?endpoint_url={self.endpoint}&region={REGION}&addressing_style=path"
        )


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint: str, settings: Any) -> Bucket:
    """A new bucket on the emulator, and Django's default storage pointed at it (through the
    same parser as STORAGE_URL)."""
    from milieu.env import env_storage

    bucket = Bucket(s3_endpoint, f"milieu-{uuid.uuid4().hex[:16]}")
    bucket.client().create_bucket(
        Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": env_storage("STORAGE_URL", environ={"STORAGE_URL": bucket.url}),
    }
    # a deposited report is analysed inline here (TASKS_BACKEND=immediate): the received file
    # goes to the bucket, the analysis reads it back from there
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return bucket
