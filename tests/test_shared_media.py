"""Uploaded images on several machines (issue 11 item 8): an S3-compatible store, our own origin.

The store is moto's S3 server, started by the test on a spare loopback port: a real HTTP
server speaking the S3 protocol, so django-storages and boto3 run exactly as in production.
"""

import io
import urllib.request

import boto3
import pytest
from moto.server import ThreadedMotoServer
from PIL import Image

from deploy.stack import HOST, free_port
from tests.test_editor_endpoints import ajax_upload, png_bytes

pytestmark = pytest.mark.django_db

BUCKET = "imuran-media-test"


@pytest.fixture
def s3_store(settings, tmp_path):
    port = free_port()
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    server.start()
    endpoint = f"http://{HOST}:{port}"
    # moto keeps its buckets for the whole process: start each test with none.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))  # noqa: S310
    keys = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}
    store = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **keys)
    store.create_bucket(Bucket=BUCKET)
    settings.MEDIA_ROOT = tmp_path  # must stay empty: nothing is written to this machine's disk
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "imuran_info.storage.SharedMediaStorage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": keys["aws_access_key_id"],
                "secret_key": keys["aws_secret_access_key"],
                "file_overwrite": False,
                "querystring_auth": False,
            },
        },
    }
    yield store
    server.stop()


def test_an_editors_image_is_stored_in_the_shared_store_not_on_this_machine(editor_client, s3_store, tmp_path):
    response = ajax_upload(editor_client, "photo.png", png_bytes(), "image/png")

    assert response.status_code == 200
    keys = [item["Key"] for item in s3_store.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert len(keys) == 1
    stored = s3_store.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read()
    assert Image.open(io.BytesIO(stored)).format == "PNG"
    assert not any(tmp_path.rglob("*"))


def test_an_image_in_the_shared_store_is_linked_on_our_own_origin(editor_client, s3_store):
    response = ajax_upload(editor_client, "photo.png", png_bytes(), "image/png")

    key = s3_store.list_objects_v2(Bucket=BUCKET)["Contents"][0]["Key"]
    # The front server passes /media/ on to the store, so the CSP's img-src 'self' holds.
    assert response.json()["image_code"] == f"![A teal square.](/media/{key})"


def test_django_never_serves_uploaded_files_with_debug_off(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "markdownx").mkdir()
    (tmp_path / "markdownx" / "photo.png").write_bytes(png_bytes())

    assert client.get("/media/markdownx/photo.png").status_code == 404
