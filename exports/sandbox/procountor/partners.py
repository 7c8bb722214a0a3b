"""Business partners (spec section 5): search, read, create, replace (PUT) and partial update (PATCH
with version)."""
from __future__ import annotations

import copy

from ..wsgi import Request, Response, json_response
from .common import body_of, check_version, new_version, not_found, paged, refuse
from .rules import (
    LANGUAGES,
    PARTNER_CHANNELS,
    PARTNER_TYPES,
    PAYMENT_METHODS,
    address_problems,
    currency_ok,
    email_ok,
    finnish_business_id_ok,
    length_problem,
)
from .schemas import PARTNER

PATCHABLE = ("name", "type", "address", "invoicingInfo", "paymentInfo")


def basic_info(partner: dict) -> dict:
    info = partner.get("invoicingInfo") or {}
    return {"id": partner["id"], "name": partner["name"], "type": partner["type"],
            "billingAddress": partner.get("billingAddress"),
            "invoicingInfo": {"customerNumber": info.get("customerNumber"), "identifier": info.get("identifier"),
                              "identifierType": info.get("identifierType")},
            "registryInfo": {"active": (partner.get("registryInfo") or {}).get("active", True)},
            "version": partner["version"]}


class Partners:
    def __init__(self, simulator):
        self.sim = simulator

    @property
    def store(self):
        return self.sim.store

    def search(self, request: Request) -> Response:
        query = request.query
        active = (query.get("active") or "true").lower() != "false"
        rows = []
        for partner in self.store.partners.values():
            info = partner.get("invoicingInfo") or {}
            if query.get("type") and partner["type"] != query["type"]:
                continue
            if query.get("customerNumber") and info.get("customerNumber") != query["customerNumber"]:
                continue
            if (partner.get("registryInfo") or {}).get("active", True) != active:
                continue
            rows.append(basic_info(partner))
        return json_response(paged(request, rows, max_size=self.sim.options.max_page_size, default_order="DESC"))

    def get(self, request: Request, id: int) -> Response:  # noqa: A002 - the route's name
        return json_response(self._partner(id))

    def create(self, request: Request) -> Response:
        body = body_of(request, PARTNER)
        body.pop("id", None)
        self._validate(body)
        partner = {**body, "id": self.store.new_id("partners"), "version": new_version()}
        partner.setdefault("registryInfo", {"active": True})
        self.store.partners[partner["id"]] = partner
        self.store.log_write("POST", request.path, partner["id"], f"customer {self._number(partner)} {body['name']}")
        return json_response(partner)

    def replace(self, request: Request, id: int) -> Response:  # noqa: A002
        current = self._partner(id)
        body = body_of(request, PARTNER)
        if body.get("version") is not None:
            check_version(body["version"], current["version"], self.sim.options.version_mismatch_status)
        body.pop("id", None)
        self._validate(body, itself=id)
        partner = {**body, "id": id, "version": new_version()}  # PUT replaces every detail
        self.store.partners[id] = partner
        self.store.log_write("PUT", request.path, id, f"customer {self._number(partner)} {body['name']}")
        return json_response(partner)

    def patch(self, request: Request, id: int) -> Response:  # noqa: A002
        current = self._partner(id)
        body = request.json(lambda message: refuse([(None, message)]))
        version = request.query.get("version") or body.pop("version", None)
        check_version(version, current["version"], self.sim.options.version_mismatch_status)
        unknown = sorted(set(body) - set(PATCHABLE))
        if unknown:
            raise refuse([(name, "SIM_NOT_PATCHABLE") for name in unknown])
        merged = copy.deepcopy(current)
        for name, value in body.items():
            merged[name] = {**(merged.get(name) or {}), **value} if isinstance(value, dict) else value
        merged.pop("id")
        merged.pop("version")
        self._validate(merged, itself=id)
        partner = {**merged, "id": id, "version": new_version()}
        self.store.partners[id] = partner
        self.store.log_write("PATCH", request.path, id, f"customer {self._number(partner)}")
        return json_response(partner)

    # -- rules ------------------------------------------------------------------------------------------------
    def _partner(self, partner_id: int) -> dict:
        partner = self.store.partners.get(partner_id)
        if partner is None:
            raise not_found(f"business partner {partner_id}")
        return partner

    @staticmethod
    def _number(partner: dict) -> str:
        return (partner.get("invoicingInfo") or {}).get("customerNumber") or "-"

    def _validate(self, body: dict, itself: int | None = None) -> None:
        problems = length_problem(body["name"], "name", 1, 80)
        if body["type"] not in PARTNER_TYPES:
            problems.append(("type", "SIM_ONLY_CUSTOMER_OR_SUPPLIER"))
        if body["type"] == "CUSTOMER" and not body.get("address"):
            problems.append(("address", "is required"))
        for name in ("address", "billingAddress", "deliveryAddress"):
            problems += address_problems(body.get(name), name)
        payment = body["paymentInfo"]
        if payment["paymentMethod"] not in PAYMENT_METHODS:
            problems.append(("paymentInfo.paymentMethod", "SIM_UNKNOWN_PAYMENT_METHOD"))
        if payment.get("currency") is not None and not currency_ok(payment["currency"]):
            problems.append(("paymentInfo.currency", "SIM_UNKNOWN_CURRENCY"))
        if payment.get("paymentTermDays") is not None and not str(payment["paymentTermDays"]).isdigit():
            problems.append(("paymentInfo.paymentTermDays", "SIM_NOT_A_NUMBER_OF_DAYS"))
        info = body.get("invoicingInfo") or {}
        if info.get("invoiceChannel") is not None and info["invoiceChannel"] not in PARTNER_CHANNELS:
            problems.append(("invoicingInfo.invoiceChannel", "SIM_UNKNOWN_INVOICE_CHANNEL"))
        if info.get("language") is not None and info["language"] not in LANGUAGES:
            problems.append(("invoicingInfo.language", "SIM_UNKNOWN_LANGUAGE"))
        if info.get("email") and not email_ok(info["email"]):
            problems.append(("invoicingInfo.email", "SIM_INVALID_EMAIL"))
        allowed_types = {t.strip() for t in self.sim.options.identifier_types.split(",") if t.strip()}
        if allowed_types and info.get("identifierType") is not None and info["identifierType"] not in allowed_types:
            problems.append(("invoicingInfo.identifierType", "SIM_UNKNOWN_IDENTIFIER_TYPE"))
        finnish = (body.get("address") or {}).get("country") == "FINLAND"
        if finnish and info.get("identifier") and not finnish_business_id_ok(info["identifier"]):
            problems.append(("invoicingInfo.identifier", "ERROR_BRN_CODE"))
        number = info.get("customerNumber")
        if number:
            for other in self.store.partners.values():
                other_info = other.get("invoicingInfo") or {}
                if other["id"] != itself and other_info.get("customerNumber") == number \
                        and other_info.get("identifier") != info.get("identifier"):
                    problems.append(("invoicingInfo.customerNumber", "SIM_DUPLICATE_CUSTOMER_NUMBER"))
                    break
        if problems:
            raise refuse(problems)
