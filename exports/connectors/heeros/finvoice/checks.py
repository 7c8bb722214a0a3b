"""The portal's own checks of a Finvoice document: what the XSD cannot see (validation checklist, spec
2.13). They read the document itself, so they check what is sent, not what was meant:

- the rows add up to the totals (VAT-excluded, VAT, VAT-included), and the payment amount is the total;
- each VAT rate's specification (base and VAT) is the sum of its rows, its VAT is the rate of its base,
  and every row's rate has a specification;
- the payment reference's check digit (Finnish 7-3-1, or RF's modulo 97);
- the Y-tunnus check digit of the seller and of a Finnish buyer (python-stdnum);
- the IBAN of the payment order and of the seller's account (python-stdnum);
- Heeros' own rules (its help centre, "Errors in sending the sales invoice"): every row has a product
  name, no negative unit price, no row of zero amount; the sales account fits Finvoice's four characters.

Each problem is one sentence naming the element and the values, as the log shows it.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree
from stdnum import iban as stdnum_iban
from stdnum.fi import ytunnus

from .formats import CENT, amount, parse_decimal
from .references import problem_of as reference_problem

ZERO = Decimal("0.00")


def own_problems(root: etree._Element) -> list[str]:
    problems: list[str] = []
    for check in (_totals, _vat_per_rate, _reference, _business_ids, _ibans, _rows):
        problems.extend(check(root))
    return problems


def _text(node, path: str) -> str:
    found = node.find(path)
    return (found.text or "").strip() if found is not None else ""


def _number(node, path: str) -> Decimal | None:
    found = node.find(path)
    return parse_decimal(found.text) if found is not None else None


def _sum(nodes, path: str) -> Decimal:
    return sum((_number(node, path) or ZERO for node in nodes), ZERO)


def _show(value: Decimal | None) -> str:
    return "missing" if value is None else amount(value)


def _totals(root) -> list[str]:
    rows = root.findall("InvoiceRow")
    net = _number(root, "InvoiceDetails/InvoiceTotalVatExcludedAmount")
    vat = _number(root, "InvoiceDetails/InvoiceTotalVatAmount")
    gross = _number(root, "InvoiceDetails/InvoiceTotalVatIncludedAmount")
    instructed = _number(root, "EpiDetails/EpiPaymentInstructionDetails/EpiInstructedAmount")
    problems = []
    rows_net, rows_vat = _sum(rows, "RowVatExcludedAmount"), _sum(rows, "RowVatAmount")
    if net != rows_net:
        problems.append(f"InvoiceTotalVatExcludedAmount is {_show(net)} but the rows' RowVatExcludedAmount add up "
                        f"to {amount(rows_net)}.")
    if vat != rows_vat:
        problems.append(f"InvoiceTotalVatAmount is {_show(vat)} but the rows' RowVatAmount add up to "
                        f"{amount(rows_vat)}.")
    if None not in (net, vat) and gross != net + vat:
        problems.append(f"InvoiceTotalVatIncludedAmount is {_show(gross)}, not InvoiceTotalVatExcludedAmount + "
                        f"InvoiceTotalVatAmount ({amount(net + vat)}).")
    for index, row in enumerate(rows, start=1):
        row_net, row_vat, row_gross = (_number(row, name) for name in
                                       ("RowVatExcludedAmount", "RowVatAmount", "RowAmount"))
        if None not in (row_net, row_vat) and row_gross is not None and row_gross != row_net + row_vat:
            problems.append(f"Row {index}: RowAmount {amount(row_gross)} is not RowVatExcludedAmount + RowVatAmount "
                            f"({amount(row_net + row_vat)}).")
    paid = _number(root, "InvoiceDetails/InvoicePaidAmount") or ZERO
    if gross is not None and instructed != gross - paid:
        problems.append(f"EpiInstructedAmount is {_show(instructed)} but the invoice total to pay is "
                        f"{amount(gross - paid)}.")
    return problems


def _vat_per_rate(root) -> list[str]:
    by_rate: dict[tuple, list] = defaultdict(list)
    for row in root.findall("InvoiceRow"):
        by_rate[(_number(row, "RowVatRatePercent"), _text(row, "RowVatCode"))].append(row)
    specified = set()
    problems = []
    for specification in root.findall("InvoiceDetails/VatSpecificationDetails"):
        percent = _number(specification, "VatRatePercent")
        key = (percent, _text(specification, "VatCode"))
        specified.add(key)
        rows = by_rate.get(key, [])
        base, vat = _number(specification, "VatBaseAmount"), _number(specification, "VatRateAmount")
        label = f"{_text(specification, 'VatRatePercent')} % ({key[1] or 'no VAT code'})"
        rows_base, rows_vat = _sum(rows, "RowVatExcludedAmount"), _sum(rows, "RowVatAmount")
        if base != rows_base:
            problems.append(f"VAT {label}: VatBaseAmount is {_show(base)} but its rows add up to {amount(rows_base)}.")
        if vat != rows_vat:
            problems.append(f"VAT {label}: VatRateAmount is {_show(vat)} but its rows' VAT adds up to "
                            f"{amount(rows_vat)}.")
        if base is not None and vat is not None and percent is not None:
            expected = (base * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
            if vat != expected:
                rate = _text(specification, "VatRatePercent")
                problems.append(f"VAT {label}: VatRateAmount is {amount(vat)} but {rate} % of {amount(base)} is "
                                f"{amount(expected)}.")
    for percent, code in sorted(set(by_rate) - specified, key=lambda key: (key[0] or ZERO, key[1])):
        shown = "missing" if percent is None else f"{percent.normalize():f}".replace(".", ",")
        problems.append(f"Rows at VAT {shown} % ({code or 'no VAT code'}) have no VatSpecificationDetails.")
    return problems


def _reference(root) -> list[str]:
    reference = _text(root, "EpiDetails/EpiIdentificationDetails/EpiReference")
    remittance = root.find("EpiDetails/EpiPaymentInstructionDetails/EpiRemittanceInfoIdentifier")
    problems = []
    problem = reference_problem(reference)
    if problem:
        problems.append(problem)
    if remittance is not None:
        scheme = remittance.get("IdentificationSchemeName")
        value = (remittance.text or "").strip()
        wrong = reference_problem(value)
        if wrong and value != reference:
            problems.append(wrong)
        elif not wrong and scheme != ("ISO" if value.upper().startswith("RF") else "SPY"):
            problems.append(f"EpiRemittanceInfoIdentifier {value} is marked {scheme}, which is not its scheme.")
    return problems


def _business_ids(root) -> list[str]:
    problems = []
    for role, prefix in (("seller", "Seller"), ("buyer", "Buyer")):
        value = _text(root, f"{prefix}PartyDetails/{prefix}PartyIdentifier")
        country = _text(root, f"{prefix}PartyDetails/{prefix}PostalAddressDetails/CountryCode")
        finnish = country in ("", "FI") if role == "seller" else country == "FI"
        if role == "seller" and not value:
            problems.append("The seller has no business ID (SellerPartyIdentifier): enter the office's corporate ID "
                            "number (Y-tunnus).")
        elif value and finnish and not ytunnus.is_valid(value):
            problems.append(f"The {role}'s business ID {value} is not a valid Y-tunnus: use the form 1234567-8 with "
                            f"a correct check digit.")
    return problems


def _ibans(root) -> list[str]:
    problems = []
    for path in ("EpiDetails/EpiPartyDetails/EpiBeneficiaryPartyDetails/EpiAccountID",
                 "SellerInformationDetails/SellerAccountDetails/SellerAccountID"):
        node = root.find(path)
        if node is None:
            continue
        value = (node.text or "").strip()
        if node.get("IdentificationSchemeName") == "IBAN" and not stdnum_iban.is_valid(value):
            name = path.rsplit("/", 1)[1]
            problems.append(f"{name} {value or '(empty)'} is not a valid IBAN: enter the office's or region's IBAN "
                            f"(Payment tab).")
    return problems


def _rows(root) -> list[str]:
    problems = []
    for index, row in enumerate(root.findall("InvoiceRow"), start=1):
        if not _text(row, "ArticleName"):
            problems.append(f"Row {index} has no product name (ArticleName).")
        price = _number(row, "UnitPriceAmount")
        if price is not None and price < 0:
            problems.append(f"Row {index}: UnitPriceAmount {amount(price)} is negative; Heeros takes a credit row as "
                            f"a negative quantity at a positive price.")
        if (_number(row, "RowAmount") or ZERO) == 0 and (_number(row, "RowVatExcludedAmount") or ZERO) == 0:
            problems.append(f"Row {index} has a zero amount; e-invoices may not carry zero-sum rows.")
        account = _text(row, "RowNormalProposedAccountIdentifier")
        if len(account) > 4 or " " in account:
            problems.append(f"Row {index}: the sales account {account} does not fit Finvoice's "
                            f"RowNormalProposedAccountIdentifier (at most four characters, no spaces).")
    return problems
