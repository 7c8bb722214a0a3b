"""Which files an invoice render may read: its stylesheets, its fonts and the issuer's logo. Nothing else.

Two locks, because xhtml2pdf reads some resources without asking the link callback (its own docs list
fonts, watermarks and backgrounds among them):

* the template names every resource by an asset name ("invoice-asset:font-regular"); the link callback
  maps the names this render allows to absolute paths and answers every other URL (http://..., /etc/passwd,
  a relative path) with an empty data: URI, so nothing is fetched;
* the resource policy allows no network at all and local reads of exactly those files.
"""
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models.fields.files import FieldFile
from xhtml2pdf.config.resources import ResourceAccessPolicy

logger = logging.getLogger(__name__)

ASSET_SCHEME = "invoice-asset:"
ASSET_DIR = Path(__file__).resolve().parent / "assets"
STYLESHEETS = {"invoice-css": ASSET_DIR / "invoice.css", "formatting-css": ASSET_DIR / "formatting.css"}
# A refused URL becomes an empty inline resource: returning None from a link callback would make
# xhtml2pdf fall back to the original URL.
REFUSED = "data:,"
LOGO_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif"}
# Far above an invoice of a few hundred lines (seconds), far below the worker's task time limit.
RENDER_SECONDS_LIMIT = 120


@dataclass
class AssetResolver:
    """The link callback of one render: asset name -> absolute path, everything else refused."""

    assets: dict[str, Path]
    refused: list[str] = field(default_factory=list)

    def __call__(self, uri, rel=None) -> str:
        uri = str(uri or "")
        name = uri[len(ASSET_SCHEME):] if uri.startswith(ASSET_SCHEME) else None
        path = self.assets.get(name) if name else None
        if path is None:
            self.refused.append(uri)
            logger.warning("Invoice PDF: refused to load %r (not one of the invoice's own files)", uri[:200])
            return REFUSED
        return str(path)


def logo_path(logo: FieldFile | None) -> Path | None:
    """The logo file when it is an image inside MEDIA_ROOT; None (no logo printed) otherwise.

    resolve() follows symlinks, so a logo linked to a file outside MEDIA_ROOT is refused here."""
    if not logo:
        return None
    try:
        path = Path(logo.path).resolve()
    except (NotImplementedError, ValueError, OSError):
        # A storage without local paths (object storage): the logo is left out rather than fetched.
        logger.warning("Invoice PDF: the logo %r is not a local file; printed without it", logo.name)
        return None
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if not path.is_relative_to(media_root) or path.suffix.lower() not in LOGO_SUFFIXES or not path.is_file():
        logger.warning("Invoice PDF: the logo %s is not an image in MEDIA_ROOT; printed without it", path)
        return None
    return path


def resource_policy(assets: dict[str, Path]) -> ResourceAccessPolicy:
    """No network; local reads of the named files only (a root may be a single file)."""
    return ResourceAccessPolicy.server(
        base_dir=None,
        extra_roots=tuple(sorted(set(assets.values()))),
        allow_remote=False,
        allowed_hosts=frozenset(),
        max_render_seconds=RENDER_SECONDS_LIMIT,
    )
