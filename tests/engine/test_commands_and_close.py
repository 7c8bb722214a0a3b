"""The command line (export_invoices, check_setup) and the export that closing a period starts."""
import pytest
from django.core.management import CommandError, call_command

from accounting.services.periods import close_period
from exports.connectors.base import Problem
from exports.models import ExportRun, ItemState, RunStatus

pytestmark = pytest.mark.django_db


def test_closing_a_period_starts_its_export(setup, fake_target, monkeypatch, django_capture_on_commit_callbacks):
    from tests import factories

    enqueued = []
    monkeypatch.setattr("exports.tasks.run_export.delay", enqueued.append)
    vat_rate = setup["invoices"][0].lines.first().vat_rate
    vat_rate.sales_tax_account = factories.AccountFactory(number="2410", description="Output VAT")
    vat_rate.save()
    with django_capture_on_commit_callbacks(execute=True):
        close_period(setup["period"])
    run = ExportRun.objects.get()
    assert run.period == setup["period"] and run.to_export == 3
    assert enqueued == [run.pk]


def test_export_invoices_command_sends_and_summarises(setup, fake_target, capsys):
    call_command("export_invoices", "--period", str(setup["period"].pk))
    out = capsys.readouterr().out
    assert "3 invoice(s) to export." in out and "3 exported, 0 skipped, 0 failed" in out
    assert len(fake_target.invoices) == 3


def test_export_invoices_command_fails_when_anything_failed(setup, fake_target, capsys, no_sleep):
    fake_target.script.append("invalid")
    number = setup["invoices"][0].number
    with pytest.raises(CommandError):
        call_command("export_invoices", "--invoice", str(number), "--export", "Visma e-conomic")
    out = capsys.readouterr().out
    assert f"{number} -> Visma e-conomic: Failed: It was not possible to send invoice {number}" in out
    assert ExportRun.objects.get().items.get().state == ItemState.FAILED


def test_export_invoices_preview_sends_nothing(setup, fake_target):
    call_command("export_invoices", "--period", str(setup["period"].pk), "--preview")
    assert fake_target.send_calls == 0 and ExportRun.objects.get().status == RunStatus.COMPLETED


def test_export_invoices_command_explains_bad_arguments(setup, fake_target):
    with pytest.raises(CommandError, match="No invoice with number 999"):
        call_command("export_invoices", "--invoice", "999")
    with pytest.raises(CommandError, match="There is no invoice export named 'Nope'"):
        call_command("export_invoices", "--period", str(setup["period"].pk), "--export", "Nope")


def test_check_setup_command_exits_non_zero_on_blocking_problems(setup, fake_target, capsys):
    call_command("check_setup", "--export", "Visma e-conomic")
    assert "Visma e-conomic (Visma e-conomic): OK" in capsys.readouterr().out
    fake_target.setup_problems.append(Problem("missing_group", "Product group 3100 is missing."))
    with pytest.raises(CommandError, match="Blocking problems in: Visma e-conomic"):
        call_command("check_setup", "--export", "Visma e-conomic")
    assert "[blocking] Product group 3100 is missing." in capsys.readouterr().out


def test_setup_check_reports_fields_the_type_needs_and_bad_start_text(setup, fake_target):
    from exports.services.setup_check import check_export

    export = setup["export"]
    export.set_secret("api_token", "")
    export.start_text = "exportMethod=voucher\nfoo=bar"
    export.save()
    messages = [p.message for p in check_export(export).blocking]
    assert any(m.startswith("Visma e-conomic needs API token: the app token") for m in messages)
    assert ("Start text: Line 2: unknown parameter 'foo'. Known parameters: exportMethod, journalNumber, "
            "customerGroup, voucherAmountSign.") in messages
