"""The voucher side of the simulator: accounting years, journals, vouchers of customer invoices in a
journal, their attachment upload (multipart), and what booking a journal leaves in the accounting year
(spec sections 6.12-6.15).

Vouchers are identified by ``{accountingYear}-{voucherNumber}``; a voucher number is used once per
accounting year, whichever journal holds it and whether or not it is booked. Booking a journal is what
a user does in e-conomic; here the sandbox page ``POST /_journals/<n>/book`` does it.
"""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from email.parser import BytesParser
from email.policy import HTTP

from ..simulator import ApiError
from ..wsgi import Request, Response, json_response
from . import collections, schemas
from .errors import DOES_NOT_EXIST, TOO_MANY_DECIMALS, Problems, not_found, refused
from .invoicing import cents, has_more_decimals
from .resources import linked

JOURNAL_PREFIXES = ("/journals", "/journals-experimental")
YEAR_FILTERABLE = frozenset({"fromDate", "toDate", "year"})
JOURNAL_ENTRY_FILTERABLE = frozenset({
    "amount", "amountDefaultCurrency", "contraAccount.accountNumber", "contraVatAccount.vatCode", "contraVatAmount",
    "currency.code", "date", "employee.employeeNumber", "entryType", "exchangeRate", "journalEntryNumber", "text",
    "voucher.voucherNumber"})
YEAR_ENTRY_FILTERABLE = frozenset({"currency", "date"})
ENTRY_KINDS = {"manualCustomerInvoices": "manualCustomerInvoice", "financeVouchers": "financeVoucher",
               "customerPayments": "customerPayment", "supplierInvoices": "supplierInvoice",
               "supplierPayments": "supplierPayment"}
ATTACHMENT_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif"}
ATTACHMENT_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".gif", ".png")
VOUCHER_ID = r"(?P<year>\d{4})-(?P<number>\d+)"


class JournalRoutes:
    def add_journal_routes(self, add) -> None:
        add("GET", "/accounting-years", self.list_years)
        add("GET", "/accounting-years/<int:year>", self.get_year)
        add("GET", "/accounting-years/<int:year>/entries", self.year_entries)
        for prefix in JOURNAL_PREFIXES:
            add("GET", prefix, self.list_journals)
            add("GET", f"{prefix}/<int:journal>", self.get_journal)
            add("GET", f"{prefix}/<int:journal>/entries", self.journal_entries)
            add("GET", f"{prefix}/<int:journal>/vouchers", self.list_vouchers)
            add("POST", f"{prefix}/<int:journal>/vouchers", self.create_vouchers)
            voucher = f"{prefix}/<int:journal>/vouchers/{VOUCHER_ID}"
            add("GET", voucher, self.get_voucher)
            add("GET", f"{voucher}/attachment", self.voucher_attachment)
            add("GET", f"{voucher}/attachment/file", self.voucher_file)
            add("POST", f"{voucher}/attachment/file", self.attach_to_voucher)
            add("PATCH", f"{voucher}/attachment/file", self.append_to_voucher)
            add("DELETE", f"{voucher}/attachment/file", self.delete_voucher_file)

    # -- accounting years --------------------------------------------------------------------------------
    def list_years(self, request: Request) -> Response:
        return self.collection(request, list(self.store.accounting_years.values()), YEAR_FILTERABLE,
                               default_sort="fromDate", self_path=year_path)

    def get_year(self, request: Request, year: int) -> Response:
        found = self.store.accounting_years.get(str(year))
        if found is None:
            raise not_found(f"accounting year {year}")
        return self.resource(request, found, self_path=year_path)

    def year_entries(self, request: Request, year: int) -> Response:
        if str(year) not in self.store.accounting_years:
            raise not_found(f"accounting year {year}")
        return self.collection(request, self.store.booked_entries.get(str(year), []), YEAR_ENTRY_FILTERABLE,
                               default_sort="date")

    def year_of(self, day: date) -> dict | None:
        text = day.isoformat()
        return next((y for y in self.store.accounting_years.values() if y["fromDate"] <= text <= y["toDate"]), None)

    # -- journals ------------------------------------------------------------------------------------------
    def list_journals(self, request: Request) -> Response:
        return self.collection(request, list(self.store.journals.values()), frozenset({"journalNumber", "name"}))

    def get_journal(self, request: Request, journal: int) -> Response:
        return self.resource(request, self.journal(journal))

    def journal(self, number: int) -> dict:
        found = self.store.journals.get(number)
        if found is None:
            raise not_found(f"journal {number}")
        return found

    def journal_entries(self, request: Request, journal: int) -> Response:
        self.journal(journal)
        rows = [entry for voucher in self.store.vouchers.values() if voucher["journal"]["journalNumber"] == journal
                for entry in flat_entries(voucher)]
        return self.collection(request, rows, JOURNAL_ENTRY_FILTERABLE, default_sort="journalEntryNumber")

    # -- vouchers ------------------------------------------------------------------------------------------
    def list_vouchers(self, request: Request, journal: int) -> Response:
        self.journal(journal)
        base = collections.base_url(request)
        rows = [self.voucher_resource(base, v) for v in self.store.vouchers.values()
                if v["journal"]["journalNumber"] == journal]
        return self.collection(request, rows, frozenset({"voucherNumber"}))

    def get_voucher(self, request: Request, journal: int, year: int, number: int) -> Response:
        return json_response(self.voucher_resource(collections.base_url(request), self.voucher(journal, year, number)))

    def voucher(self, journal: int, year: int, number: int) -> dict:
        self.journal(journal)
        found = self.store.vouchers.get((str(year), number))
        if found is None or found["journal"]["journalNumber"] != journal:
            raise not_found(f"voucher {year}-{number} in journal {journal}")
        return found

    def create_vouchers(self, request: Request, journal: int) -> Response:
        journal_row = self.journal(journal)
        body = self.json_body(request)
        bulk = isinstance(body, list)
        if bulk and not self.options.accept_voucher_arrays:
            raise ApiError(400, "Send one voucher object per request.")
        documents = body if bulk else [body]
        created = [self.checked_voucher(document, journal_row) for document in documents]
        for voucher in created:
            key = (voucher["accountingYear"]["year"], voucher["voucherNumber"])
            self.store.vouchers[key] = voucher
            self.store.log_write("POST", request.path, f"{key[0]}-{key[1]}",
                                 f"voucher {key[0]}-{key[1]} in journal {journal}: {summary(voucher)}")
        base = collections.base_url(request)
        answer = [self.voucher_resource(base, voucher) for voucher in created]
        return json_response(answer, 201, [("Location", answer[0]["self"])] if answer else [])

    def checked_voucher(self, body, journal: dict) -> dict:
        problems = schemas.check(body, schemas.VOUCHER)
        problems.raise_if_any()
        year = self.store.accounting_years.get(body["accountingYear"]["year"])
        if year is None:
            problems.add(("accountingYear", "year"), DOES_NOT_EXIST,
                         f"Accounting year {body['accountingYear']['year']} does not exist.",
                         value=body["accountingYear"]["year"])
            problems.raise_if_any()
        if year["closed"]:
            raise refused(f"Accounting year {year['year']} is closed.", self.options.closed_year_code)
        if body.get("journal") and body["journal"].get("journalNumber") not in (None, journal["journalNumber"]):
            problems.add(("journal",), DOES_NOT_EXIST, "The journal of the voucher is not the journal of the URL.")
        entries = body["entries"]
        if not any(entries.get(kind) for kind in ENTRY_KINDS):
            problems.add(("entries",), schemas.SCHEMA, "A voucher needs at least one entry.")
        restricted = journal["settings"].get("entryTypeRestrictedTo")
        for kind, rows in entries.items():
            if rows and restricted and ENTRY_KINDS[kind] != restricted:
                raise refused(f"Journal {journal['journalNumber']} takes only entries of the type {restricted}.")
            for index, entry in enumerate(rows):
                self.check_entry(problems, ("entries", kind, index), entry, year)
        problems.raise_if_any()
        number = body.get("voucherNumber") or self.next_voucher_number(year["year"], journal)
        self.check_voucher_number(number, year["year"], journal)
        voucher = {"accountingYear": {"year": year["year"]}, "journal": {"journalNumber": journal["journalNumber"]},
                   "voucherNumber": number, "entries": {}}
        for kind, rows in entries.items():
            voucher["entries"][kind] = [{**entry, "journalEntryNumber": self.store.new_id("journal_entries"),
                                         "voucher": {"voucherNumber": number}} for entry in rows]
        return voucher

    def check_entry(self, problems: Problems, where: tuple, entry: dict, year: dict) -> None:
        if not year["fromDate"] <= entry["date"] <= year["toDate"]:
            problems.add((*where, "date"), schemas.SCHEMA,
                         f"The date {entry['date']} is not in accounting year {year['year']}.", value=entry["date"])
        for name in ("amount", "contraVatAmount", "vatAmount", "amountBaseCurrency"):
            if entry.get(name) is not None and has_more_decimals(entry[name]):
                problems.add((*where, name), TOO_MANY_DECIMALS, f"{name} may have at most 2 decimals.",
                             value=str(entry[name]))
        customer = (entry.get("customer") or {}).get("customerNumber")
        if "customerInvoice" in entry or "customer" in entry:
            if customer is None and not entry.get("contraAccount"):
                problems.add((*where, "customer"), schemas.SCHEMA, "A customer or a contra account is required.")
            if customer is not None and customer not in self.store.customers:
                problems.add((*where, "customer"), DOES_NOT_EXIST, f"Customer {customer} does not exist.",
                             value=customer)
        for name in ("account", "contraAccount"):
            number = (entry.get(name) or {}).get("accountNumber")
            if number is not None and number not in self.store.accounts:
                problems.add((*where, name), DOES_NOT_EXIST, f"Account {number} does not exist.", value=number)
        for name in ("vatAccount", "contraVatAccount"):
            code = (entry.get(name) or {}).get("vatCode")
            vat = self.store.vat_accounts.get(code)
            if code is not None and (vat is None or vat.get("barred")):
                problems.add((*where, name), DOES_NOT_EXIST, f"The VAT code {code} does not exist or is barred.",
                             value=code)
            elif code is not None:
                self.check_vat_amount(problems, where, entry, vat, "contraVatAmount" if name.startswith("contra")
                                      else "vatAmount")
        currency = (entry.get("currency") or {}).get("code")
        if currency is not None and currency not in self.currencies:
            problems.add((*where, "currency", "code"), DOES_NOT_EXIST, "currency does not exist.", value=currency)

    def check_vat_amount(self, problems: Problems, where: tuple, entry: dict, vat: dict, field: str) -> None:
        """The VAT of an amount that includes it: amount x rate / (100 + rate), to the cent."""
        rate = Decimal(vat["ratePercentage"])
        expected = cents(Decimal(entry["amount"]) * rate / (100 + rate))
        given = Decimal(entry.get(field) or 0)
        if abs(given - expected) > Decimal("0.01"):
            problems.add((*where, field), schemas.SCHEMA,
                         f"{field} {given} is not {rate} % VAT of the amount {entry['amount']} ({expected}).",
                         value=str(given))

    def next_voucher_number(self, year: str, journal: dict):
        if not self.options.assign_voucher_numbers:
            raise ApiError(400, "voucherNumber is required.")
        numbers = self.voucher_numbers(year)
        start = journal["settings"]["voucherNumbers"].get("minimumVoucherNumber", 1)
        return max([n for n in numbers if n >= start], default=start - 1) + 1

    def voucher_numbers(self, year: str) -> set[int]:
        numbers = {number for (held_year, number) in self.store.vouchers if held_year == year}
        numbers |= {entry["voucherNumber"] for entry in self.store.booked_entries.get(year, [])}
        return numbers

    def check_voucher_number(self, number: int, year: str, journal: dict) -> None:
        limits = journal["settings"]["voucherNumbers"]
        low, high = limits.get("minimumVoucherNumber", 1), limits.get("maximumVoucherNumber", 999999999)
        if not low <= number <= high:
            raise refused(f"Voucher number {number} is outside the voucher numbers of journal "
                          f"{journal['journalNumber']} ({low}-{high}).", self.options.voucher_number_range_code)
        if number in self.voucher_numbers(year):
            raise refused(f"Voucher number {number} is already used in accounting year {year}.",
                          self.options.duplicate_voucher_code)

    def voucher_resource(self, base: str, voucher: dict) -> dict:
        year, number, journal = (voucher["accountingYear"]["year"], voucher["voucherNumber"],
                                 voucher["journal"]["journalNumber"])
        path = f"{base}/journals/{journal}/vouchers/{year}-{number}"
        result = linked(base, voucher)
        result["accountingYear"]["self"] = f"{base}/accounting-years/{year}"
        for rows in result["entries"].values():
            for row in rows:
                row["voucher"]["self"] = path
                row["self"] = f"{base}/journals/{journal}/entries/{row['journalEntryNumber']}"
        result.update(attachment=f"{path}/attachment", self=path)
        return result

    # -- attachments ------------------------------------------------------------------------------------------
    def voucher_attachment(self, request: Request, journal: int, year: int, number: int) -> Response:
        self.voucher(journal, year, number)
        return self.attachment_metadata(request, ("voucher", str(year), number),
                                        f"journals/{journal}/vouchers/{year}-{number}/attachment")

    def voucher_file(self, request: Request, journal: int, year: int, number: int) -> Response:
        self.voucher(journal, year, number)
        attachment = self.store.attachments.get(("voucher", str(year), number))
        if attachment is None:
            raise not_found(f"attachment of voucher {year}-{number}")
        return Response(200, attachment["file"], [("Content-Type", "application/pdf")])

    def attach_to_voucher(self, request: Request, journal: int, year: int, number: int) -> Response:
        self.voucher(journal, year, number)
        return self.store_attachment(request, ("voucher", str(year), number),
                                     f"journals/{journal}/vouchers/{year}-{number}/attachment")

    def append_to_voucher(self, request: Request, journal: int, year: int, number: int) -> Response:
        self.voucher(journal, year, number)
        return self.store_attachment(request, ("voucher", str(year), number),
                                     f"journals/{journal}/vouchers/{year}-{number}/attachment", append=True)

    def delete_voucher_file(self, request: Request, journal: int, year: int, number: int) -> Response:
        self.voucher(journal, year, number)
        if self.store.attachments.pop(("voucher", str(year), number), None) is None:
            raise not_found(f"attachment of voucher {year}-{number}")
        self.store.log_write("DELETE", request.path, f"{year}-{number}", "attachment deleted")
        return Response(204)

    def attachment_metadata(self, request: Request, key: tuple, path: str) -> Response:
        attachment = self.store.attachments.get(key)
        if attachment is None:
            raise not_found(f"attachment of {path}")
        base = collections.base_url(request)
        return json_response({"createdAt": attachment["createdAt"], "description": attachment["filename"],
                              "file": f"{base}/{path}/file", "pages": attachment["pages"], "self": f"{base}/{path}"})

    def store_attachment(self, request: Request, key: tuple, path: str, *, append: bool = False) -> Response:
        filename, content = file_part(request, self.options.max_attachment_bytes)
        held = self.store.attachments.get(key)
        if held is not None and not append and not self.options.post_replaces_attachment:
            raise refused("The voucher already has an attachment; add pages with PATCH or delete it first.")
        pages = page_count(content)
        if held is not None and append:
            held.update(file=held["file"] + content, pages=held["pages"] + pages)
        else:
            self.store.attachments[key] = {"file": content, "filename": filename, "pages": pages,
                                           "createdAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        self.store.log_write(request.method, request.path, "/".join(map(str, key)),
                             f"attachment {filename} ({len(content)} bytes)")
        if self.options.attachment_response == "metadata":
            answer = self.attachment_metadata(request, key, path)
            answer.status = 201
            return answer
        return Response(201)

    # -- booking a journal (the user's action in e-conomic) -------------------------------------------------
    def book_journal(self, journal: int) -> int:
        """Book every voucher of the journal: it leaves the journal and its entries go to the accounting
        year. Returns the number of vouchers booked."""
        with self.store.lock:
            keys = [key for key, v in self.store.vouchers.items() if v["journal"]["journalNumber"] == journal]
            for key in keys:
                voucher = self.store.vouchers.pop(key)
                self.store.booked_entries.setdefault(key[0], []).extend(self.booked_entries_of(voucher))
            return len(keys)

    def booked_entries_of(self, voucher: dict) -> list[dict]:
        number = voucher["voucherNumber"]
        sign = Decimal(1) if self.options.voucher_amount_sign == "positive" else Decimal(-1)
        rows = []
        for entry in voucher["entries"].get("manualCustomerInvoices", []):
            amount = Decimal(entry["amount"]) * sign  # positive: a debit of the customer
            vat = Decimal(entry.get("contraVatAmount") or 0) * sign
            common = {"voucherNumber": number, "date": entry["date"], "text": entry.get("text", ""),
                      "currency": (entry.get("currency") or {}).get("code", self.base_currency)}
            customer = self.store.customers.get((entry.get("customer") or {}).get("customerNumber"))
            group = self.store.customer_groups.get((customer or {}).get("customerGroup", {}).get("customerGroupNumber"))
            debtors = (group or {}).get("account", {}).get("accountNumber", 5600)
            rows.append({**common, "entryType": "manualDebtorInvoice", "account": {"accountNumber": debtors},
                         "amount": amount, "customerInvoice": entry.get("customerInvoice")})
            rows.append({**common, "entryType": "manualDebtorInvoice", "amount": -(amount - vat),
                         "account": {"accountNumber": entry["contraAccount"]["accountNumber"]}
                         if entry.get("contraAccount") else None})
            if vat:
                code = entry["contraVatAccount"]["vatCode"]
                rows.append({**common, "entryType": "manualDebtorInvoice", "amount": -vat,
                             "account": {"accountNumber": self.store.vat_accounts[code]["account"]["accountNumber"]},
                             "vatAccount": {"vatCode": code}})
        for entry in voucher["entries"].get("financeVouchers", []):
            rows.append({"voucherNumber": number, "date": entry["date"], "text": entry.get("text", ""),
                         "entryType": "financeVoucher", "amount": Decimal(entry["amount"]),
                         "account": entry.get("account")})
        for row in rows:
            row["entryNumber"] = self.store.new_id("booked_entries")
        return rows


def year_path(year: dict) -> str:
    return f"accounting-years/{year['year']}"


def flat_entries(voucher: dict) -> list[dict]:
    """A voucher's entries as the journal's entries collection lists them."""
    rows = []
    for kind, entries in voucher["entries"].items():
        for entry in entries:
            rows.append({**entry, "entryType": ENTRY_KINDS[kind], "accountingYear": dict(voucher["accountingYear"]),
                         "journal": dict(voucher["journal"])})
    return rows


def summary(voucher: dict) -> str:
    parts = []
    for entry in voucher["entries"].get("manualCustomerInvoices", []):
        parts.append(f"customer invoice {entry.get('customerInvoice')} {entry['amount']} "
                     f"{(entry.get('contraVatAccount') or {}).get('vatCode', '')}".strip())
    return "; ".join(parts) or "no customer invoice entries"


def file_part(request: Request, limit: int) -> tuple[str, bytes]:
    """The one file of a multipart/form-data upload, whatever its field is called (spec 6.15)."""
    content_type = request.header("Content-Type") or ""
    if not content_type.lower().startswith("multipart/form-data"):
        raise ApiError(415, "Upload the file as multipart/form-data.")
    if len(request.body) > limit:
        raise ApiError(413, f"The file is larger than {limit} bytes.")
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode() + request.body)
    files = [part for part in message.iter_parts() if part.get_filename() is not None] \
        if message.is_multipart() else []
    if len(files) != 1:
        raise ApiError(400, "The upload must hold exactly one file.")
    part = files[0]
    filename = part.get_filename() or ""
    content = part.get_payload(decode=True) or b""
    kind = part.get_content_type()
    if not filename.lower().endswith(ATTACHMENT_SUFFIXES) and kind not in ATTACHMENT_TYPES:
        raise ApiError(415, "Only .pdf, .jpg, .jpeg, .gif and .png files can be attached.")
    if filename.lower().endswith(".pdf") and not content.startswith(b"%PDF-"):
        raise ApiError(400, f"{filename} is not a PDF file.")
    return filename, content


def page_count(content: bytes) -> int:
    return max(1, len(re.findall(rb"/Type\s*/Page(?![s\w])", content)))
