"""The pre-flight setup check: the checks Opter's articles ask users to do by hand, plus each connector's
remote checks. An export refuses to start while a blocking problem stands."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from accounting import validators
from accounting.models import Invoice, InvoiceLine, OcrNumberType, VatRate
from accounting.services.payment import payment_iban

from ..connectors.base import ExportError, Problem
from ..connectors.registry import NoConnector, connector_for
from ..models import ExportType, InvoiceExport

# Which local checks block which export types (seeds 000-004).
NEEDS_FINNISH_OCR = {ExportType.NETVISOR, ExportType.EFINANCIALS}
NEEDS_EUR = {ExportType.NETVISOR}
CORPORATE_ID_IS_MATCHING_KEY = {ExportType.EFINANCIALS}
NEEDS_IBAN = {ExportType.EFINANCIALS}
NEEDS_SALES_LEDGER_NUMBER = {ExportType.PROCOUNTOR}
NEEDS_VAT_CODE_TRANSLATION = {ExportType.NETVISOR, ExportType.PROCOUNTOR}


@dataclass
class SetupReport:
    export: InvoiceExport
    problems: list[Problem] = field(default_factory=list)

    @property
    def blocking(self) -> list[Problem]:
        return [p for p in self.problems if p.blocking]

    @property
    def ok(self) -> bool:
        return not self.blocking


def blocking_summary(problems: Iterable[Problem]) -> str:
    return " ".join(p.message for p in problems if p.blocking)


def _invoices_for(export: InvoiceExport, invoices) -> list[Invoice]:
    if invoices is not None:
        return list(invoices)
    # Without a given scope, check what this export would send next: the open periods' invoices of
    # the customers whose group (or the default group) contains it.
    from .planning import resolve_plan

    open_invoices = Invoice.objects.filter(period__closed_at__isnull=True).select_related(
        "customer", "office", "region", "period")
    plan = resolve_plan(open_invoices)
    return [inv for inv in plan.invoices if any(e.pk == export.pk for e in plan.exports_by_invoice.get(inv.pk, []))]


def configuration_problems(export: InvoiceExport) -> list[Problem]:
    """The fields the export's type needs (the same rules as the admin form: exports can also come from
    the demo generator or an import) and a start text that parses."""
    from ..forms import REQUIREMENTS, Equals, mismatch_message, missing_message
    from ..start_text import StartTextError, parse_start_text

    problems = []
    requirements = REQUIREMENTS.get(export.type)
    for rule in requirements.rules if requirements else ():
        value = getattr(export, rule.field)
        if isinstance(rule, Equals):
            if value != rule.value:
                problems.append(Problem("configuration", mismatch_message(export.type, rule), hint=rule.field))
        elif not value:
            problems.append(Problem("configuration", missing_message(export.type, rule), hint=rule.field))
    try:
        parse_start_text(export.type, export.start_text)
    except StartTextError as exc:
        problems.extend(Problem("start_text", f"Start text: {problem}") for problem in exc.problems)
    return problems


def local_problems(export: InvoiceExport, invoices=None) -> list[Problem]:
    from accounting.services.coding import AccountCodingError, SalesAccountResolver, receivable_account

    problems: list[Problem] = configuration_problems(export)
    invoices = _invoices_for(export, invoices)
    today = timezone.localdate()

    # Accounts receivable (e.g. 1210) for each period in use.
    periods = {(inv.period.name if inv.period else str(inv.invoice_date), inv.invoice_date) for inv in invoices}
    for label, day in sorted(periods, key=lambda p: p[1]) or [(str(today), today)]:
        try:
            receivable_account(label, day)
        except AccountCodingError as exc:
            problems.append(Problem(f"accounting.{exc.code}", str(exc)))
            break

    lines = list(InvoiceLine.objects.filter(invoice__in=invoices).select_related(
        "vat_rate", "account", "invoice__customer", "invoice__office", "invoice__period"))
    resolver = SalesAccountResolver.for_invoices(invoices)
    seen_codes = set()
    for line in lines:
        try:
            resolver.account_for(line)
        except AccountCodingError as exc:
            if exc.code not in seen_codes:
                problems.append(Problem(f"accounting.{exc.code}", str(exc)))
                seen_codes.add(exc.code)

    # 0 % VAT rates used for sales within the EU must carry the EU VAT flag.
    zero_rates = {line.vat_rate for line in lines if line.vat_rate.percentage == 0}
    for rate in sorted(zero_rates, key=lambda r: r.code):
        sold_abroad = any(line.invoice.customer.country != line.invoice.office.country
                          for line in lines if line.vat_rate_id == rate.pk)
        if sold_abroad and not rate.is_eu_vat:
            problems.append(Problem("eu_vat_flag", f"The 0 % VAT rate {rate.name} is used for sales within the EU "
                                                   f"but its EU VAT box is not ticked.", blocking=False))

    customers = {inv.customer_id: inv.customer for inv in invoices}
    zero_customers = {line.invoice.customer_id for line in lines if line.vat_rate.percentage == 0}
    for customer_id in sorted(zero_customers):
        customer = customers[customer_id]
        if not customer.vat_number:
            problems.append(Problem("customer_vat_number", f"Customer {customer.code} {customer.name} is invoiced "
                                                           f"at 0 % VAT but has no VAT registration number."))
    for customer in sorted(customers.values(), key=lambda c: c.code):
        if not customer.corporate_id:
            problems.append(Problem("customer_corporate_id", f"Customer {customer.code} {customer.name} has no "
                                                             f"corporate ID number.",
                                    blocking=export.type in CORPORATE_ID_IS_MATCHING_KEY))
        else:
            issue = validators.corporate_id_problem(customer.corporate_id, customer.country)
            if issue:
                problems.append(Problem("customer_corporate_id", f"Customer {customer.code}: {issue}",
                                        blocking=export.type in CORPORATE_ID_IS_MATCHING_KEY))
        if export.type in NEEDS_SALES_LEDGER_NUMBER and not customer.sales_ledger_number:
            problems.append(Problem("customer_sales_ledger_number",
                                    f"Customer number missing in Opter for customer: {customer.name} "
                                    f"(customer code: {customer.code}, customer no: )"))

    offices = {inv.office_id: inv.office for inv in invoices}
    if export.office_id and export.office_id not in offices:
        offices[export.office_id] = export.office
    for office in offices.values():
        if export.type in NEEDS_FINNISH_OCR and office.ocr_number_type != OcrNumberType.FINNISH:
            problems.append(Problem("ocr_type", f"Office {office.name}: the OCR number type must be Finnish "
                                                f"(Invoice settings tab).",
                                    blocking=export.type == ExportType.NETVISOR))
        if export.type in NEEDS_EUR and office.default_currency.code != "EUR":
            problems.append(Problem("default_currency", f"Office {office.name}: the default currency must be EUR "
                                                        f"(Pricing tab) to export to {export.get_type_display()}."))
        elif export.type == ExportType.EFINANCIALS and office.default_currency.code != "EUR":
            problems.append(Problem("default_currency", f"Office {office.name}: E-Financials recommends EUR as the "
                                                        f"default currency.", blocking=False))
    if export.type in NEEDS_IBAN:
        missing_iban = sorted({inv.office.name for inv in invoices if not payment_iban(inv)})
        for name in missing_iban:
            problems.append(Problem("iban", f"Office {name} has no IBAN (Payment tab), and no region IBAN applies."))

    if export.type in NEEDS_VAT_CODE_TRANSLATION:
        translated = set(export.codes.filter(kind="tax_rate").values_list("vat_rate_id", flat=True))
        rates = {line.vat_rate_id: line.vat_rate for line in lines} or {r.pk: r for r in VatRate.objects.all()}
        for rate_id, rate in sorted(rates.items(), key=lambda kv: kv[1].code):
            if rate_id not in translated:
                problems.append(Problem("vat_code_translation", f"{export.name}: the VAT rate {rate.name} has no "
                                                                f"code on the Codes tab (Tax rates)."))
    return problems


def check_export(export: InvoiceExport, invoices=None, *, remote: bool = True) -> SetupReport:
    report = SetupReport(export, local_problems(export, invoices))
    if not remote:
        return report
    try:
        connector = connector_for(export)
    except NoConnector as exc:
        report.problems.append(Problem("no_connector", str(exc)))
        return report
    try:
        report.problems.extend(connector.check_setup())
    except ExportError as exc:
        report.problems.append(Problem(exc.code, exc.message))
    finally:
        connector.close()
    return report
