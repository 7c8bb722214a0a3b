"""Reading e-conomic's answers: bodies here have the shape of e-conomic's real replies as recorded by client
libraries (spec section 0, [FX]): the collection envelope, the error object of a 404 and of a validation
400, /self, payment terms, VAT zones, product groups, accounting years, a voucher's array answer."""
from datetime import date
from decimal import Decimal

import pytest

from exports.connectors.base import ExportError
from exports.connectors.economic.api import EconomicApi, error_words
from exports.connectors.economic.reference import NotFound, Reference

BASE = "https://restapi.e-conomic.com"


def envelope(path: str, rows: list, *, skip: int = 0, size: int = 1000, total: int | None = None,
             more: bool = False) -> dict:
    total = len(rows) if total is None else total
    link = f"{BASE}/{path}?skippages={{}}&pagesize={size}"
    pagination = {"maxPageSizeAllowed": 1000, "skipPages": skip, "pageSize": size, "results": total,
                  "resultsWithoutFilter": total, "firstPage": link.format(0), "lastPage": link.format(skip + more)}
    if more:
        pagination["nextPage"] = link.format(skip + 1)
    if skip:
        pagination["previousPage"] = link.format(skip - 1)
    return {"collection": rows, "pagination": pagination, "self": link.format(skip)}


PAYMENT_TERMS = [
    {"paymentTermsNumber": 1, "daysOfCredit": 8, "name": "Netto 8 dage", "paymentTermsType": "net",
     "self": f"{BASE}/payment-terms/1"},
    {"paymentTermsNumber": 2, "daysOfCredit": 14, "name": "Netto 14 dage", "paymentTermsType": "net",
     "self": f"{BASE}/payment-terms/2"},
    {"paymentTermsNumber": 3, "daysOfCredit": 0, "name": "Til omgående betaling", "paymentTermsType": "net",
     "self": f"{BASE}/payment-terms/3"},
    {"paymentTermsNumber": 4, "daysOfCredit": 30, "name": "Løbende måned 30 dage", "paymentTermsType": "invoiceMonth",
     "self": f"{BASE}/payment-terms/4"},
    {"paymentTermsNumber": 5, "daysOfCredit": 30, "name": "Netto 30 dage", "paymentTermsType": "net",
     "self": f"{BASE}/payment-terms/5"},
    {"paymentTermsNumber": 7, "name": "DemoDueDatePaymentTerms", "paymentTermsType": "dueDate",
     "self": f"{BASE}/payment-terms/7"},
]
SELF = {"agreementNumber": 1118081, "agreementType": {"agreementTypeNumber": 1, "name": "denmark"},
        "company": {"name": "The Demo Company", "companyIdentificationNumber": "29403473"},
        "application": {"appNumber": 3162, "name": "REST Demo App", "requiredRoles": [{"roleNumber": 2,
                                                                                       "name": "SuperUser"}]},
        "settings": {"baseCurrency": "DKK"}, "self": f"{BASE}/self"}
BODIES = {
    "self": SELF,
    "vat-zones": envelope("vat-zones", [
        {"name": "Domestic", "vatZoneNumber": 1, "enabledForCustomer": True, "enabledForSupplier": True},
        {"name": "EU", "vatZoneNumber": 2, "enabledForCustomer": True, "enabledForSupplier": True}]),
    "payment-terms": envelope("payment-terms", PAYMENT_TERMS),
    "product-groups": envelope("product-groups", [
        {"productGroupNumber": 1, "name": "Varer m/moms", "salesAccounts": f"{BASE}/product-groups/1/sales-accounts",
         "products": f"{BASE}/product-groups/1/products", "self": f"{BASE}/product-groups/1"},
        {"productGroupNumber": 7, "name": "1010", "products": f"{BASE}/product-groups/7/products"}]),
    "layouts": envelope("layouts", [{"layoutNumber": 21, "name": "Eng. std. m. bankoplys. 1.5 07.01.14"},
                                    {"layoutNumber": 19, "name": "DK. std. m. bankoplys. 1.5"}]),
    "customer-groups": envelope("customer-groups", [
        {"customerGroupNumber": 2, "name": "Udenlandske", "layout": {"layoutNumber": 21}},
        {"customerGroupNumber": 1, "name": "Danske", "account": {"accountNumber": 5600}}]),
    "journals/1": {"name": "Daglig", "settings": {"voucherNumbers": {"minimumVoucherNumber": 1}}, "journalNumber": 1},
    "vat-accounts": envelope("vat-accounts", [{"vatCode": "U25", "ratePercentage": 25.0},
                                              {"vatCode": "I0", "ratePercentage": 0, "barred": True}]),
    "accounting-years": envelope("accounting-years", [
        {"fromDate": "2025-01-01", "toDate": "2025-12-31", "year": "2025", "closed": True},
        {"fromDate": "2026-01-01", "toDate": "2026-12-31", "year": "2026"}]),
}


class Recorded:
    """Answers like e-conomic's, by path; Reference.load and EconomicApi.collection read them."""

    def __init__(self, bodies):
        self.bodies = bodies
        self.asked = []

    def get(self, path, params=None):
        self.asked.append((path, dict(params or {})))
        body = self.bodies[path]
        return body(params) if callable(body) else body

    def find(self, path):
        return self.bodies.get(path)

    def collection(self, path, *, filter=None):  # noqa: A002
        return EconomicApi.collection(self, path, filter=filter)

    def _unparsable(self, detail):
        return EconomicApi._unparsable(self, detail)


@pytest.fixture
def reference() -> Reference:
    return Reference.load(Recorded(BODIES), vouchers=True, journal=1)


def test_the_collection_envelope_is_read_page_by_page_while_a_next_page_is_named():
    pages = [envelope("customers", [{"customerNumber": n} for n in range(1, 4)], skip=0, size=3, total=5, more=True),
             envelope("customers", [{"customerNumber": 4}, {"customerNumber": 5}], skip=1, size=3, total=5)]
    api = Recorded({"customers": lambda params: pages[params["skippages"]]})
    rows = api.collection("customers", filter="name$like:a")
    assert [row["customerNumber"] for row in rows] == [1, 2, 3, 4, 5]
    assert api.asked == [("customers", {"skippages": 0, "pagesize": 1000, "filter": "name$like:a"}),
                         ("customers", {"skippages": 1, "pagesize": 1000, "filter": "name$like:a"})]


def test_an_answer_that_is_not_a_collection_is_unparsable():
    api = Recorded({"layouts": {"layoutNumber": 19}})
    with pytest.raises(ExportError) as raised:
        api.collection("layouts")
    assert raised.value.message == ("It was not possible to interpret the response from Visma e-conomic: GET "
                                    "layouts: a collection with pagination was expected.")


def test_reference_data(reference):
    assert reference.base_currency == "DKK"
    assert sorted(reference.vat_zones) == [1, 2]
    assert [layout["layoutNumber"] for layout in reference.layouts] == [19, 21]
    assert reference.customer_group(None)["name"] == "Danske"  # the lowest-numbered group
    assert reference.layout_for(reference.customer_group(2)) == 21  # the group's own layout
    assert reference.layout_for(reference.customer_group(1)) == 19
    assert reference.group_named("1010")["productGroupNumber"] == 7
    assert reference.missing_groups(["1010", "1020"]) == ["1020"]
    assert reference.vat_code_known("U25") and not reference.vat_code_known("I0")
    assert reference.accounting_year(date(2026, 11, 2))["year"] == "2026"
    assert reference.accounting_year(date(2025, 6, 1)) is None  # closed


@pytest.mark.parametrize("days, month_based, mapped, expected", [
    (14, False, "", 2), (30, False, "", 5), (30, True, "", 4), (0, False, "", 3),
    (10, False, "netto 8 DAGE", 1), (10, False, "4", 4),
])
def test_payment_terms_by_days_or_by_the_codes_tab(reference, days, month_based, mapped, expected):
    assert reference.terms_for(days, month_based, mapped)["paymentTermsNumber"] == expected


def test_payment_terms_that_do_not_exist(reference):
    with pytest.raises(NotFound, match="no payment terms of net 10 days"):
        reference.terms_for(10, False)
    with pytest.raises(NotFound, match="'Kontant'"):
        reference.terms_for(10, False, "Kontant")


def test_the_journal_and_its_voucher_numbers(reference):
    assert reference.journal_problem(1, (900001, 900010)) is None
    reference.journal["settings"]["voucherNumbers"]["maximumVoucherNumber"] = 999
    assert reference.journal_problem(1, (900001, 900010)) == ("the invoice numbers 900001-900010 are outside its "
                                                              "voucher numbers 1-999")
    reference.journal["settings"]["entryTypeRestrictedTo"] = "customerPayment"
    assert reference.journal_problem(1) == "it takes only entries of the type customerPayment"


# -- the error object ---------------------------------------------------------------------------------------------

def test_a_404_in_words():
    body = {"message": "Resource not found.", "developerHint": "The API tries to provide all the resource urls you "
            "need.", "logId": "8d79f54f226ebe44-CPH", "httpStatusCode": 404, "logTime": "2024-10-24T14:26:57"}
    assert error_words(body) == "Resource not found"


def test_validation_errors_in_words_with_their_paths():
    body = {"message": "Validation error.", "developerHint": "Inspect validation errors and correct your request.",
            "logId": "c1a2", "httpStatusCode": 400, "logTime": "2025-01-31T10:00:00",
            "errors": {"currency": {"errors": [{"errorCode": "E06000", "message": "currency does not exist.",
                                                "value": "XYZ"}]},
                       "lines": [{"arrayIndex": 0, "product": {"errors": [
                           {"errorCode": "E04500", "message": "No identifiers present on product."}]}},
                                 {"arrayIndex": 2, "unitNetPrice": {"errors": [
                                     {"errorCode": "E04740", "message": "Too many decimals."}]}}]}}
    assert error_words(body) == ("Validation error: currency: currency does not exist (E06000); lines[1].product: No "
                                 "identifiers present on product (E04500); lines[3].unitNetPrice: Too many decimals "
                                 "(E04740)")


def test_a_refusal_with_a_code_in_words():
    assert error_words({"message": "Voucher number 12 is already used.", "errorCode": "E07100", "logId": "x",
                        "httpStatusCode": 400}) == "Voucher number 12 is already used (E07100)"


def test_the_log_id_is_kept_for_support(world):
    """The event of a refused call carries e-conomic's log id in its excerpt."""
    world.sim.configure({"accept_vat_number": False})
    run = world.run(invoices=world.invoices[:1])
    event = run.events.get(code="economic.cannot_create_customer")
    assert event.excerpt.startswith("e-conomic logId ") and event.excerpt.split()[2].endswith("-CPH")


def test_money_goes_out_as_json_numbers():
    from exports.connectors.http import json_ready

    assert json_ready({"amount": Decimal("1250.00"), "vat": Decimal("250.5")}) == {"amount": 1250, "vat": 250.5}
