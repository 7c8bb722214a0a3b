"""What the sandbox's Heeros holds at the start: the demo company (the Helsinki office of the demo data), the
users that may use it, and its registers (customers, products, accounting objects)."""
from __future__ import annotations

from exports.connectors.heeros.target import DEMO_KEY

COMPANY = {"ttId": DEMO_KEY["tt_id"], "laId": DEMO_KEY["la_id"], "name": "Helsingin Rahtipalvelu Oy",
           "businessId": "1033062-8"}

#: user name -> (password, the (tt_id, la_id) companies the user may use)
USERS = {DEMO_KEY["username"]: (DEMO_KEY["password"], {(DEMO_KEY["tt_id"], DEMO_KEY["la_id"])})}


def customers() -> list[dict]:
    """Customers Heeros already knows (keyed by business ID, else by name)."""
    return [{"key": "1769598-8", "name": "Kuopion Höyläämö Oy", "businessId": "1769598-8",
             "vatId": "FI17695988", "address": "Sahakatu 6, 70620 Kuopio"}]


def products() -> list[dict]:
    return [{"key": "Freight", "name": "Freight"}]


def accounting_objects() -> list[dict]:
    return [{"key": "KP10", "name": "Kustannuspaikka 10"}]
