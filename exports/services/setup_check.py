"""The pre-flight setup check: the checks Opter's articles ask users to do by hand, plus each connector's
remote checks. An export refuses to start while a blocking problem stands.

Which local checks apply, and whether they block, is the export type's Target's to say
(``Target.checks``). Every check reads distinct facts of the invoices (exports.connectors.facts), so it
costs the same few queries for a period of ten invoices or of a hundred thousand.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.utils import timezone
from django.utils.translation import gettext

from accounting import validators
from accounting.models import OcrNumberType
from accounting.services import validation
from accounting.services.payment import payment_iban

from ..connectors import credits, facts, registry
from ..connectors.base import ExportError, Problem
from ..connectors.registry import NoConnector, connector_for
from ..connectors.start_text import StartTextError
from ..connectors.target import BLOCKING, Target
from ..models import CodeKind, InvoiceExport
from ..selectors import invoices_reaching
from .configuration import export_problems
from .messages import localized_message, localized_text


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


def configuration_problems(export: InvoiceExport) -> list[Problem]:
    """The fields the export's type needs and a start text that parses (the admin form's rules)."""
    return [Problem("start_text" if problem.field == "start_text" else "configuration", problem.message,
                    hint=problem.field or "")
            for problem in export_problems(export)]


def local_problems(export: InvoiceExport, invoices=None) -> list[Problem]:
    target = export.target
    checks = target.checks
    invoices = invoices_reaching(export) if invoices is None else invoices
    problems: list[Problem] = configuration_problems(export)

    _, coding_problems = facts.receivable_accounts(invoices, when_none=timezone.localdate())
    _, sales_problems = facts.sales_accounts(invoices)
    problems += [Problem(f"accounting.{exc.code}", exc.localized()) for exc in coding_problems + sales_problems]
    problems += _eu_vat_flags(invoices)
    problems += _customer_problems(target, invoices)
    problems += _office_problems(target, export, invoices)
    if checks.iban:
        for invoice in facts.one_invoice_per_payee(invoices):
            if not payment_iban(invoice):
                problems.append(Problem(
                    "iban", gettext("Office %(office)s has no IBAN (Payment tab), and no region IBAN applies.")
                    % {"office": invoice.office.name}, blocking=checks.iban == BLOCKING))
    problems += _code_problems(target, export, invoices)
    if checks.credit_originals:
        problems += credits.unexported_originals(export, invoices, target.catalogue,
                                                 blocking=checks.credit_originals == BLOCKING)
    problems += invalid_invoice_problems(invoices)
    return problems


#: The setup check names this many invalid invoices; the rest are counted.
INVALID_INVOICES_LISTED = 50


def invalid_invoice_problems(invoices) -> list[Problem]:
    """Every invalid invoice is a blocking problem of its own, naming the invoice and what to fix."""
    found = validation.problems_by_invoice(invoices)
    if not found:
        return []
    by_number = sorted(found.values(), key=lambda problems: problems[0].number)
    listed = [Problem("invalid_invoice", gettext("Invoice %(number)s: %(problems)s") % {
        "number": problems[0].number, "problems": validation.summary(problems)},
                      hint=",".join(sorted({p.code for p in problems})))
              for problems in by_number[:INVALID_INVOICES_LISTED]]
    if len(by_number) > INVALID_INVOICES_LISTED:
        listed.append(Problem("invalid_invoice", gettext("%(count)d more invoices are not valid either; fix the ones "
                                                         "above and check the setup again to see them.")
                              % {"count": len(by_number) - INVALID_INVOICES_LISTED}))
    return listed


def _eu_vat_flags(invoices) -> list[Problem]:
    """0 % VAT rates used for sales within the EU must carry the EU VAT flag."""
    flagged = {}
    for rate, customer_country, office_country in facts.zero_rate_sales(invoices):
        if customer_country != office_country and not rate.is_eu_vat:
            flagged[rate.code] = Problem(
                "eu_vat_flag", gettext("The 0 %% VAT rate %(rate)s is used for sales within the EU but its EU VAT "
                                       "box is not ticked.") % {"rate": rate.name}, blocking=False)
    return [flagged[code] for code in sorted(flagged)]


def _customer_problems(target: Target, invoices) -> list[Problem]:
    checks = target.checks
    problems = []
    if checks.vat_number_at_zero:
        for customer in facts.customers_at_zero_rate(invoices).filter(vat_number=""):
            problems.append(Problem(
                "customer_vat_number", gettext("Customer %(code)s %(name)s is invoiced at 0 %% VAT but has no VAT "
                                               "registration number.") % {"code": customer.code, "name": customer.name},
                blocking=checks.vat_number_at_zero == BLOCKING))
    for customer in facts.customers(invoices).only("code", "name", "corporate_id", "country",
                                                   "sales_ledger_number"):
        if checks.corporate_id:
            issue = (gettext("has no corporate ID number.") if not customer.corporate_id
                     else validators.corporate_id_problem(customer.corporate_id, customer.country))
            if issue:
                if not customer.corporate_id:
                    text = gettext("Customer %(code)s %(name)s %(issue)s") % {
                        "code": customer.code, "name": customer.name, "issue": issue}
                else:
                    text = gettext("Customer %(code)s: %(issue)s") % {"code": customer.code, "issue": issue}
                problems.append(Problem("customer_corporate_id", text, blocking=checks.corporate_id == BLOCKING))
        if checks.sales_ledger_number and not customer.sales_ledger_number:
            problems.append(Problem("customer_sales_ledger_number",
                                    gettext("Customer number missing in Opter for customer: %(name)s (customer "
                                            "code: %(code)s, customer no: )")
                                    % {"name": customer.name, "code": customer.code},
                                    blocking=checks.sales_ledger_number == BLOCKING))
    if checks.customer_rule is not None:
        problems += [Problem(f"{target.type}.customer", text, blocking=checks.customer_rule_level == BLOCKING)
                     for text in checks.customer_rule(facts.customers(invoices))]
    return problems


def _office_problems(target: Target, export: InvoiceExport, invoices) -> list[Problem]:
    checks = target.checks
    offices = {office.pk: office for office in facts.offices(invoices)}
    if export.office_id and export.office_id not in offices:
        offices[export.office_id] = export.office
    problems = []
    for office in offices.values():
        if checks.finnish_ocr and office.ocr_number_type != OcrNumberType.FINNISH:
            problems.append(Problem(
                "ocr_type", gettext("Office %(office)s: the OCR number type must be Finnish (Invoice settings tab).")
                % {"office": office.name}, blocking=checks.finnish_ocr == BLOCKING))
        if checks.eur_currency and office.default_currency.code != "EUR":
            if checks.eur_currency == BLOCKING:
                text = (gettext("Office %(office)s: the default currency must be EUR (Pricing tab) to export to "
                                "%(target)s.") % {"office": office.name, "target": target.label})
            else:
                text = (gettext("Office %(office)s: %(target)s recommends EUR as the default currency.")
                        % {"office": office.name, "target": target.display_name})
            problems.append(Problem("default_currency", text, blocking=checks.eur_currency == BLOCKING))
    return problems


def _code_problems(target: Target, export: InvoiceExport, invoices) -> list[Problem]:
    try:
        required = target.checks.codes_required(target.start_text.parse(export.start_text))
    except StartTextError:
        return []  # reported as a configuration problem
    problems = _codes_the_target_refuses(target, export, invoices)
    if CodeKind.TAX_RATE in required:
        translated = set(export.codes.filter(kind=CodeKind.TAX_RATE).values_list("vat_rate_id", flat=True))
        for rate in facts.vat_rates(invoices):
            if rate.pk not in translated:
                problems.append(Problem(
                    "vat_code_translation", gettext("%(export)s: the VAT rate %(rate)s has no code on the Codes tab "
                                                    "(Tax rates).") % {"export": export.name, "rate": rate.name}))
    if CodeKind.PAYMENT_CONDITION in required:
        translated = set(export.codes.filter(kind=CodeKind.PAYMENT_CONDITION)
                         .values_list("payment_condition_id", flat=True))
        for condition in facts.payment_conditions(invoices):
            if condition.pk not in translated:
                problems.append(Problem("payment_condition_translation",
                                        gettext("%(export)s: the payment condition %(condition)s has no code on "
                                                "the Codes tab (Payment condition).")
                                        % {"export": export.name, "condition": condition.name}))
    return problems


def _codes_the_target_refuses(target: Target, export: InvoiceExport, invoices) -> list[Problem]:
    """Codes tab entries of the VAT rates and payment conditions in use that the target does not accept
    (Target.check_code): the form refuses them, an import or an older row may still hold one."""
    if target.code_rule is None:
        return []
    rates = {rate.pk for rate in facts.vat_rates(invoices)}
    conditions = set(facts.payment_conditions(invoices).values_list("pk", flat=True))
    problems = []
    for row in export.codes.select_related("vat_rate", "payment_condition"):
        in_use = row.vat_rate_id in rates if row.kind == CodeKind.TAX_RATE else row.payment_condition_id in conditions
        problem = target.check_code(row.kind, row.opter_object, row.code.strip()) if in_use else None
        if problem:
            problems.append(Problem(
                "code_not_accepted", gettext("%(export)s, Codes tab (%(kind)s), %(object)s: %(problem)s")
                % {"export": export.name, "kind": CodeKind(row.kind).label, "object": row.opter_object,
                   "problem": problem}))
    return problems


def check_export(export: InvoiceExport, invoices=None, *, remote: bool = True) -> SetupReport:
    """The local checks and, with ``remote``, the connector's: over ``invoices`` (a QuerySet preferred),
    by default the invoices the export would send next."""
    if registry.find(export.type) is None:
        return SetupReport(export, [Problem(
            "unknown_type", gettext("%(export)s: the export type %(type)s is not available in this installation.")
            % {"export": export.name, "type": repr(export.type)})])
    invoices = invoices_reaching(export) if invoices is None else invoices
    report = SetupReport(export, local_problems(export, invoices))
    if not remote:
        return report
    try:
        connector = connector_for(export)
    except NoConnector as exc:
        report.problems.append(Problem("no_connector", str(exc)))
        return report
    try:
        # The connectors word their findings with their catalogues (English): read back in the reader's language.
        report.problems.extend(replace(problem, message=localized_text(problem.code, [], problem.message))
                               for problem in connector.check_setup(invoices))
    except ExportError as exc:
        report.problems.append(Problem(exc.code, localized_message(exc.code, exc.params, exc.message)))
    finally:
        connector.close()
    return report
