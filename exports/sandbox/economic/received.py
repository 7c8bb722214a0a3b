"""The _received page of the e-conomic sandbox: what the export created, newest last."""
from __future__ import annotations

import copy


def received_data(store) -> dict:
    attachments = {"/".join(map(str, key)): {"filename": a["filename"], "bytes": len(a["file"]), "pages": a["pages"]}
                   for key, a in store.attachments.items()}
    return {
        "customers": copy.deepcopy(list(store.customers.values())),
        "products": copy.deepcopy(list(store.products.values())),
        "drafts": copy.deepcopy(list(store.drafts.values())),
        "booked_invoices": copy.deepcopy(list(store.booked.values())),
        "vouchers": copy.deepcopy(list(store.vouchers.values())),
        "booked_entries": copy.deepcopy(store.booked_entries),
        "attachments": attachments,
        "writes": list(store.writes),
    }
