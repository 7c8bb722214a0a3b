"""Which bank account and identity an invoice is paid to / issued by."""
from ..models import Invoice, Region


def payment_iban(invoice: Invoice) -> str:
    """The invoice's IBAN: its region's, else the office region marked "IBAN for all regions", else the
    office's (seed 000, "Bank account number (IBAN)")."""
    if invoice.region_id and invoice.region.iban:
        return invoice.region.iban
    shared = Region.objects.filter(office_id=invoice.office_id, iban_for_all_regions=True).exclude(iban="").first()
    if shared:
        return shared.iban
    return invoice.office.iban


def payment_bic(invoice: Invoice) -> str:
    if invoice.region_id and invoice.region.bic:
        return invoice.region.bic
    shared = Region.objects.filter(office_id=invoice.office_id, iban_for_all_regions=True).exclude(iban="").first()
    if shared and shared.bic:
        return shared.bic
    return invoice.office.bic


def issuer(invoice: Invoice):
    """The corporate identity printed on the invoice: the region when it has one, else the office."""
    if invoice.region_id and invoice.region.corporate_id:
        return invoice.region
    return invoice.office
