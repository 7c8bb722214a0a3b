"""The voucher method (spec 7): one customer-invoice voucher per invoice in the journal of the start text,
numbered like the Opter invoice, then the PDF copy attached to it. Steps: "customer", "invoice" (the
voucher, as "{year}-{number}"), "attachment".

Finding the voucher of an Opter invoice (booked or not) rests on its number: the voucher number is the
invoice number, and e-conomic uses a voucher number once per accounting year.
- Not yet booked, a voucher is in its journal: before a run, the journal's entries whose voucher number
  is one of the run's invoice numbers ($in:, 200 a call); after an unanswered call, the voucher itself
  (GET /journals/{n}/vouchers/{year}-{number}).
- Once the journal is booked in e-conomic, its entries are in the accounting year: those of the run's
  invoice dates, read once per year (the entries are filterable by date only), or of the one date after
  an unanswered call.
An invoice booked by the invoice method under the same number (the export's method was switched) is in
e-conomic too: the booked invoice numbers are read as by the invoice method, so it is never booked twice.

Booked is complete. Unbooked is ours when its customer-invoice entries carry our invoice number and add
up to our total; then only a missing attachment is left to do. Any other voucher with our number means the
number is taken: "already exist".
"""
from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation

from ..base import ExportError, RemoteRef, SendResult
from ..steps import Steps
from .api import EconomicApi, Refused, chunks
from .attachments import ATTACHMENT, note_attachment, upload_pdf
from .customers import CustomerBook
from .invoices import InvoiceSender
from .messages import CATALOGUE
from .reference import Reference
from .settings import Settings

VOUCHER = "invoice"


def _amount(value) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal("NaN")


class VoucherSender:
    def __init__(self, api: EconomicApi, customers: CustomerBook, settings: Settings, reference: Reference,
                 include_pdf: bool):
        self.api = api
        self.customers = customers
        self.settings = settings
        self.reference = reference
        self.include_pdf = include_pdf
        self.unbooked: dict[int, list[dict]] = {}  # voucher number -> its entries in the journal
        self.booked: set[tuple[str, int]] = set()  # (accounting year, voucher number)
        self.invoices = InvoiceSender(api, customers, include_pdf)  # booked invoices with our numbers

    @property
    def journal(self) -> int:
        return self.settings.journal

    def load_existing(self, numbers: list[int], days) -> None:
        """The run's invoices already in e-conomic: ``days`` are the run's invoice dates."""
        wanted = set(numbers)
        self.invoices.load_booked(numbers)
        for part in chunks(sorted(wanted)):
            rows = self.api.collection(f"journals/{self.journal}/entries",
                                       filter=f"voucher.voucherNumber$in:[{','.join(map(str, part))}]")
            for row in rows:
                number = (row.get("voucher") or {}).get("voucherNumber")
                self.unbooked.setdefault(number, []).append(row)
        by_year: dict[str, list] = {}
        for day in days:
            year = self.reference.accounting_year(day)
            if year is not None:
                by_year.setdefault(str(year["year"]), []).append(day)
        for year, year_days in by_year.items():
            first, last = min(year_days).isoformat(), max(year_days).isoformat()
            self.add_booked(year, self.api.collection(f"accounting-years/{year}/entries",
                                                      filter=f"date$gte:{first}$and:date$lte:{last}"), wanted)

    def add_booked(self, year: str, rows: list[dict], wanted: set[int]) -> None:
        self.booked |= {(year, row.get("voucherNumber")) for row in rows if row.get("voucherNumber") in wanted}

    # -- is it there? ---------------------------------------------------------------------------------------
    def find_existing(self, invoice, refresh: bool, steps: Steps) -> RemoteRef | None:
        number = invoice.number
        if number in self.invoices.booked:
            return RemoteRef(str(number), str(number))  # booked as an invoice
        year = self.reference.accounting_year(invoice.invoice_date)
        if year is None:
            return None  # building it says why
        voucher_id = f"{year['year']}-{number}"
        path = f"journals/{self.journal}/vouchers/{voucher_id}"
        if refresh:
            voucher = self.api.find(path)
            entries = (voucher or {}).get("entries", {}).get("manualCustomerInvoices") if voucher else None
            if voucher is None:
                day = invoice.invoice_date.isoformat()
                self.add_booked(str(year["year"]), self.api.collection(
                    f"accounting-years/{year['year']}/entries", filter=f"date$eq:{day}"), {number})
        else:
            rows = [row for row in self.unbooked.get(number, ()) if row.get("entryType") in
                    (None, "manualCustomerInvoice")
                    and (row.get("accountingYear") or {}).get("year", year["year"]) == year["year"]]
            entries = rows or None
            if entries is not None and not any("customerInvoice" in row for row in entries):
                voucher = self.api.find(path)  # the journal's entries do not say whose invoice it is
                entries = (voucher or {}).get("entries", {}).get("manualCustomerInvoices")
        if (str(year["year"]), number) in self.booked:
            return RemoteRef(voucher_id, str(number))
        if entries is None:
            steps.forget(VOUCHER, ATTACHMENT)
            return None
        if not self.is_ours(invoice, entries) and VOUCHER not in steps:
            return RemoteRef(voucher_id, str(number))  # the number is taken
        if VOUCHER not in steps:
            steps.record(VOUCHER, voucher_id)
        if self.include_pdf:
            note_attachment(self.api, f"{path}/attachment", steps)
        return RemoteRef(voucher_id, str(number), complete=not (self.include_pdf and ATTACHMENT not in steps))

    def is_ours(self, invoice, entries: list[dict]) -> bool:
        if not entries or any(entry.get("customerInvoice") != invoice.number for entry in entries):
            return False
        total = sum((_amount(entry.get("amount")) for entry in entries), Decimal(0))
        return total == invoice.total * self.settings.amount_sign

    # -- send ------------------------------------------------------------------------------------------
    def send(self, invoice, payload, steps: Steps) -> SendResult:
        number = invoice.number
        voucher_id = steps.remote_id(VOUCHER)
        if voucher_id is None:
            voucher_id = self.create(invoice, payload.body, steps)
        if payload.pdf and ATTACHMENT not in steps:
            upload_pdf(self.api, f"journals/{self.journal}/vouchers/{voucher_id}/attachment", payload.pdf,
                       payload.pdf_name, number)
            steps.record(ATTACHMENT, voucher_id)
        return SendResult(RemoteRef(voucher_id, str(number)))

    def create(self, invoice, body: dict, steps: Steps) -> str:
        number = invoice.number
        customer = self.customers.number_for(body["customer"], steps)
        document = copy.deepcopy(body["voucher"])
        for entry in document["entries"]["manualCustomerInvoices"]:
            entry["customer"] = {"customerNumber": customer}
        try:
            answer = self.api.write("POST", f"journals/{self.journal}/vouchers", document)
        except Refused as refused:
            raise ExportError(CATALOGUE, "cannot_create_voucher", number, self.journal, refused.refusal.detail,
                              excerpt=refused.refusal.excerpt, status=refused.refusal.status) from None
        # e-conomic answers an array of vouchers, even for one (spec 6.14).
        created = answer[0] if isinstance(answer, list) and answer and isinstance(answer[0], dict) else None
        year = ((created or {}).get("accountingYear") or {}).get("year")
        voucher_number = (created or {}).get("voucherNumber")
        if not year or not isinstance(voucher_number, int):
            raise ExportError(CATALOGUE, "unparsable", f"POST journals/{self.journal}/vouchers: no voucher in "
                              f"{str(answer)[:200]}", may_have_reached_target=True)
        voucher_id = f"{year}-{voucher_number}"
        steps.record(VOUCHER, voucher_id)
        self.unbooked[number] = document["entries"]["manualCustomerInvoices"]
        return voucher_id
