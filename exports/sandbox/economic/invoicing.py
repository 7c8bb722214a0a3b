"""The invoice side of the simulator: customers, products, draft invoices, booking with a given number,
and the draft's attachment (spec sections 6.1, 6.7, 6.10, 6.11).

Business rules, after the schema: references must exist (E06000), prices carry at most 2 decimals
(E04740), a line with a product needs a quantity (E04730), keys are unique (E06010); a draft is
computed (net, VAT by the product group's sales account for the recipient's VAT zone, gross, due
date) and booking moves it to the booked invoices under the number asked for, once.
"""
from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ..wsgi import Request, Response, json_response
from . import collections, schemas
from .errors import DOES_NOT_EXIST, KEY_EXISTS, QUANTITY_REQUIRED, TOO_MANY_DECIMALS, Problems, not_found, refused

CENT = Decimal("0.01")

CUSTOMER_FILTERABLE = frozenset({
    "address", "balance", "barred", "city", "corporateIdentificationNumber", "country", "creditLimit", "currency",
    "customerNumber", "ean", "email", "lastUpdated", "name", "publicEntryNumber", "telephoneAndFaxNumber",
    "vatNumber", "website", "zip"})
PRODUCT_FILTERABLE = frozenset({"barCode", "barred", "costPrice", "description", "lastUpdated", "name",
                                "productGroup.productGroupNumber", "productNumber", "recommendedPrice", "salesPrice"})
DRAFT_FILTERABLE = frozenset({
    "currency", "customer.customerNumber", "date", "draftInvoiceNumber", "exchangeRate", "notes.heading",
    "notes.textLine1", "notes.textLine2", "paymentTerms.paymentTermsNumber", "recipient.name", "recipient.address",
    "recipient.city", "recipient.country", "recipient.zip", "recipient.ean", "references.other"})
BOOKED_FILTERABLE = frozenset({
    "bookedInvoiceNumber", "currency", "customer.customerNumber", "date", "notes.heading", "notes.textLine1",
    "notes.textLine2", "paymentTerms.paymentTermsNumber", "recipient.name", "recipient.address", "recipient.city",
    "recipient.country", "recipient.zip", "recipient.ean", "recipient.vatZone.vatZoneNumber", "references.other"})


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def has_more_decimals(value, places: int = 2) -> bool:
    return Decimal(value) != Decimal(value).quantize(Decimal(1).scaleb(-places))


def due_date(day: date, terms: dict) -> date | None:
    days = int(terms.get("daysOfCredit") or 0)
    if terms["paymentTermsType"] == "invoiceMonth":
        day = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    elif terms["paymentTermsType"] not in ("net",):
        return None
    return day + timedelta(days=days)


def now_stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class InvoicingRoutes:
    """Mixed into the simulator: handlers read ``self.store``, ``self.options`` and ``self.json_body``."""

    def add_invoicing_routes(self, add) -> None:
        add("GET", "/customers", self.list_customers)
        add("POST", "/customers", self.create_customer)
        add("GET", "/customers/<int:number>", self.get_customer)
        add("GET", "/products", self.list_products)
        add("POST", "/products", self.create_product)
        add("GET", "/products/<int:number>", self.get_product)
        add("GET", "/product-groups/<int:number>/products", self.group_products)
        add("GET", "/invoices/drafts", self.list_drafts)
        add("POST", "/invoices/drafts", self.create_draft)
        add("GET", "/invoices/drafts/<int:number>", self.get_draft)
        add("DELETE", "/invoices/drafts/<int:number>", self.delete_draft)
        add("GET", "/invoices/drafts/<int:number>/attachment", self.draft_attachment)
        add("POST", "/invoices/drafts/<int:number>/attachment/file", self.attach_to_draft)
        add("GET", "/invoices/booked", self.list_booked)
        add("POST", "/invoices/booked", self.book)
        add("GET", "/invoices/booked/<int:number>", self.get_booked)

    # -- customers ---------------------------------------------------------------------------------------
    def list_customers(self, request: Request) -> Response:
        return self.collection(request, list(self.store.customers.values()), CUSTOMER_FILTERABLE)

    def get_customer(self, request: Request, number: int) -> Response:
        return self.resource(request, self.found(self.store.customers, number, "customer"))

    def create_customer(self, request: Request) -> Response:
        body = self.json_body(request)
        problems = schemas.check(body, schemas.CUSTOMER)
        if not problems:
            self.check_reference(problems, ("customerGroup",), self.store.customer_groups,
                                 body["customerGroup"].get("customerGroupNumber"), "customer group")
            self.check_reference(problems, ("paymentTerms",), self.store.payment_terms,
                                 body["paymentTerms"].get("paymentTermsNumber"), "payment terms")
            self.check_reference(problems, ("vatZone",), self.store.vat_zones,
                                 body["vatZone"].get("vatZoneNumber"), "VAT zone")
            if body.get("layout"):
                self.check_reference(problems, ("layout",), self.store.layouts, body["layout"].get("layoutNumber"),
                                     "layout")
            if body["currency"] not in self.currencies:
                problems.add(("currency",), DOES_NOT_EXIST, "currency does not exist.", value=body["currency"])
            if body.get("vatNumber") and not self.options.accept_vat_number:
                problems.add(("vatNumber",), schemas.SCHEMA, "vatNumber is not used by this agreement's country.")
            number = body.get("customerNumber")
            if number is not None and number in self.store.customers:
                problems.add(("customerNumber",), KEY_EXISTS, f"Customer {number} already exists.", value=number)
        problems.raise_if_any()
        number = body.get("customerNumber") or max(self.store.customers, default=0) + 1
        customer = {**body, "customerNumber": number, "balance": Decimal("0.00"), "dueAmount": Decimal("0.00"),
                    "lastUpdated": now_stamp()}
        self.store.customers[number] = customer
        self.store.log_write("POST", request.path, number,
                             f"customer {number} {customer['name']} ({customer.get('corporateIdentificationNumber')})")
        return self.created(request, customer, f"customers/{number}")

    # -- products ------------------------------------------------------------------------------------------
    def list_products(self, request: Request) -> Response:
        return self.collection(request, list(self.store.products.values()), PRODUCT_FILTERABLE)

    def get_product(self, request: Request, number: int) -> Response:
        return self.resource(request, self.found(self.store.products, str(number), "product"))

    def group_products(self, request: Request, number: int) -> Response:
        self.found(self.store.product_groups, number, "product group")
        rows = [p for p in self.store.products.values() if p["productGroup"]["productGroupNumber"] == number]
        return self.collection(request, rows, PRODUCT_FILTERABLE)

    def create_product(self, request: Request) -> Response:
        body = self.json_body(request)
        problems = schemas.check(body, schemas.PRODUCT)
        if not problems:
            self.check_reference(problems, ("productGroup",), self.store.product_groups,
                                 body["productGroup"].get("productGroupNumber"), "product group")
            if body["productNumber"] in self.store.products:
                problems.add(("productNumber",), KEY_EXISTS, f"Product {body['productNumber']} already exists.",
                             value=body["productNumber"])
        problems.raise_if_any()
        product = {**body, "lastUpdated": now_stamp()}
        self.store.products[body["productNumber"]] = product
        self.store.log_write("POST", request.path, body["productNumber"], f"product {body['productNumber']}")
        return self.created(request, product, f"products/{body['productNumber']}")

    # -- drafts ----------------------------------------------------------------------------------------------
    def list_drafts(self, request: Request) -> Response:
        rows = [{k: v for k, v in d.items() if k != "lines"} for d in self.store.drafts.values()]
        return self.collection(request, rows, DRAFT_FILTERABLE, default_sort="draftInvoiceNumber")

    def get_draft(self, request: Request, number: int) -> Response:
        return self.resource(request, self.found(self.store.drafts, number, "draft invoice"))

    def create_draft(self, request: Request) -> Response:
        body = self.json_body(request)
        problems = schemas.check(body, schemas.DRAFT_INVOICE)
        if not problems:
            self.check_draft_rules(body, problems)
        problems.raise_if_any()
        number = self.store.new_id("drafts")
        draft = self.computed_draft(body, number)
        self.store.drafts[number] = draft
        reference = (body.get("references") or {}).get("other")
        self.store.log_write("POST", request.path, number, f"draft {number} ({reference}), gross "
                                                          f"{draft['grossAmount']}")
        return self.created(request, draft, f"invoices/drafts/{number}")

    def check_draft_rules(self, body: dict, problems: Problems) -> None:
        customer = body["customer"].get("customerNumber")
        self.check_reference(problems, ("customer",), self.store.customers, customer, "customer")
        self.check_reference(problems, ("layout",), self.store.layouts, body["layout"].get("layoutNumber"), "layout")
        terms = body["paymentTerms"].get("paymentTermsNumber")
        self.check_reference(problems, ("paymentTerms",), self.store.payment_terms, terms, "payment terms")
        self.check_reference(problems, ("recipient", "vatZone"), self.store.vat_zones,
                             body["recipient"]["vatZone"].get("vatZoneNumber"), "VAT zone")
        if body["currency"] not in self.currencies:
            problems.add(("currency",), DOES_NOT_EXIST, "currency does not exist.", value=body["currency"],
                         hint="Find a list of currencies at /currencies.")
        chosen = self.store.payment_terms.get(terms)
        if chosen and chosen["paymentTermsType"] == "dueDate" and not body.get("dueDate"):
            problems.add(("dueDate",), schemas.SCHEMA, "dueDate is required with payment terms of type dueDate.")
        for index, line in enumerate(body.get("lines") or []):
            where = ("lines", index)
            product = (line.get("product") or {}).get("productNumber")
            if product is None and self.options.lines_require_product:
                problems.add((*where, "product"), schemas.SCHEMA, "product is required on an invoice line.")
            if product is not None:
                self.check_reference(problems, (*where, "product"), self.store.products, product, "product")
                if line.get("quantity") is None:
                    problems.add((*where, "quantity"), QUANTITY_REQUIRED, "quantity is required when a product is "
                                                                          "set.")
                if not (line.get("description") or "").strip():
                    problems.add((*where, "description"), schemas.SCHEMA, "description is required on a line with a "
                                                                          "product.")
            for name in ("unitNetPrice", "discountPercentage", "quantity"):
                if line.get(name) is not None and has_more_decimals(line[name]):
                    problems.add((*where, name), TOO_MANY_DECIMALS, f"{name} may have at most 2 decimals.",
                                 value=str(line[name]))

    def computed_draft(self, body: dict, number: int) -> dict:
        zone = body["recipient"]["vatZone"]["vatZoneNumber"]
        terms = self.store.payment_terms[body["paymentTerms"]["paymentTermsNumber"]]
        lines, net_by_rate = [], {}
        for position, line in enumerate(body.get("lines") or [], start=1):
            quantity = Decimal(line.get("quantity", 1))
            price = Decimal(line.get("unitNetPrice", 0))
            discount = Decimal(line.get("discountPercentage", 0))
            total = cents(quantity * price * (1 - discount / 100))
            rate = self.vat_rate_of(line, zone)
            net_by_rate[rate] = net_by_rate.get(rate, Decimal("0.00")) + total
            lines.append({**line, "lineNumber": line.get("lineNumber", position),
                          "sortKey": line.get("sortKey", position), "vatRate": rate,
                          "vatAmount": cents(total * rate / 100), "totalNetAmount": total})
        if self.options.vat_rounding == "per_line":
            vat = sum((line["vatAmount"] for line in lines), Decimal("0.00"))
        else:
            vat = sum((cents(net * rate / 100) for rate, net in net_by_rate.items()), Decimal("0.00"))
        net = sum(net_by_rate.values(), Decimal("0.00"))
        day = date.fromisoformat(body["date"])
        due = body.get("dueDate") or (due_date(day, terms) or day).isoformat()
        # exchangeRate: the base-currency price of 100 units; e-conomic's own rate when not given (here 100).
        rate = Decimal(body.get("exchangeRate") or 100)
        return {**body, "draftInvoiceNumber": number, "lines": lines, "netAmount": net, "vatAmount": vat,
                "grossAmount": net + vat, "roundingAmount": Decimal("0.00"), "exchangeRate": rate,
                "netAmountInBaseCurrency": cents(net * rate / 100),
                "grossAmountInBaseCurrency": cents((net + vat) * rate / 100),
                "dueDate": due, "paymentTerms": dict(terms),
                "recipient": {**body["recipient"], "vatZone": dict(self.store.vat_zones[zone])},
                "lastUpdated": now_stamp()}

    def vat_rate_of(self, line: dict, zone: int) -> Decimal:
        """The product's group books on a sales account per VAT zone; that account's VAT code gives the rate."""
        product = self.store.products.get((line.get("product") or {}).get("productNumber"))
        if product is None:
            return Decimal("0")
        group = self.store.product_groups[product["productGroup"]["productGroupNumber"]]
        account = group["zoneAccounts"].get(zone)
        code = self.store.account_vat.get(account)
        return self.store.vat_accounts[code]["ratePercentage"] if code else Decimal("0")

    def delete_draft(self, request: Request, number: int) -> Response:
        draft = self.found(self.store.drafts, number, "draft invoice")
        del self.store.drafts[number]
        self.store.attachments.pop(("draft", number), None)
        self.store.log_write("DELETE", request.path, number, f"draft {number} deleted")
        base = collections.base_url(request)
        return json_response({"message": "Deleted 1 draft invoice.", "deletedCount": 1, "deletedItems": [
            {"draftInvoiceNumber": draft["draftInvoiceNumber"], "self": f"{base}/invoices/drafts/{number}"}]})

    def draft_attachment(self, request: Request, number: int) -> Response:
        self.found(self.store.drafts, number, "draft invoice")
        return self.attachment_metadata(request, ("draft", number), f"invoices/drafts/{number}/attachment")

    def attach_to_draft(self, request: Request, number: int) -> Response:
        self.found(self.store.drafts, number, "draft invoice")
        return self.store_attachment(request, ("draft", number), f"invoices/drafts/{number}/attachment")

    # -- booking ----------------------------------------------------------------------------------------------
    def list_booked(self, request: Request) -> Response:
        rows = [{k: v for k, v in b.items() if k != "lines"} for b in self.store.booked.values()]
        return self.collection(request, rows, BOOKED_FILTERABLE, default_sort="bookedInvoiceNumber")

    def get_booked(self, request: Request, number: int) -> Response:
        return self.resource(request, self.found(self.store.booked, number, "booked invoice"))

    def book(self, request: Request) -> Response:
        body = self.json_body(request)
        problems = schemas.check(body, schemas.BOOKING)
        problems.raise_if_any()
        number = body["draftInvoice"].get("draftInvoiceNumber")
        draft = self.store.drafts.get(number)
        if draft is None:
            problems.add(("draftInvoice",), DOES_NOT_EXIST, f"Draft invoice {number} does not exist.", value=number)
            problems.raise_if_any()
        booked_number = body.get("bookWithNumber") or max(self.store.booked, default=0) + 1
        if booked_number in self.store.booked:
            raise refused(f"An invoice with the number {booked_number} has already been booked.",
                          self.options.duplicate_booking_code)
        year = self.year_of(date.fromisoformat(draft["date"]))
        if year is None or year["closed"]:
            raise refused(f"The accounting year of {draft['date']} is not open.", self.options.closed_year_code)
        credits = self.credited_by(draft)
        booked = {k: v for k, v in draft.items() if k not in ("draftInvoiceNumber", "lastUpdated")}
        if credits is not None:
            booked["creditsInvoice"] = credits
        booked.update(bookedInvoiceNumber=booked_number, orderNumber=number, remainder=draft["grossAmount"],
                      remainderInBaseCurrency=draft["grossAmountInBaseCurrency"])
        self.store.booked[booked_number] = booked
        del self.store.drafts[number]
        attachment = self.store.attachments.pop(("draft", number), None)
        if attachment is not None and self.options.keep_draft_attachment_on_booking:
            self.store.attachments[("booked", booked_number)] = attachment
        self.store.log_write("POST", request.path, booked_number, f"draft {number} booked as {booked_number}")
        return self.created(request, booked, f"invoices/booked/{booked_number}")

    def credited_by(self, draft: dict) -> int | None:
        """A credit note (a draft with a negative net amount) names the booked invoice it credits at the end of
        notes.textLine2 ("Credit note for invoice 700001"): an invoice of the same customer with a positive
        amount, credited no further than its net amount. Refused like any booking otherwise."""
        if Decimal(str(draft["netAmount"])) >= 0:
            return None
        found = re.search(r"(\d+)\s*$", (draft.get("notes") or {}).get("textLine2", ""))
        if found is None:
            raise refused("A credit note must name the booked invoice it credits (notes.textLine2).")
        number = int(found.group(1))
        original = self.store.booked.get(number)
        if original is None:
            raise refused(f"The credited invoice {number} is not booked.")
        if original["customer"]["customerNumber"] != draft["customer"]["customerNumber"]:
            raise refused(f"The credited invoice {number} is of another customer.")
        credited = -Decimal(str(draft["netAmount"])) - sum(
            (Decimal(str(b["netAmount"])) for b in self.store.booked.values() if b.get("creditsInvoice") == number),
            Decimal("0"))
        if Decimal(str(original["netAmount"])) <= 0 or credited > Decimal(str(original["netAmount"])):
            raise refused(f"The credit notes of invoice {number} would credit {credited}, more than its net "
                          f"amount {original['netAmount']}.")
        return number

    def credit_links(self) -> dict[str, str]:
        """Each booked credit note's number -> the number of the invoice it credits."""
        with self.store.lock:
            return {str(n): str(b["creditsInvoice"]) for n, b in self.store.booked.items() if b.get("creditsInvoice")}

    # -- helpers -------------------------------------------------------------------------------------------
    def check_reference(self, problems: Problems, path: tuple, table: dict, key, what: str) -> None:
        if key is not None and key not in table:
            problems.add(path, DOES_NOT_EXIST, f"{what[0].upper()}{what[1:]} {key} does not exist.", value=key)

    def found(self, table: dict, key, what: str) -> dict:
        row = table.get(key)
        if row is None:
            raise not_found(f"{what} {key}")
        return row
