import pytest


@pytest.fixture(autouse=True)
def import_tmp_root(settings, tmp_path):
    """Each test's temporary import files in its own folder, never in the checkout's var/media."""
    settings.IMPORT_TMP_ROOT = str(tmp_path / "import-tmp")
    return settings.IMPORT_TMP_ROOT


@pytest.fixture
def demo(db):
    """The demo, plus what it leaves out so every column is exercised: a region with its customer,
    a unit under a parent unit, a customer's sales account, a second chart role and a payment
    condition code."""
    from accounting import models as acc
    from accounting.demo.seed import seed_demo
    from customers.models import Customer, CustomerSalesAccount
    from exports.models import CodeKind, CodeTranslation, InvoiceExport

    summary = seed_demo(invoices=12, small_period_invoices=4, users=False)
    tln = acc.Office.objects.get(code="TLN")
    region = acc.Region.objects.create(office=tln, code="TRT", name="Tartu piirkond", corporate_id="10137025",
                                       city="Tartu", iban="EE382200221020145685", iban_for_all_regions=True)
    customer = Customer.objects.get(code="TLN-LEKH")
    customer.region = region
    customer.save()
    parent = acc.EconomicUnit.objects.get(office=tln, code="P100")
    acc.EconomicUnit.objects.create(office=tln, level=2, code="D7", name="Külmvedu", parent=parent)
    CustomerSalesAccount.objects.create(customer=customer, vat_rate=acc.VatRate.objects.get(code="EE24"),
                                        account=acc.Account.objects.get(number="3100"))
    chart = acc.AccountCodingChart.objects.get()
    for number in ("2410", "3520"):
        acc.AccountCodingChartAccount.objects.create(chart=chart, role=acc.ChartAccountRole.ROUNDING,
                                                     account=acc.Account.objects.get(number=number))
    CodeTranslation.objects.create(export=InvoiceExport.objects.get(name="Procountor (API)"),
                                   kind=CodeKind.PAYMENT_CONDITION,
                                   payment_condition=acc.PaymentCondition.objects.get(days=14), code="14 pv")
    return summary
