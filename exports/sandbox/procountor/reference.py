"""The company's reference data: session, user, chart of accounts, fiscal years, dimensions and their
items, VAT defaults (spec sections 2.3, 7-10)."""
from __future__ import annotations

from decimal import Decimal

from ..wsgi import Request, Response, json_response
from . import company
from .common import body_of, not_found, refuse
from .schemas import DIMENSION_ITEM


def vat_statuses(options) -> dict[int, str]:
    """The option's "1=Domestic,3=Outside of the EU,..." as {1: "Domestic", ...}."""
    statuses = {}
    for pair in options.vat_statuses.split(","):
        number, _, description = pair.partition("=")
        if number.strip():
            statuses[int(number)] = description.strip()
    return statuses


def vat_percents(options) -> set[Decimal]:
    return {Decimal(p.strip()) for p in options.vat_percents.split(",") if p.strip()}


def closed_months(options) -> set[str]:
    return {month.strip() for month in options.closed_periods.split(",") if month.strip()}


class Reference:
    def __init__(self, simulator):
        self.sim = simulator

    @property
    def store(self):
        return self.sim.store

    def session_info(self, request: Request) -> Response:
        session = company.Session()
        return json_response({"companyId": session.company_id, "name": session.company_name, "country": "FINLAND",
                              "productVersion": "26.04", "userId": session.user_id, "userName": session.user_name,
                              "companySettings": {"invoiceDiscussionEnabled": False}})

    def users(self, request: Request) -> Response:
        session = company.Session()
        return json_response({"id": session.user_id, "companyId": session.company_id, "firstName": "Opter",
                              "lastName": "m2m", "apiLoginOnly": True})

    def coa(self, request: Request) -> Response:
        return json_response({"ledgerAccounts": list(self.store.accounts.values())})

    def fiscal_years(self, request: Request) -> Response:
        closed = closed_months(self.sim.options)
        years = []
        for year in sorted(self.store.fiscal_years.values(), key=lambda y: y["startDate"], reverse=True):
            periods = [{**period, "status": "CLOSED" if period["startDate"][:7] in closed else period["status"]}
                       for period in year["trackingPeriods"]]
            years.append({**year, "trackingPeriods": periods})
        return json_response({"fiscalYears": years})

    def dimensions(self, request: Request) -> Response:
        name = (request.query.get("name") or "").lower()
        code_name = (request.query.get("codeName") or "").lower()
        found = []
        for dimension in self.store.dimensions.values():
            if name and name not in dimension["name"].lower():
                continue
            items = [item for item in dimension["items"] if code_name in item["codeName"].lower()]
            if code_name and not items:
                continue
            found.append({**dimension, "items": items})
        return json_response(found)  # a bare array, as Procountor answers

    def dimension(self, request: Request, id: int) -> Response:  # noqa: A002 - the route's name
        dimension = self.store.dimensions.get(id)
        if dimension is None:
            raise not_found(f"dimension {id}")
        return json_response(dimension)

    def create_item(self, request: Request, id: int) -> Response:  # noqa: A002
        dimension = self.store.dimensions.get(id)
        if dimension is None:
            raise not_found(f"dimension {id}")
        body = body_of(request, DIMENSION_ITEM)
        code_name = body["codeName"].strip()
        if not 1 <= len(code_name) <= 255:
            raise refuse([("codeName", "SIM_LENGTH_1_255")])
        if any(item["codeName"].lower() == code_name.lower() for item in dimension["items"]):
            raise refuse([("codeName", "SIM_DUPLICATE_CODE_NAME")])
        item = {"id": self.store.new_id("dimension_items"), "codeName": code_name,
                "description": body.get("description") or ""}
        dimension["items"].append(item)
        self.store.log_write("POST", request.path, item["id"], f"dimension item {code_name} in {dimension['name']}")
        return json_response(item)

    def vats_default(self, request: Request) -> Response:
        options = self.sim.options
        percentages = [{"vatPercent": p, "sales": True, "purchase": True} for p in sorted(vat_percents(options))]
        statuses = [{"vatStatus": number, "description": description, "sales": True, "purchase": number == 12}
                    for number, description in sorted(vat_statuses(options).items())]
        return json_response({"vatInformation": [{"country": "Finland", "percentages": percentages}],
                              "vatStatuses": statuses})

    def vats_settings(self, request: Request) -> Response:
        return json_response({"unitPricesIncludeVatSales": False, "unitPricesIncludeVatPurchase": False})

    # -- for the other handlers -----------------------------------------------------------------------------
    def account_problem(self, code, field: str) -> list:
        account = self.store.accounts.get(code)
        if account is None:
            return [(field, "SIM_UNKNOWN_ACCOUNT")]
        if not account["active"]:
            return [(field, "SIM_INACTIVE_ACCOUNT")]
        return []

    def vat_problems(self, percent, status, field: str) -> list:
        problems = []
        if percent is not None and Decimal(str(percent)) not in vat_percents(self.sim.options):
            problems.append((f"{field}.vatPercent" if field else "vatPercent", "SIM_VAT_PERCENT_NOT_IN_USE"))
        if status is not None and status not in vat_statuses(self.sim.options):
            problems.append((f"{field}.vatStatus" if field else "vatStatus", "SIM_VAT_STATUS_NOT_FOR_SALES"))
        return problems
