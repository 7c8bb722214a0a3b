"""The shared objects a send needs before its invoice: the business partner, the product group and the
accounting products, and the dimension items. Each is looked up in what the run read, created when missing,
and behind the run's lock (the engine may send several invoices of an export at once). After a create whose
answer was lost, Procountor is asked again before anything is created a second time."""
from __future__ import annotations

from ..base import ExportError
from ..steps import Steps
from .api import ProcountorApi, Refused
from .messages import CATALOGUE
from .reference import Company, RunData, find_group, find_partner


def _differs(ours, theirs) -> bool:
    """Whether Procountor's copy lacks or contradicts any of our values (its other fields are its own)."""
    if isinstance(ours, dict):
        theirs = theirs if isinstance(theirs, dict) else {}
        return any(_differs(value, theirs.get(key)) for key, value in ours.items())
    return ours != theirs


def _merged(theirs: dict, ours: dict) -> dict:
    merged = dict(theirs)
    for key, value in ours.items():
        merged[key] = _merged(theirs.get(key) or {}, value) if isinstance(value, dict) else value
    return merged


class Registers:
    def __init__(self, api: ProcountorApi, company: Company, run: RunData, group_name: str):
        self.api = api
        self.company = company
        self.run = run
        self.group_name = group_name
        self._synced: dict[str, int] = {}  # customer number -> partner id, checked or written this run
        self._in_doubt: set[str] = set()  # what a lost answer may have created: ("partner", n), ("group", ...)

    # -- business partners (spec 5; step 8) -------------------------------------------------------------------
    def partner_id(self, customer: dict, steps: Steps) -> int:
        number = customer["number"]
        with self.run.lock:
            if number in self._synced:
                return self._synced[number]
            known = self.run.partners.get(number)
            if known is None and (("partner", number) in self._in_doubt or number not in self.run.partners):
                known = self.run.partners[number] = find_partner(self.api, number)
                self._in_doubt.discard(("partner", number))
            if known is None:
                partner_id = self._create_partner(customer, steps)
            else:
                partner_id = self._update_partner(known["id"], customer)
            self._synced[number] = partner_id
            return partner_id

    def _create_partner(self, customer: dict, steps: Steps) -> int:
        try:
            created = self.api.call("POST", "businesspartners", body=customer["partner"])
        except Refused as refused:
            raise self._customer_error("customer_not_created", customer, refused) from None
        except ExportError as exc:
            if exc.may_have_reached_target:
                self._in_doubt.add(("partner", customer["number"]))
            raise
        partner_id = self._id_of(created, "POST businesspartners")
        self.run.partners[customer["number"]] = created
        steps.record("customer", partner_id)
        return partner_id

    def _update_partner(self, partner_id: int, customer: dict) -> int:
        """Read the partner in full; write it back with our values when one differs (PUT replaces it all)."""
        current = self.api.get(f"businesspartners/{partner_id}")
        if not isinstance(current, dict):
            raise self.api.unparsable(f"GET businesspartners/{partner_id}: an object was expected")
        if not _differs(customer["partner"], current):
            return partner_id
        try:
            self.api.call("PUT", f"businesspartners/{partner_id}", body=_merged(current, customer["partner"]))
        except Refused as refused:
            raise self._customer_error("customer_not_updated", customer, refused) from None
        return partner_id

    @staticmethod
    def _customer_error(code: str, customer: dict, refused: Refused) -> ExportError:
        # The article's words; Procountor's own reason goes to the log's excerpt.
        return ExportError(CATALOGUE, code, customer["name"], customer["code"], customer["number"],
                           status=refused.status, excerpt=f"{refused.call}: {refused.described()}")

    # -- the product group and the accounting products (spec 6; steps 6-7) ----------------------------------
    def product_ids(self, products: dict[str, dict], dimension_items: dict, steps: Steps) -> dict[str, int]:
        with self.run.lock:
            missing = [code for code in products if code not in self.run.products]
            if missing and ("products", None) in self._in_doubt:
                self._reread_products()
                missing = [code for code in products if code not in self.run.products]
            if missing:
                group_id = self._group_id(steps)
                for code in missing:
                    self._create_product(code, {**products[code], "productGroupId": group_id}, dimension_items,
                                         steps)
            return {code: self.run.products[code]["id"] for code in products}

    def _group_id(self, steps: Steps) -> int:
        if self.run.group is None and ("group", None) in self._in_doubt:
            self.run.group = find_group(self.api, self.group_name)
            self._in_doubt.discard(("group", None))
        if self.run.group is None:
            try:
                created = self.api.call("POST", "products/groups", body={"name": self.group_name, "type": "SALES"})
            except Refused as refused:
                raise ExportError(CATALOGUE, "product_group", self.group_name, status=refused.status,
                                  excerpt=f"{refused.call}: {refused.described()}") from None
            except ExportError as exc:
                if exc.may_have_reached_target:
                    self._in_doubt.add(("group", None))
                raise
            self._id_of(created, "POST products/groups")
            self.run.group = created
            steps.record("product_group", created["id"])
        return self.run.group["id"]

    def _reread_products(self) -> None:
        if self.run.group is not None:
            self.run.add_products(self.api.pages("products", {"group": self.run.group["id"], "type": "SALES"}))
        self._in_doubt.discard(("products", None))

    def _create_product(self, code: str, body: dict, dimension_items: dict, steps: Steps) -> None:
        try:
            created = self.api.call("POST", "products", body=body)
        except Refused as refused:
            raise self.api.call_error(refused) from None
        except ExportError as exc:
            if exc.may_have_reached_target:
                self._in_doubt.add(("products", None))
            raise
        product_id = self._id_of(created, "POST products")
        self.run.products[code] = created
        steps.record("product", product_id)
        # The product's default dimensions too (whether Opter sets them is not documented: the ledger
        # receipt is coded afterwards either way). PUT replaces: repeating it is harmless.
        for dimension_name, item_name in dimension_items.get(code, []):
            dimension = self.company.dimension(dimension_name)
            item = {"codeName": item_name, "percent": 100}
            try:
                self.api.call("PUT", f"products/{product_id}/defaults/dimensions/{dimension['id']}",
                              body={"id": dimension["id"], "name": dimension.get("name"), "items": [item]})
            except Refused as refused:
                raise self.api.call_error(refused) from None

    # -- dimension items (spec 8) -------------------------------------------------------------------------------
    def item_ids(self, pairs, steps: Steps) -> dict[tuple[str, str], tuple[int, int]]:
        """(dimension, item) -> (dimension id, item id); a missing department or group is created as an item."""
        found = {}
        with self.run.lock:
            for dimension_name, item_name in pairs:
                dimension = self.company.dimension(dimension_name)
                item_id = self.company.item_id(dimension, item_name)
                if item_id is None and ("item", dimension["id"]) in self._in_doubt:
                    fresh = self.api.get(f"dimensions/{dimension['id']}")
                    if isinstance(fresh, dict):
                        dimension["items"] = fresh.get("items") or []
                    self._in_doubt.discard(("item", dimension["id"]))
                    item_id = self.company.item_id(dimension, item_name)
                if item_id is None:
                    item_id = self._create_item(dimension, item_name, steps)
                found[(dimension_name, item_name)] = (dimension["id"], item_id)
        return found

    def _create_item(self, dimension: dict, name: str, steps: Steps) -> int:
        try:
            created = self.api.call("POST", f"dimensions/{dimension['id']}/items", body={"codeName": name})
        except Refused as refused:
            raise self.api.call_error(refused) from None
        except ExportError as exc:
            if exc.may_have_reached_target:
                self._in_doubt.add(("item", dimension["id"]))
            raise
        item_id = self._id_of(created, f"POST dimensions/{dimension['id']}/items")
        dimension.setdefault("items", []).append(created)
        steps.record("dimension_item", item_id)
        return item_id

    def _id_of(self, created, call: str) -> int:
        if not isinstance(created, dict) or isinstance(created.get("id"), bool) or not isinstance(created.get("id"),
                                                                                                    int):
            raise self.api.unparsable(f"{call}: no id in the answer")
        return created["id"]
