"""Reactions of the export app to accounting events."""
from django.dispatch import receiver

from accounting.signals import period_closed


@receiver(period_closed, dispatch_uid="exports.export_closed_period")
def export_closed_period(sender, period, user=None, **kwargs):
    """Closing an invoice period starts its export automatically, as Opter does."""
    from .services.actions import start_run
    from .services.planning import plan_run

    start_run(plan_run(period=period, user=user))
