"""Products and product groups (spec section 6), with per-product default dimensions."""
from __future__ import annotations

from decimal import Decimal

from ..wsgi import Request, Response, json_response
from .common import body_of, new_version, not_found, paged, refuse
from .rules import UNITS, currency_ok, length_problem
from .schemas import DEFAULT_DIMENSION, PRODUCT, PRODUCT_GROUP

PRODUCT_TYPES = ("SALES", "PURCHASE", "TRAVEL")


class Products:
    def __init__(self, simulator):
        self.sim = simulator

    @property
    def store(self):
        return self.sim.store

    # -- groups ---------------------------------------------------------------------------------------------
    def groups(self, request: Request) -> Response:
        wanted = request.query.get("type")
        if wanted and wanted not in PRODUCT_TYPES:
            raise refuse([("type", "SIM_UNKNOWN_PRODUCT_TYPE")])
        types = (wanted,) if wanted else ("SALES", "PURCHASE")
        found = [group for group in self.store.product_groups.values() if group["type"] in types]
        return json_response({"productGroups": found})  # not "results": Procountor's own wrapper

    def create_group(self, request: Request) -> Response:
        body = body_of(request, PRODUCT_GROUP)
        problems = length_problem(body["name"], "name", 1, 80)
        if body["type"] not in PRODUCT_TYPES:
            problems.append(("type", "SIM_UNKNOWN_PRODUCT_TYPE"))
        if problems:
            raise refuse(problems)
        group = {"id": self.store.new_id("product_groups"), "name": body["name"], "type": body["type"]}
        self.store.product_groups[group["id"]] = group
        self.store.log_write("POST", request.path, group["id"], f"product group {body['name']}")
        return json_response(group)

    # -- products -----------------------------------------------------------------------------------------------
    def search(self, request: Request) -> Response:
        query = request.query
        groups = {int(g) for g in (query.get("group") or "").split(",") if g.strip().isdigit()}
        types = (query["type"],) if query.get("type") else ("SALES", "PURCHASE")
        rows = [product for product in self.store.products.values()
                if product["type"] in types
                and (not groups or product.get("productGroupId") in groups)
                and (query.get("code") or "").lower() in (product.get("code") or "").lower()
                and (query.get("name") or "").lower() in product["name"].lower()
                and (query.get("active") in (None, "") or str(product["active"]).lower() == query["active"].lower())]
        return json_response(paged(request, [self._public(p) for p in rows], max_size=self.sim.options.max_page_size))

    def get(self, request: Request, id: int) -> Response:  # noqa: A002 - the route's name
        return json_response(self._public(self._product(id)))

    def create(self, request: Request) -> Response:
        body = body_of(request, PRODUCT)
        body.pop("id", None)
        body.pop("version", None)
        self._validate(body)
        product = {**body, "id": self.store.new_id("products"), "version": new_version(), "defaultDimensions": {}}
        self.store.products[product["id"]] = product
        self.store.log_write("POST", request.path, product["id"], f"product {body.get('code') or body['name']}")
        return json_response(self._public(product))

    def default_dimensions(self, request: Request, id: int) -> Response:  # noqa: A002
        return json_response(list(self._product(id)["defaultDimensions"].values()))

    def put_default_dimension(self, request: Request, id: int, dimension_id: int) -> Response:
        product = self._product(id)
        dimension = self.store.dimensions.get(dimension_id)
        if dimension is None:
            raise not_found(f"dimension {dimension_id}")
        body = body_of(request, DEFAULT_DIMENSION)
        if body["id"] != dimension_id:
            raise refuse([("id", "SIM_DIMENSION_ID_DOES_NOT_MATCH_THE_PATH")])
        items = {item["codeName"]: item for item in dimension["items"]}
        problems = [(f"items[{n}].codeName", "SIM_UNKNOWN_DIMENSION_ITEM")
                    for n, item in enumerate(body["items"], start=1) if item["codeName"] not in items]
        if body["items"] and sum(Decimal(str(item["percent"])) for item in body["items"]) != 100:
            problems.append(("items", "SIM_PERCENTS_MUST_ADD_UP_TO_100"))
        if problems:
            raise refuse(problems)
        stored = {"id": dimension_id, "name": dimension["name"],
                  "items": [{**items[item["codeName"]], "percent": item["percent"]} for item in body["items"]]}
        product["defaultDimensions"][dimension_id] = stored
        self.store.log_write("PUT", request.path, id, f"default dimension {dimension['name']} of product {id}")
        return json_response(stored)

    # -- rules ------------------------------------------------------------------------------------------------
    def _product(self, product_id: int) -> dict:
        product = self.store.products.get(product_id)
        if product is None:
            raise not_found(f"product {product_id}")
        return product

    @staticmethod
    def _public(product: dict) -> dict:
        return {k: v for k, v in product.items() if k != "defaultDimensions"}

    def _validate(self, body: dict) -> None:
        problems = length_problem(body["name"], "name", 1, 100)
        if body["type"] not in PRODUCT_TYPES:
            problems.append(("type", "SIM_UNKNOWN_PRODUCT_TYPE"))
        if body.get("code") is not None:
            problems += length_problem(body["code"], "code", 0, 40)
        if body.get("unit") is not None and body["unit"] not in UNITS:
            problems.append(("unit", "SIM_UNKNOWN_UNIT"))
        if not 0 <= Decimal(str(body["discount"])) <= 100:
            problems.append(("discount", "SIM_PERCENT_0_100"))
        if not currency_ok(body["currency"]):
            problems.append(("currency", "SIM_UNKNOWN_CURRENCY"))
        if body.get("defaultAccount") is not None:
            problems += self.sim.reference.account_problem(body["defaultAccount"], "defaultAccount")
        problems += self.sim.reference.vat_problems(body.get("vat"), body.get("vatStatus"), "")
        group_id = body.get("productGroupId")
        if group_id is not None:
            group = self.store.product_groups.get(group_id)
            if group is None:
                problems.append(("productGroupId", "SIM_UNKNOWN_PRODUCT_GROUP"))
            elif group["type"] != body["type"]:
                problems.append(("productGroupId", "SIM_PRODUCT_GROUP_OF_ANOTHER_TYPE"))
        if problems:
            raise refuse(problems)
