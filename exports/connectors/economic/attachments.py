"""The PDF copy as e-conomic takes an attachment: one file in a multipart/form-data upload (spec 6.15),
and whether one is there already (its metadata names its pages)."""
from __future__ import annotations

from urllib3 import encode_multipart_formdata

from ..errors import ExportError
from ..steps import Steps
from .api import EconomicApi, Refused
from .messages import CATALOGUE

ATTACHMENT = "attachment"


def upload_pdf(api: EconomicApi, path: str, pdf: bytes, name: str, number) -> None:
    """POST the file; any 2xx is success, whatever its body (the documentation does not show one)."""
    body, content_type = encode_multipart_formdata({"file": (name, pdf, "application/pdf")})
    try:
        api.write("POST", f"{path}/file", data=body, content_type=content_type)
    except Refused as refused:
        raise ExportError(CATALOGUE, "cannot_attach_pdf", number, refused.refusal.detail,
                          excerpt=refused.refusal.excerpt, status=refused.refusal.status) from None


def has_attachment(api: EconomicApi, path: str) -> bool:
    metadata = api.find(path)
    return bool(metadata) and bool(metadata.get("pages") or metadata.get("file"))


def note_attachment(api: EconomicApi, path: str, steps: Steps) -> None:
    """Record the attachment step when the target already holds the file (an upload whose answer was lost)."""
    if ATTACHMENT not in steps and has_attachment(api, path):
        steps.record(ATTACHMENT, path)
