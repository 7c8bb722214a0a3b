"""The resource policy of an invoice render: the link callback hands out the render's own files only,
and the xhtml2pdf policy stops network access and other local files even where the callback is bypassed."""
import socket

import pytest
from PIL import Image
from xhtml2pdf.config.resources import ResourceAccessError
from xhtml2pdf.files import pisaFileObject

from exports.pdf import render
from exports.pdf.resources import REFUSED, AssetResolver, logo_path, resource_policy
from tests.pdf import pdfcheck


@pytest.fixture
def png(tmp_path):
    path = tmp_path / "outside" / "picture.png"
    path.parent.mkdir()
    Image.new("RGB", (60, 20), (200, 30, 30)).save(path)
    return path


@pytest.fixture
def no_network(monkeypatch):
    """Record (and refuse) every name lookup or connection a render attempts."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args[:1])
        raise OSError("network access in a test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.mark.parametrize("uri", [
    "http://169.254.169.254/latest/meta-data/", "https://example.com/logo.png", "/etc/passwd",
    "file:///etc/passwd", "../../portal/settings.py", "invoice-asset:../../etc/passwd", "invoice-asset:unknown",
    "", None,
])
def test_the_link_callback_refuses_anything_but_the_renders_own_assets(uri, png):
    resolver = AssetResolver({"logo": png})

    assert resolver(uri, "/tmp") == REFUSED
    assert resolver.refused == [uri or ""]


def test_the_link_callback_maps_asset_names_to_their_files(png):
    resolver = AssetResolver({"logo": png})

    assert resolver("invoice-asset:logo", None) == str(png)
    assert resolver.refused == []


def test_the_policy_allows_no_network_and_only_the_named_files(png, tmp_path):
    policy = resource_policy({"logo": png})

    policy.check_path(png)
    for path in ("/etc/passwd", tmp_path / "outside" / "other.png", png.parent):
        with pytest.raises(ResourceAccessError):
            policy.check_path(path)
    with pytest.raises(ResourceAccessError):
        policy.check_url("https://example.com/logo.png")


def test_the_policy_holds_where_xhtml2pdf_skips_the_link_callback(png):
    # Reads such as fonts and backgrounds can reach the fetcher without the callback; the policy decides.
    policy = resource_policy({"logo": png})

    assert pisaFileObject("/etc/passwd", policy=policy).getData() is None
    assert pisaFileObject(str(png), policy=policy).getData() == png.read_bytes()


def test_a_document_cannot_load_local_files_or_urls(png, no_network):
    html = f"""<html><head><style>
      @font-face {{ font-family: Leak; src: url("/etc/passwd"); }}
      body {{ background-image: url("{png}"); }}
    </style><link rel="stylesheet" href="http://127.0.0.1:9/steal.css"></head><body>
      <img src="{png}"><img src="file://{png}"><img src="http://169.254.169.254/latest/meta-data/x.png">
      <img src="https://example.com/logo.png"><p>Invoice</p>
    </body></html>"""

    pdf = render.html_to_pdf(html, {})

    assert pdfcheck.image_count(pdf) == 0
    assert no_network == []


def test_an_allowed_asset_is_loaded(png, no_network):
    # The control for the test above: the same image, handed out as an asset, is embedded.
    pdf = render.html_to_pdf('<html><body><img src="invoice-asset:logo"></body></html>', {"logo": png})

    assert pdfcheck.image_count(pdf) == 1
    assert no_network == []


def test_a_logo_outside_media_root_is_not_used(settings, tmp_path, png):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "logos").mkdir(parents=True)
    (tmp_path / "media" / "logos" / "linked.png").symlink_to(png)
    (tmp_path / "media" / "logos" / "notes.txt").write_text("not an image")
    (tmp_path / "media" / "logos" / "real.png").write_bytes(png.read_bytes())

    class Logo:
        def __init__(self, name):
            self.name = name
            self.path = str(tmp_path / "media" / name)

        def __bool__(self):
            return True

    assert logo_path(Logo("logos/linked.png")) is None
    assert logo_path(Logo("logos/notes.txt")) is None
    assert logo_path(Logo("logos/missing.png")) is None
    assert logo_path(Logo("logos/real.png")) == (tmp_path / "media" / "logos" / "real.png").resolve()
    assert logo_path(None) is None
