"""Sales invoices, their ledger receipts (the account coding) and attachments (spec sections 11-13): a new
invoice is UNFINISHED with a SALES_INVOICE ledger receipt derived from its rows; approve and send move it
on; PUTs carry the version they read."""
from __future__ import annotations

import copy
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ..wsgi import Request, Response, json_response
from .common import body_of, check_version, new_version, not_found, paged, refuse
from .reference import closed_months
from .rules import (
    INVOICE_CHANNELS,
    INVOICE_PAYMENT_METHODS,
    LANGUAGES,
    UNITS,
    address_problems,
    currency_ok,
    decimal_places,
    email_ok,
    iban_ok,
    length_problem,
    period_state,
    reference_problems,
)
from .schemas import APPROVE, INVOICE, LEDGER_RECEIPT

CENT = Decimal("0.01")
#: How the portal names the invoice a credit invoice credits (exports.connectors.procountor.build).
CREDIT_LINK = re.compile(r"Credit note for invoice (\S+)")
READ_ONLY = ("id", "status", "ledgerReceiptId", "invoiceSumInfo", "attachments", "creatorId", "paymentDate",
             "invoiceApprovalInformation", "created")
RECEIPT_TYPES = ("JOURNAL", "SALES_INVOICE", "PURCHASE_INVOICE", "TRAVEL_INVOICE", "BILL_OF_CHARGES")


def cents(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def row_net(row: dict, header_discount) -> Decimal:
    gross = Decimal(str(row["quantity"])) * Decimal(str(row["unitPrice"]))
    discount = (1 - Decimal(str(row["discountPercent"])) / 100) * (1 - Decimal(str(header_discount)) / 100)
    return cents(gross * discount)


def sum_info(invoice: dict) -> dict:
    """Net per row; VAT once per rate on the rate's net, as Finnish invoices are totalled."""
    by_rate: dict[Decimal, Decimal] = {}
    for row in invoice["invoiceRows"]:
        percent = Decimal(str(row["vatPercent"]))
        by_rate[percent] = by_rate.get(percent, Decimal(0)) + row_net(row, invoice["discountPercent"])
    net = sum(by_rate.values(), Decimal(0))
    vat = sum((cents(amount * percent / 100) for percent, amount in by_rate.items()), Decimal(0))
    return {"currency": invoice["paymentInfo"]["currency"], "inAccountingCurrency": invoice["paymentInfo"]["currency"]
            == "EUR", "excludingVatTotal": net, "vatSumTotal": vat, "invoiceSumTotal": net + vat}


class Invoices:
    def __init__(self, simulator):
        self.sim = simulator

    @property
    def store(self):
        return self.sim.store

    @property
    def options(self):
        return self.sim.options

    # -- invoices -------------------------------------------------------------------------------------------
    def search(self, request: Request) -> Response:
        query = request.query
        types = {t for t in (query.get("types") or "").split(",") if t}
        statuses = {s for s in (query.get("status") or "").split(",") if s}
        rows = []
        for invoice in self.store.invoices.values():
            if types and invoice["type"] not in types or statuses and invoice["status"] not in statuses:
                continue
            if query.get("originalInvoiceNumber") and invoice.get("originalInvoiceNumber") != \
                    query["originalInvoiceNumber"]:
                continue
            if query.get("invoiceNumber") and str(invoice["invoiceNumber"]) != query["invoiceNumber"]:
                continue
            if query.get("startDate") and invoice["date"] < query["startDate"]:
                continue
            if query.get("endDate") and invoice["date"] > query["endDate"]:
                continue
            if query.get("businessPartnerId") and str(invoice.get("partnerId")) != query["businessPartnerId"]:
                continue
            rows.append({name: invoice.get(name) for name in (
                "id", "partnerId", "type", "status", "invoiceNumber", "originalInvoiceNumber", "invoiceChannel",
                "date", "created", "version")} | {"dueDate": invoice["paymentInfo"]["dueDate"],
                                                    "invoiceSumInfo": invoice["invoiceSumInfo"]})
        return json_response(paged(request, rows, max_size=self.options.max_page_size))

    def get(self, request: Request, id: int) -> Response:  # noqa: A002 - the route's name
        return json_response(self._invoice(id))

    def create(self, request: Request) -> Response:
        body = body_of(request, INVOICE)
        for name in READ_ONLY:
            body.pop(name, None)
        body.pop("version", None)
        number = self._validate(body)
        invoice_id = self.store.new_id("invoices")
        invoice = {**body, "id": invoice_id, "status": "UNFINISHED", "invoiceNumber": number,
                   "version": new_version(), "created": new_version()[:19], "attachments": []}
        invoice.setdefault("billingAddress", copy.deepcopy(body["counterParty"]["counterPartyAddress"]))
        invoice["invoiceSumInfo"] = sum_info(invoice)
        invoice["ledgerReceiptId"] = self._new_receipt(invoice)
        self.store.invoices[invoice_id] = invoice
        self.store.log_write("POST", request.path, invoice_id,
                             f"invoice {body.get('originalInvoiceNumber') or number} (no. {number}), "
                             f"total {invoice['invoiceSumInfo']['invoiceSumTotal']}")
        return json_response(invoice)

    def update(self, request: Request, id: int) -> Response:  # noqa: A002
        invoice = self._invoice(id)
        if invoice["status"] != "UNFINISHED":
            raise refuse([(None, "SIM_ONLY_UNFINISHED_INVOICES_CAN_BE_CHANGED")], 403)
        body = body_of(request, INVOICE)
        check_version(body.get("version"), invoice["version"], self.options.version_mismatch_status)
        for name in (*READ_ONLY, "version", "invoiceNumber"):
            body.pop(name, None)
        if body.get("partnerId") not in (None, invoice.get("partnerId")):
            raise refuse([("partnerId", "SIM_PARTNER_CANNOT_BE_CHANGED")])
        self._validate({**body, "invoiceNumber": None}, itself=id)
        rows_changed = body["invoiceRows"] != invoice["invoiceRows"]
        invoice.update(body)
        invoice["version"] = new_version()
        invoice["invoiceSumInfo"] = sum_info(invoice)
        if rows_changed:  # Procountor may recreate the receipt: a new id
            self.store.receipts.pop(invoice["ledgerReceiptId"], None)
            invoice["ledgerReceiptId"] = self._new_receipt(invoice)
        self.store.log_write("PUT", request.path, id, f"invoice {invoice.get('originalInvoiceNumber')} changed")
        return json_response(invoice)

    def approve(self, request: Request, id: int) -> Response:  # noqa: A002
        invoice = self._invoice(id)
        if request.body.strip():
            body_of(request, APPROVE)
        if invoice["status"] != "UNFINISHED":
            raise refuse([(None, "SIM_WRONG_STATUS_FOR_APPROVAL")], 403)
        self._set_status(invoice, "NOT_SENT", request.path)
        return json_response({"message": "Invoice approved."})

    def send(self, request: Request, id: int) -> Response:  # noqa: A002
        invoice = self._invoice(id)
        if invoice["status"] not in ("NOT_SENT", "SENT"):
            raise refuse([(None, "SIM_ONLY_NOT_SENT_OR_SENT_INVOICES_CAN_BE_SENT")], 403)
        self._set_status(invoice, "SENT", request.path)
        return json_response({"message": "Invoice sent."})

    def _set_status(self, invoice: dict, status: str, path: str) -> None:
        invoice["status"] = status
        invoice["version"] = new_version()
        receipt = self.store.receipts.get(invoice["ledgerReceiptId"])
        if receipt:
            receipt["status"] = status
        self.store.log_write("PUT", path, invoice["id"], f"invoice {invoice.get('originalInvoiceNumber')} {status}")

    # -- ledger receipts ------------------------------------------------------------------------------------
    def search_receipts(self, request: Request) -> Response:
        query = request.query
        types = {t for t in (query.get("types") or "").split(",") if t}
        rows = [{name: receipt.get(name) for name in ("id", "type", "status", "name", "receiptDate", "receiptNumber",
                                                       "invoiceNumber", "version")}
                for receipt in self.store.receipts.values()
                if (not types or receipt["type"] in types)
                and (not query.get("startDate") or receipt["receiptDate"] >= query["startDate"])
                and (not query.get("endDate") or receipt["receiptDate"] <= query["endDate"])]
        return json_response(paged(request, rows, max_size=self.options.max_page_size))

    def receipt(self, request: Request, id: int) -> Response:  # noqa: A002
        receipt = self.store.receipts.get(id)
        if receipt is None:
            raise not_found(f"ledger receipt {id}")
        return json_response(self._public_receipt(receipt))

    def update_receipt(self, request: Request, id: int) -> Response:  # noqa: A002
        receipt = self.store.receipts.get(id)
        if receipt is None:
            raise refuse([(None, "SIM_LEDGER_RECEIPT_COULD_NOT_BE_UPDATED")], 404)
        body = body_of(request, LEDGER_RECEIPT)
        check_version(body["version"], receipt["version"], self.options.version_mismatch_status)
        invoice = self.store.invoices.get(receipt.get("invoiceId"))
        if invoice is not None and invoice["status"] != "UNFINISHED":
            raise refuse([(None, "SIM_ONLY_UNFINISHED_RECEIPTS_CAN_BE_CHANGED")], 403)
        if body["type"] != receipt["type"] or body["type"] not in RECEIPT_TYPES:
            raise refuse([("type", "SIM_RECEIPT_TYPE_CANNOT_CHANGE")])
        transactions = self._checked_transactions(body)
        if (request.query.get("createReconciliation") or "false").lower() == "true":
            transactions = self._reconciled(transactions)
        else:
            self._check_balance(transactions)
        kept = {name: receipt[name] for name in ("id", "type", "status", "invoiceId", "invoiceNumber",
                                                  "receiptNumber")}
        receipt.update({**body, **kept, "transactions": transactions, "version": new_version(),
                        "coded": True})
        self.store.log_write("PUT", request.path, id, f"account coding of invoice "
                                                      f"{invoice.get('originalInvoiceNumber') if invoice else '-'}")
        return json_response(self._public_receipt(receipt))

    def _checked_transactions(self, body: dict) -> list[dict]:
        problems = self._date_problems(body["receiptDate"], "receiptDate")
        transactions = copy.deepcopy(body["transactions"])
        kinds = [t["transactionType"] for t in transactions]
        for kind in ("REVERSING_ENTRY", "RECONCILIATION_ENTRY"):
            if kinds.count(kind) > 1:
                problems.append(("transactions", f"SIM_AT_MOST_ONE_{kind}"))
        for number, transaction in enumerate(transactions, start=1):
            where = f"transactions[{number}]"
            if transaction["transactionType"] not in ("ENTRY", "RECONCILIATION_ENTRY", "REVERSING_ENTRY"):
                problems.append((f"{where}.transactionType", "SIM_UNKNOWN_TRANSACTION_TYPE"))
            problems += self.sim.reference.account_problem(transaction["account"], f"{where}.account")
            if not decimal_places(transaction["accountingValue"], 2):
                problems.append((f"{where}.accountingValue", "SIM_AT_MOST_2_DECIMALS"))
            if transaction["transactionType"] != "ENTRY":
                if transaction.get("vatStatus") is not None:
                    problems.append((f"{where}.vatStatus", "SIM_NO_VAT_STATUS_ON_THIS_ENTRY"))
                if Decimal(str(transaction["vatPercent"])) != 0:
                    problems.append((f"{where}.vatPercent", "SIM_VAT_PERCENT_MUST_BE_0"))
            else:
                problems += self.sim.reference.vat_problems(transaction["vatPercent"], transaction.get("vatStatus"),
                                                            where)
            problems += self._dimension_problems(transaction, where)
        if problems:
            raise refuse(problems)
        for transaction in transactions:
            transaction.setdefault("id", self.store.new_id("transactions"))
        return transactions

    def _dimension_problems(self, transaction: dict, where: str) -> list:
        values = transaction.get("dimensionItemValues") or []
        problems, seen, per_dimension = [], set(), {}
        for number, value in enumerate(values, start=1):
            dimension = self.store.dimensions.get(value["dimensionId"])
            items = {item["id"]: item for item in dimension["items"]} if dimension else {}
            if dimension is None:
                problems.append((f"{where}.dimensionItemValues[{number}].dimensionId", "SIM_UNKNOWN_DIMENSION"))
            elif value["itemId"] not in items or items[value["itemId"]].get("status") == "P":
                problems.append((f"{where}.dimensionItemValues[{number}].itemId", "SIM_UNKNOWN_DIMENSION_ITEM"))
            pair = (value["dimensionId"], value["itemId"])
            if pair in seen:
                problems.append((f"{where}.dimensionItemValues[{number}]", "SIM_DUPLICATE_DIMENSION_ITEM"))
            seen.add(pair)
            per_dimension[value["dimensionId"]] = per_dimension.get(value["dimensionId"], Decimal(0)) + Decimal(
                str(value["value"]))
        for dimension_id, total in per_dimension.items():
            if total != Decimal(str(transaction["accountingValue"])):
                problems.append((f"{where}.dimensionItemValues", f"SIM_VALUES_OF_DIMENSION_{dimension_id}_MUST_ADD_"
                                                                  f"UP_TO_THE_ACCOUNTING_VALUE"))
        return problems

    @staticmethod
    def _imbalance(transactions: list[dict]) -> Decimal:
        """Receivable (gross) against entries (net, VAT implied by their percentage)."""
        total = Decimal(0)
        for t in transactions:
            value = Decimal(str(t["accountingValue"]))
            total += value * (1 + Decimal(str(t["vatPercent"])) / 100) if t["transactionType"] == "ENTRY" else value
        return total

    def _check_balance(self, transactions: list[dict]) -> None:
        entries = sum(1 for t in transactions if t["transactionType"] == "ENTRY")
        if abs(self._imbalance(transactions)) > CENT * max(1, entries):
            raise refuse([("transactions", "SIM_RECEIPT_DOES_NOT_BALANCE")])

    def _reconciled(self, transactions: list[dict]) -> list[dict]:
        transactions = [t for t in transactions if t["transactionType"] != "RECONCILIATION_ENTRY"]
        difference = cents(-self._imbalance(transactions))
        if difference:
            transactions.append({"id": self.store.new_id("transactions"), "transactionType": "RECONCILIATION_ENTRY",
                                 "account": transactions[0]["account"], "accountingValue": difference,
                                 "vatPercent": 0, "description": "Pyöristys", "dimensionItemValues": []})
        return transactions

    def _new_receipt(self, invoice: dict) -> int:
        """The SALES_INVOICE receipt of a new invoice: one ENTRY per row (accountingByRow) on the row product's
        account, else one per VAT rate on the default sales account; and the receivable."""
        sign = -1 if self.options.sales_entries_negative else 1
        entries = []
        rows = invoice["invoiceRows"]
        if invoice["extraInfo"]["accountingByRow"]:
            for row in rows:
                product = self.store.products.get(row.get("productId")) if row.get("productId") else None
                entries.append({"account": (product or {}).get("defaultAccount") or self.sim.company.DEFAULT_SALES,
                                "value": row_net(row, invoice["discountPercent"]), "vatPercent": row["vatPercent"],
                                "vatStatus": row.get("vatStatus") or invoice.get("vatStatus"),
                                "description": row["product"], "dimensions": self._defaults_of(product)})
        else:
            by_rate: dict = {}
            for row in rows:
                key = (Decimal(str(row["vatPercent"])), row.get("vatStatus") or invoice.get("vatStatus"))
                by_rate[key] = by_rate.get(key, Decimal(0)) + row_net(row, invoice["discountPercent"])
            entries = [{"account": self.sim.company.DEFAULT_SALES, "value": value, "vatPercent": percent,
                        "vatStatus": status, "description": f"Myynti {percent} %", "dimensions": []}
                       for (percent, status), value in by_rate.items()]
        transactions = [{"id": self.store.new_id("transactions"), "transactionType": "REVERSING_ENTRY",
                         "account": self.sim.company.DEFAULT_RECEIVABLE, "accountingValue":
                             -sign * invoice["invoiceSumInfo"]["invoiceSumTotal"], "vatPercent": 0,
                         "description": invoice["counterParty"]["counterPartyAddress"]["name"],
                         "dimensionItemValues": []}]
        for entry in entries:
            value = sign * entry["value"]
            transactions.append({
                "id": self.store.new_id("transactions"), "transactionType": "ENTRY", "account": entry["account"],
                "accountingValue": value, "vatPercent": entry["vatPercent"], "vatStatus": entry["vatStatus"],
                "description": entry["description"][:255],
                "dimensionItemValues": [{"dimensionId": d, "itemId": i, "value": cents(value * p / 100)}
                                        for d, i, p in entry["dimensions"]]})
        receipt_id = self.store.new_id("receipts")
        self.store.receipts[receipt_id] = {
            "id": receipt_id, "type": "SALES_INVOICE", "status": invoice["status"],
            "name": invoice["counterParty"]["counterPartyAddress"]["name"][:80], "receiptDate": invoice["date"],
            "vatType": "SALES", "vatStatus": invoice.get("vatStatus") or 1, "invoiceId": invoice["id"],
            "invoiceNumber": invoice["invoiceNumber"], "receiptNumber": receipt_id, "partnerId":
                invoice.get("partnerId"), "version": new_version(), "transactions": transactions, "coded": False}
        return receipt_id

    @staticmethod
    def _defaults_of(product: dict | None) -> list[tuple[int, int, Decimal]]:
        if not product:
            return []
        return [(dimension_id, item["id"], Decimal(str(item["percent"])))
                for dimension_id, default in product.get("defaultDimensions", {}).items() for item in default["items"]]

    @staticmethod
    def _public_receipt(receipt: dict) -> dict:
        return {k: v for k, v in receipt.items() if k != "coded"}

    # -- rules ------------------------------------------------------------------------------------------------
    def _invoice(self, invoice_id: int) -> dict:
        invoice = self.store.invoices.get(invoice_id)
        if invoice is None:
            raise not_found(f"invoice {invoice_id}")
        return invoice

    def _date_problems(self, day: str, field: str) -> list:
        state = period_state(list(self.store.fiscal_years.values()), date.fromisoformat(day),
                             closed_months(self.options))
        if state != "open":
            raise refuse([(field, "CLOSED_FISCAL_PERIOD")], self.options.closed_period_status)
        return []

    def _validate(self, body: dict, itself: int | None = None) -> int:
        """Every rule of a sales invoice; returns its invoice number (the one supplied, if honoured)."""
        problems = []
        if body["type"] != "SALES_INVOICE":
            problems.append(("type", "SIM_ONLY_SALES_INVOICES_IN_THIS_SANDBOX"))
        if body.get("partnerId") is not None and body["partnerId"] not in self.store.partners:
            problems.append(("partnerId", "SIM_UNKNOWN_BUSINESS_PARTNER"))
        problems += self._date_problems(body["date"], "date")
        if body.get("vatStatus") is None:
            problems.append(("vatStatus", "is required"))
        problems += self.sim.reference.vat_problems(None, body.get("vatStatus"), "")
        if body.get("language") not in LANGUAGES:
            problems.append(("language", "is required" if body.get("language") is None else "SIM_UNKNOWN_LANGUAGE"))
        channel = body["invoiceChannel"]
        if channel not in INVOICE_CHANNELS:
            problems.append(("invoiceChannel", "SIM_INVOICE_CHANNEL_NOT_ALLOWED"))
        party = body["counterParty"]
        address = party["counterPartyAddress"]
        problems += length_problem(address.get("name"), "counterParty.counterPartyAddress.name", 1, 80)
        problems += address_problems(address, "counterParty.counterPartyAddress")
        billing = body.get("billingAddress")
        problems += address_problems(billing, "billingAddress")
        problems += address_problems(body.get("deliveryAddress"), "deliveryAddress")
        problems += length_problem(body.get("originalInvoiceNumber"), "originalInvoiceNumber", 0, 40)
        problems += length_problem(body.get("orderReference"), "orderReference", 0, 70)
        problems += length_problem(body.get("additionalInformation"), "additionalInformation", 0, 10000)
        if party.get("email") and not email_ok(party["email"]):
            problems.append(("counterParty.email", "SIM_INVALID_EMAIL"))
        if channel == "EMAIL" and not email_ok(party.get("email")):
            problems.append(("counterParty.email", "is required"))
        postal = ("street", "zip", "city")
        if channel == "MAIL" and not any(all((a or {}).get(n) for n in postal) for a in (address, billing)):
            problems.append(("billingAddress", "SIM_STREET_ZIP_AND_CITY_REQUIRED_FOR_MAIL"))
        if channel == "ELECTRONIC_INVOICE":
            einvoice = party.get("einvoiceAddress") or {}
            if not einvoice.get("address"):
                problems.append(("counterParty.einvoiceAddress.address", "is required"))
            if address.get("country") == "FINLAND" and not einvoice.get("operator"):
                problems.append(("counterParty.einvoiceAddress.operator", "is required"))
            if not all(all((a or {}).get(n) for n in postal) for a in (address, billing)):
                problems.append(("billingAddress", "SIM_STREET_ZIP_AND_CITY_REQUIRED_FOR_E_INVOICES"))
        problems += self._payment_problems(body)
        if not 0 <= Decimal(str(body["discountPercent"])) <= 100:
            problems.append(("discountPercent", "SIM_PERCENT_0_100"))
        for number, row in enumerate(body["invoiceRows"], start=1):
            where = f"invoiceRows[{number}]"
            problems += length_problem(row["product"], f"{where}.product", 1, 255)
            if row["unit"] not in UNITS:
                problems.append((f"{where}.unit", "SIM_UNKNOWN_UNIT"))
            if not 0 <= Decimal(str(row["discountPercent"])) <= 100:
                problems.append((f"{where}.discountPercent", "SIM_PERCENT_0_100"))
            problems += self.sim.reference.vat_problems(row["vatPercent"], row.get("vatStatus"), where)
            if row.get("productId") is not None and row["productId"] not in self.store.products:
                problems.append((f"{where}.productId", "SIM_UNKNOWN_PRODUCT"))
        problems += self._credit_problems(body, itself)
        number = body.get("invoiceNumber")
        if number is not None and self.options.honour_invoice_number:
            taken = any(i["invoiceNumber"] == number and i["id"] != itself for i in self.store.invoices.values())
            if taken:
                problems.append(("invoiceNumber", "SIM_DUPLICATE_INVOICE_NUMBER"))
        if problems:
            raise refuse(problems)
        if number is not None and self.options.honour_invoice_number:
            return number
        return max((i["invoiceNumber"] for i in self.store.invoices.values()), default=0) + 1

    def _credit_problems(self, body: dict, itself: int | None) -> list:
        """A sales invoice with a negative total is a credit invoice: it names the invoice it credits ("Credit
        note for invoice N", N its original invoice number) in additionalInformation or notes; that invoice is
        a sales invoice of the same partner with a positive total, not invalidated, and credited no further than
        its total. Its rows carry negative quantities at positive unit prices. (Procountor documents no link
        field: the sandbox checks the one the portal writes.)"""
        total = sum((row_net(row, body["discountPercent"]) for row in body["invoiceRows"]), Decimal(0))
        if total >= 0:
            return []
        found = [(name, CREDIT_LINK.search(body.get(name) or "")) for name in ("additionalInformation", "notes")]
        found = [(name, match.group(1)) for name, match in found if match]
        if not found:
            return [("additionalInformation", "SIM_CREDIT_INVOICE_MUST_NAME_THE_CREDITED_INVOICE")]
        field, number = found[0]
        problems = [(f"invoiceRows[{index}].unitPrice", "SIM_CREDIT_ROWS_NEED_NEGATIVE_QUANTITY")
                    for index, row in enumerate(body["invoiceRows"], start=1) if Decimal(str(row["unitPrice"])) < 0]
        originals = [i for i in self.store.invoices.values() if i.get("originalInvoiceNumber") == number
                     and i["id"] != itself and i["status"] != "INVALIDATED"]
        if not originals:
            return [*problems, (field, f"SIM_CREDITED_INVOICE_{number}_NOT_FOUND")]
        original = originals[0]
        if original.get("partnerId") != body.get("partnerId"):
            problems.append((field, f"SIM_CREDITED_INVOICE_{number}_OF_ANOTHER_PARTNER"))
        original_total = sum_info(original)["excludingVatTotal"]
        credited = -total - sum((sum_info(i)["excludingVatTotal"] for i in self.store.invoices.values()
                                 if i.get("credits") == original["id"] and i["id"] != itself), Decimal(0))
        if original_total <= 0 or credited > original_total:
            problems.append((field, f"SIM_CREDIT_EXCEEDS_CREDITED_INVOICE_{number}"))
        body["credits"] = original["id"]
        return problems

    def _payment_problems(self, body: dict) -> list:
        payment, problems = body["paymentInfo"], []
        if payment["paymentMethod"] not in INVOICE_PAYMENT_METHODS:
            problems.append(("paymentInfo.paymentMethod", "SIM_PAYMENT_METHOD_NOT_FOR_SALES_INVOICES"))
        if not currency_ok(payment["currency"]):
            problems.append(("paymentInfo.currency", "SIM_UNKNOWN_CURRENCY"))
        due, day = date.fromisoformat(payment["dueDate"]), date.fromisoformat(body["date"])
        if due < day:
            problems.append(("paymentInfo.dueDate", "DUE_DATE_BEFORE_BILL_DATE"))
        elif (due - day).days > 999:
            problems.append(("paymentInfo.dueDate", "SIM_PAYMENT_TERM_0_999_DAYS"))
        if not 0 < Decimal(str(payment["currencyRate"])) <= 1_000_000:
            problems.append(("paymentInfo.currencyRate", "SIM_CURRENCY_RATE_0_1000000"))
        account = payment.get("bankAccount") or {}
        if account.get("bic"):
            problems.append(("paymentInfo.bankAccount.bic", "SIM_BIC_NOT_SUPPORTED_FOR_SALES_INVOICES"))
        if payment["paymentMethod"] != "CASH" and not iban_ok(account.get("accountNumber")):
            problems.append(("paymentInfo.bankAccount.accountNumber", "SIM_IBAN_WITHOUT_SPACES_REQUIRED"))
        problems += reference_problems(payment.get("bankReferenceCode"), payment.get("bankReferenceCodeType"))
        return problems

    # -- for the contract tests and the received page ---------------------------------------------------------
    def credit_links(self) -> dict[str, str]:
        held = self.store.invoices
        return {i.get("originalInvoiceNumber") or str(i["invoiceNumber"]): held[i["credits"]]["originalInvoiceNumber"]
                for i in held.values() if i.get("credits") in held}

    def booked(self) -> list[dict]:
        return [{"number": invoice.get("originalInvoiceNumber") or str(invoice["invoiceNumber"]),
                 "remote_id": str(invoice["id"]),
                 "complete": bool(self.store.receipts.get(invoice["ledgerReceiptId"], {}).get("coded")),
                 "has_pdf": bool(invoice["attachments"])}
                for invoice in self.store.invoices.values()]
