"""check_setup()'s remote part: the credentials work, the API user holds each right of the seed's list
that a read can show (customerlist, salesinvoicelist, productlist, accountlist, dimensionlist), and every
account of the invoices' account coding exists and is active in Netvisor, checked once per distinct
account and period rather than once per invoice.

The write rights (customer, salesinvoice, deletesalesinvoice, product, dimensionitem) cannot be probed
without writing; a missing one is named by the send that needs it ("has no right to customer.nv").
Account coding problems in Opter are the local setup check's to report, and build()'s for each invoice.
"""
from __future__ import annotations

from collections import defaultdict

from .. import facts
from ..base import ExportError, Problem
from .messages import CATALOGUE

#: The seed's rights that a read shows, in the order they are probed (accounts first: the credentials).
READ_RIGHTS = ("accountlist.nv", "customerlist.nv", "productlist.nv", "dimensionlist.nv", "salesinvoicelist.nv")


def problem_of(exc: ExportError) -> Problem:
    return Problem(exc.code, exc.message)


def account_problems(accounts: dict[str, bool], invoices) -> list[Problem]:
    """Per invoice period: the accounts of its account coding that Netvisor lacks, or holds inactive."""
    used: dict[str, set[str]] = defaultdict(set)
    receivables, _ = facts.receivable_accounts(invoices)
    for label, account in receivables.items():
        used[label].add(account.number)
    for sale in facts.sales(invoices):
        if sale.account is not None:
            used[sale.label].add(sale.account.number)
    problems = []
    for label in sorted(used):
        numbers = sorted(used[label])
        missing = [n for n in numbers if n not in accounts]
        inactive = [n for n in numbers if n in accounts and not accounts[n]]
        if missing:
            problems.append(Problem(CATALOGUE.qualified("accounts_missing"),
                                    CATALOGUE.text("accounts_missing", label, missing)))
        if inactive:
            problems.append(Problem(CATALOGUE.qualified("accounts_inactive"),
                                    CATALOGUE.text("accounts_inactive", label, inactive)))
    return problems


def customer_number_problems(invoices) -> list[Problem]:
    """With "Use customer number instead of customer code": every customer needs its customer number."""
    return [Problem(CATALOGUE.qualified("customer_number_missing"),
                    CATALOGUE.text("customer_number_missing", customer.code, customer.name))
            for customer in facts.customers(invoices).filter(sales_ledger_number__isnull=True)]
