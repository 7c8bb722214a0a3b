"""Attachments (spec section 13): multipart/form-data with a JSON "meta" part and the "file"; at most
``max_attachment_bytes``; read back as multipart/mixed."""
from __future__ import annotations

import json
import secrets
from email import policy
from email.parser import BytesParser

from ..validation import problems_in
from ..wsgi import Request, Response, json_response
from .common import not_found, refuse
from .schemas import ATTACHMENT_META

REFERENCE_TYPES = frozenset({
    "INVOICE", "LEDGERRECEIPT", "BANKSTATEMENTEVENT", "SALES_PRODUCT_REGISTER", "PURCHASE_PRODUCT_REGISTER",
    "CUSTOMER_BUSINESS_PARTNER_REGISTER", "SUPPLIER_BUSINESS_PARTNER_REGISTER", "PERSON_BUSINESS_PARTNER_REGISTER",
    "EMPLOYEE_INFO", "ENVIRONMENT", "FINANCIAL_STATEMENT", "NETS_COLLECTION", "REFERENCE_PAYMENT",
    "INVOICEDRAFT_ITEM", "COST_RECEIPT"})
MIME_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
              "txt": "text/plain", "xml": "application/xml", "csv": "text/csv"}
SENT_WITH = ("SALES_INVOICE", "SALES_ORDER", "PURCHASE_ORDER")


def form_parts(request: Request) -> dict[str, tuple[bytes, str]]:
    """name -> (content, content type) of a multipart/form-data body."""
    content_type = request.header("Content-Type") or ""
    if not content_type.startswith("multipart/form-data") or "boundary=" not in content_type:
        raise refuse([(None, "SIM_MULTIPART_FORM_DATA_REQUIRED")])
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + request.body)
    parts = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            parts[name] = (part.get_payload(decode=True) or b"", part.get_content_type())
    return parts


class Attachments:
    def __init__(self, simulator):
        self.sim = simulator

    @property
    def store(self):
        return self.sim.store

    def create(self, request: Request) -> Response:
        parts = form_parts(request)
        if "meta" not in parts or "file" not in parts:
            raise refuse([(name, "is required") for name in ("meta", "file") if name not in parts])
        try:
            meta = json.loads(parts["meta"][0])
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise refuse([("meta", "SIM_META_MUST_BE_JSON")]) from None
        problems = [(text.partition(": ")[0] or None, text.partition(": ")[2].rstrip(".") or text)
                    for text in problems_in(meta, ATTACHMENT_META, where="meta")]
        if problems:
            raise refuse(problems)
        content = parts["file"][0]
        if len(content) > self.sim.options.max_attachment_bytes:
            raise refuse([("file", "File size too big")])
        extension = meta["name"].rsplit(".", 1)[-1].lower() if "." in meta["name"] else ""
        if extension not in MIME_TYPES:
            raise refuse([("meta.name", "SIM_FILE_NAME_NEEDS_A_KNOWN_EXTENSION")])
        if meta["referenceType"] not in REFERENCE_TYPES:
            raise refuse([("meta.referenceType", "SIM_UNKNOWN_REFERENCE_TYPE")])
        invoice = None
        if meta["referenceType"] == "INVOICE":
            invoice = self.store.invoices.get(meta["referenceId"])
            if invoice is None:
                raise refuse([("meta.referenceId", "SIM_UNKNOWN_INVOICE")], 404)
        send_with = bool(meta.get("sendWithInvoice"))
        if send_with and (invoice is None or invoice["type"] not in SENT_WITH):
            raise refuse([("meta.sendWithInvoice", "SIM_ONLY_FOR_SALES_INVOICES_AND_ORDERS")])
        attachment = {"id": self.store.new_id("attachments"), "name": meta["name"],
                      "referenceType": meta["referenceType"], "referenceId": meta["referenceId"],
                      "mimeType": MIME_TYPES[extension], "sendWithInvoice": send_with}
        self.store.attachments[attachment["id"]] = {**attachment, "content": content}
        if invoice is not None:
            invoice["attachments"].append(dict(attachment))
        self.store.log_write("POST", request.path, attachment["id"],
                             f"attachment {meta['name']} ({len(content)} bytes)")
        return json_response(attachment)

    def get(self, request: Request, id: int) -> Response:  # noqa: A002 - the route's name
        stored = self.store.attachments.get(id)
        if stored is None:
            raise not_found(f"attachment {id}")
        meta = {k: v for k, v in stored.items() if k != "content"}
        boundary = secrets.token_hex(12)
        body = (f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{json.dumps(meta)}\r\n--{boundary}\r\n"
                f"Content-Type: {stored['mimeType']}\r\n\r\n").encode() + stored["content"] + \
            f"\r\n--{boundary}--\r\n".encode()
        return Response(200, body, [("Content-Type", f"multipart/mixed; boundary={boundary}")])

    def delete(self, request: Request, id: int) -> Response:  # noqa: A002
        stored = self.store.attachments.pop(id, None)
        if stored is None:
            raise not_found(f"attachment {id}")
        invoice = self.store.invoices.get(stored["referenceId"]) if stored["referenceType"] == "INVOICE" else None
        if invoice is not None:
            invoice["attachments"] = [a for a in invoice["attachments"] if a["id"] != id]
        self.store.log_write("DELETE", request.path, id, f"attachment {stored['name']} deleted")
        return Response(204)
