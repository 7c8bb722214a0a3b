"""The simulator's reading of e-conomic's filter syntax (spec 3.2), and the connector's escaping of values
into it: what one writes, the other reads back."""
import pytest

from exports.connectors.economic.api import escape
from exports.sandbox.economic.filters import FilterError, parse

FILTERABLE = frozenset({"name", "city", "age", "ean", "customerNumber", "customer.customerNumber"})
JOE = {"name": "Joe", "city": "Newport", "age": 45, "customerNumber": 7, "customer": {"customerNumber": 5}}
ANN = {"name": "Ann (Aps)", "city": "Aarhus", "age": 30, "ean": "5790000000000", "customerNumber": 9}


def matching(text, rows=(JOE, ANN)):
    tree = parse(text, FILTERABLE)
    return [row["name"] for row in rows if tree.matches(row)]


@pytest.mark.parametrize("text, names", [
    ("name$eq:joe", ["Joe"]),  # strings compare without case
    ("name$ne:Joe", ["Ann (Aps)"]),
    ("age$gt:40", ["Joe"]), ("age$lte:30", ["Ann (Aps)"]), ("age$gte:30$and:age$lt:45", ["Ann (Aps)"]),
    ("city$like:*port", ["Joe"]), ("city$like:arh", ["Ann (Aps)"]),  # no * means "contains"
    ("name$eq:Joe$and:(city$like:*port$or:age$lt:40)", ["Joe"]),
    ("name$eq:Ann$or:name$eq:Joe", ["Joe"]), ("customerNumber$in:[1,9]", ["Ann (Aps)"]),
    ("customerNumber$nin:[9]", ["Joe"]), ("ean$eq:$null:", ["Joe"]), ("ean$ne:$null:", ["Ann (Aps)"]),
    ("customer.customerNumber$eq:5", ["Joe"]), ("NAME$eq:Joe", ["Joe"]),
])
def test_predicates(text, names):
    assert matching(text) == names


def test_escaped_values_round_trip():
    assert escape("Ann (Aps)") == "Ann $(Aps$)"
    assert matching(f"name$eq:{escape('Ann (Aps)')}") == ["Ann (Aps)"]
    star = {"name": "A*B", "city": "", "age": 1, "customerNumber": 1}
    assert matching(f"name$like:{escape('A*B')}", [star, {**star, "name": "AxB"}]) == ["A*B"]
    assert escape("$5,[x]") == "$$5$,$[x$]"


@pytest.mark.parametrize("text", ["balance$gt:1", "name$is:Joe", "name$eq:Joe$and:", "(name$eq:Joe",
                                  "customerNumber$in:[a,b]", "customerNumber$in:1", "name$eq:a$b",
                                  "customerNumber$in:[" + ",".join(map(str, range(201))) + "]"])
def test_what_the_api_refuses(text):
    with pytest.raises(FilterError):
        parse(text, FILTERABLE)
