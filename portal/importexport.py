"""Spreadsheet import and export of the setup screens, shared by every app's resources.

What lives here, top to bottom:

* cell text: formula neutralising on export (OWASP: a leading quote) and refusal on import;
* widgets that read what people type in Estonia, Finland and Denmark: decimal commas, 20.11.2026,
  jah/ei, and related rows named by their natural key (an account number, a VAT code);
* ``PortalResource``: the base of every resource, so errors name the file's column and a file with
  one bad row imports nothing;
* the CSV and XLSX formats we offer, and the temporary storage that every web process shares;
* the all-rows preview of a result and the file of its failed rows.

The admin's side (``PortalImportExportMixin``) is ``portal.import_admin``; large files go through
``portal.import_jobs``, which builds on this module.
"""
import contextlib
import copy
import csv
import functools
import io
import os
import re
import time
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO

import tablib
from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ImproperlyConfigured,
    SuspiciousFileOperation,
    ValidationError,
)
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.instance_loaders import ModelInstanceLoader
from import_export.results import RowResult
from import_export.tmp_storages import MediaStorage

from accounting.validators import FORMULA_PREFIXES, refuse_formula

LIST_SEPARATOR = ";"
PREVIEW_ROWS = 1000  # rows the preview lists besides the failed ones (which it always lists)

# --- Cell text ------------------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """A cell a spreadsheet would evaluate (= + - @ tab CR first) is written with a leading quote."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def cell_text(value, *, quoted_text_allowed: bool = True) -> str:
    """The text of an imported cell. Formulas are refused (ValueError names what to fix).

    A quote followed by a formula character is how our exports write such text, so it reads back as
    the text itself. Codes and names of other rows (``quoted_text_allowed=False``) never start with a
    formula character, quoted or not.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # XLSX stores 3100 typed into a text column as the number 3100.0
    elif isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        if quoted_text_allowed:
            return text[1:]
        text = text[1:]
    try:
        refuse_formula(text)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    return text


def cell_list(value, **kwargs) -> list[str]:
    """The items of a list cell ("1210; 1211"), in order, without blanks or repeats."""
    items = [item.strip() for item in cell_text(value, **kwargs).split(LIST_SEPARATOR)]
    return list(dict.fromkeys(item for item in items if item))


# --- Numbers, dates, booleans and choices ---------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_decimal(value) -> Decimal | None:
    """24,5 and 1 234,56 as people write them, as well as 24.5, 1,234.56 and 1.234,56.

    A single comma or a single dot is the decimal mark; with both, the last one is. Spaces group
    thousands. A leading minus is a negative number here, never a formula.
    """
    if isinstance(value, bool):
        raise ValueError(gettext("%(value)s is not a number.") % {"value": repr(value)})
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # repr is the shortest exact text: 24.5, not 24.499999...
    original = str(value).strip()
    if not original:
        return None
    if original.startswith(("=", "@")):
        raise ValueError(gettext("%(original)s looks like a spreadsheet formula; type the number itself.")
                         % {"original": repr(original)})
    text = _SPACES.sub("", original.replace("\u2212", "-"))
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        mark, grouping = (",", ".") if text.rfind(",") > text.rfind(".") else (".", ",")
        text = text.replace(grouping, "").replace(mark, ".")
    elif commas == 1:
        text = text.replace(",", ".")
    elif commas > 1:
        text = text.replace(",", "")
    elif dots > 1:
        text = text.replace(".", "")
    if not _PLAIN_NUMBER.fullmatch(text):
        raise ValueError(gettext("%(original)s is not a number: write it like 24,5 or 1 234,56.")
                         % {"original": repr(original)})
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(gettext("%(original)s is not a number: write it like 24,5 or 1 234,56.")
                         % {"original": repr(original)}) from None


class DecimalWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        return parse_decimal(value)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return "" if self.coerce_to_string and not kwargs.get("force_native_type") else None
        if self.coerce_to_string and not kwargs.get("force_native_type"):
            return format(value, "f")  # never localised: the file must read back the same anywhere
        return value


class IntegerWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        number = parse_decimal(value)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise ValueError(gettext("%(value)s is not a whole number.") % {"value": repr(value)})
        return int(number)

    def render(self, value, obj=None, **kwargs):
        if self.coerce_to_string and not kwargs.get("force_native_type"):
            return "" if value is None else str(value)
        return value


class BooleanWidget(widgets.BooleanWidget):
    """Yes or no in the words our users type; anything else is an error, not a silent "no"."""

    TRUE_WORDS = {"1", "true", "yes", "y", "x", "jah", "kyllä", "kylla", "ja"}
    FALSE_WORDS = {"0", "false", "no", "n", "ei", "nej"}

    def clean(self, value, row=None, **kwargs):
        if value is None or isinstance(value, bool):
            return value
        word = cell_text(value).lower()
        if not word:
            return None
        if word in self.TRUE_WORDS:
            return True
        if word in self.FALSE_WORDS:
            return False
        raise ValueError(gettext("%(value)s is not yes or no: write 1 or 0 (also true/false, jah/ei, "
                                 "kyllä/ei, ja/nej).") % {"value": repr(value)})


class DateWidget(widgets.DateWidget):
    """2026-11-20 (what we export) or 20.11.2026 (how people type it here); no US month-first."""

    INPUT_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y")

    def __init__(self, format=None, coerce_to_string=True):
        super().__init__(format="%Y-%m-%d", coerce_to_string=coerce_to_string)
        self.formats = self.INPUT_FORMATS

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cell_text(value)
        if not text:
            return None
        for fmt in self.formats:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(gettext("%(text)s is not a date: write 2026-11-20 or 20.11.2026.") % {"text": repr(text)})


class ChoiceWidget(widgets.Widget):
    """A choice by its stored value or its label, in any letter case ("tax_rate" or "Tax rates")."""

    def __init__(self, choices, coerce_to_string=True, allow_blank=True):
        super().__init__(coerce_to_string=coerce_to_string)
        self._choices = choices  # read when used: a model's choices may be a callable (export types)

    @property
    def choices(self) -> list[tuple]:
        return [(value, str(label)) for value, label in self._choices]

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return "" if isinstance(self.choices[0][0], str) else None
        for stored, label in self.choices:
            if text.lower() in (str(stored).lower(), label.lower()):
                return stored
        allowed = ", ".join(str(stored) for stored, _ in self.choices if stored != "")
        raise ValueError(gettext("%(text)s is not one of %(allowed)s.") % {"text": repr(text), "allowed": allowed})

    def render(self, value, obj=None, **kwargs):
        if isinstance(value, int) and (kwargs.get("force_native_type") or not self.coerce_to_string):
            return value
        return "" if value is None else str(value)


class TextWidget(widgets.CharWidget):
    """Free text, or a code when ``code=True``: a code never starts with a formula character."""

    def __init__(self, coerce_to_string=True, allow_blank=True, code=False):
        super().__init__(coerce_to_string=coerce_to_string, allow_blank=allow_blank)
        self.code = code

    def clean(self, value, row=None, **kwargs):
        return cell_text(value, quoted_text_allowed=not self.code)


# --- Related rows by natural key ------------------------------------------------------------------


class KeyWidget(widgets.ForeignKeyWidget):
    """A related row named by its natural key: an account number, a VAT code, an office code.

    ``scope`` names the lookups that make the key unique together with the cell, each taken from
    another column of the same row: ``{"office__code": "office"}`` for a region code.
    Rows are fetched once per import (``preload``), or once per distinct key for big tables.
    """

    def __init__(self, model, field, *, label=None, scope=None, preload=True, **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.label = label or model._meta.verbose_name
        self.scope = scope or {}
        self.preload = preload
        self._found = None  # key -> pk (preload) or key -> row
        self._instances = {}

    def key_for(self, text, row):
        scope_values = tuple(cell_text((row or {}).get(column), quoted_text_allowed=False)
                             for column in self.scope.values())
        return (*scope_values, text)

    def _load_all(self):
        lookups = [*self.scope, self.field]
        return {tuple(str(v) for v in values[:-1]) + (str(values[-1]),): pk
                for *values, pk in self.model.objects.values_list(*lookups, "pk")}

    def lookup(self, text, row):
        key = self.key_for(text, row)
        if self.preload:
            if self._found is None:
                self._found = self._load_all()
            pk = self._found.get(key)
            return None if pk is None else self._instance(pk)
        if self._found is None:
            self._found = {}
        if key not in self._found:
            filters = dict(zip([*self.scope, self.field], key, strict=True))
            try:
                obj = self.model.objects.filter(**filters).first()
            except (ValueError, ValidationError):
                return None  # a scope cell of the wrong type (text in a level column) names nothing
            if obj is None:
                return None  # misses are not remembered: a later row may create it
            self._found[key] = obj
        return self._found[key]

    def _instance(self, pk):
        if pk not in self._instances:
            self._instances[pk] = self.model.objects.get(pk=pk)
        return self._instances[pk]

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value, quoted_text_allowed=False)
        if not text:
            return None
        obj = self.lookup(text, row)
        if obj is None:
            where = ", ".join(f"{column} {cell_text((row or {}).get(column))!r}" for column in self.scope.values())
            if where:
                raise ValueError(gettext("Unknown %(label)s %(value)s (%(where)s): add it first, or import its file "
                                         "before this one.")
                                 % {"label": self.label, "value": repr(text), "where": where})
            raise ValueError(gettext("Unknown %(label)s %(value)s: add it first, or import its file before this one.")
                             % {"label": self.label, "value": repr(text)})
        return obj

    def render(self, value, obj=None, **kwargs):
        rendered = super().render(value, **kwargs)
        return "" if rendered is None else str(rendered)


class RelatedSetField(fields.Field):
    """A column listing rows related to this one, e.g. a chart's receivable accounts "1210; 1211".

    Subclasses say how to ``read`` the set from the database, ``parse`` it from a cell and
    ``write`` it; ``PortalResource`` applies the parsed set after the row itself is saved.
    """

    def __init__(self, column_name, **kwargs):
        super().__init__(attribute=None, column_name=column_name, widget=TextWidget(), **kwargs)

    def read(self, instance) -> frozenset:
        raise NotImplementedError

    def parse(self, value, row, instance) -> frozenset:
        raise NotImplementedError

    def write(self, instance, value: frozenset) -> None:
        raise NotImplementedError

    def render_item(self, item) -> str:
        return str(item)

    def get_value(self, instance):
        if instance is None or not instance.pk:
            return frozenset()
        known = getattr(instance, "_saved_related_sets", {})
        # Once the row is saved the database holds what the file said: no need to ask it again.
        return known[self.column_name] if self.column_name in known else self.read(instance)

    def export(self, instance, **kwargs):
        return f"{LIST_SEPARATOR} ".join(sorted(self.render_item(item) for item in self.get_value(instance)))


# --- Resources ------------------------------------------------------------------------------------


class NaturalKeyInstanceLoader(ModelInstanceLoader):
    """Finds the existing rows named by the file's single key column in a few queries, not one per row."""

    CHUNK = 500

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        (name,) = resource.get_import_id_fields()
        self.field = resource.fields[name]
        self.instances = {}
        self.repeats = {}  # row number -> the earlier row with the same key
        if dataset is None or not dataset.headers or self.field.column_name not in dataset.headers:
            return
        first_rows = {}
        for number, value in enumerate(dataset[self.field.column_name], 1):
            try:
                key = self.field.clean({self.field.column_name: value})
            except ValueError:
                continue  # the row itself reports the bad key
            if key in ("", None):
                continue
            if key in first_rows:
                self.repeats[number] = first_rows[key]
            else:
                first_rows[key] = number
        keys = sorted(first_rows, key=str)
        for start in range(0, len(keys), self.CHUNK):
            chunk = keys[start:start + self.CHUNK]
            for instance in self.get_queryset().filter(**{f"{self.field.attribute}__in": chunk}):
                self.instances[self.field.get_value(instance)] = instance

    def get_instance(self, row):
        return self.instances.get(self.field.clean(row))


def _problems(row_result) -> list[str]:
    """ "column: what is wrong" for every problem of a failed row."""
    if row_result.validation_error is not None:
        try:
            by_key = row_result.validation_error.message_dict
        except AttributeError:
            by_key = {NON_FIELD_ERRORS: row_result.validation_error.messages}
        return [f"{'row' if key == NON_FIELD_ERRORS else key}: {message}"
                for key, messages_ in by_key.items() for message in messages_]
    return [f"row: {error.error}" for error in row_result.errors]


def one_default_problem(instance) -> dict[str, str]:
    """For models with one default row: ticking is_default while another row is the default."""
    if not instance.is_default:
        return {}
    other = type(instance).objects.filter(is_default=True).exclude(pk=instance.pk).first()
    if other is None:
        return {}
    return {"is_default": f"{other} is the default already: there is one default, so untick it in an "
                          f"earlier row of this file (or in the admin) first."}


class PortalResource(resources.ModelResource):
    """Base of every resource: our widgets, checks before saving, errors named by column."""

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "CharField": TextWidget,
        "TextField": TextWidget,
        "DecimalField": DecimalWidget,
        "DateField": DateWidget,
        "BooleanField": BooleanWidget,
        **{name: IntegerWidget for name in ("IntegerField", "PositiveIntegerField", "BigIntegerField",
                                            "PositiveBigIntegerField", "PositiveSmallIntegerField",
                                            "SmallIntegerField")},
    }

    # Relations the resource itself creates just before saving the row (an invoice for its lines).
    saved_with_the_row: tuple[str, ...] = ()

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._meta = copy.copy(self._meta)  # per import: the HTML diff is switched off row by row
        self._html_diff_skipped = False
        self._row_number = self._loader = None
        self._related_sets = {f.column_name: f for f in self.fields.values() if isinstance(f, RelatedSetField)}
        self._import_fields = None
        self.on_row = None  # called with each row's number: a background import reports its progress

    @classmethod
    def get_fk_widget(cls, field):
        # A related row must be named by its natural key (KeyWidget), never by a database id.
        raise ImproperlyConfigured(f"{cls.__name__}: declare {field.name} with a KeyWidget.")

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if getattr(f, "choices", None) and not f.is_relation:
            return functools.partial(ChoiceWidget, choices=f.choices)
        return super().widget_from_django_field(f, default=default)

    # Export: text cells are neutralised, numbers stay numbers (a negative amount is not a formula).
    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        numeric = isinstance(field.widget, (widgets.NumberWidget, widgets.DateWidget, widgets.BooleanWidget))
        if isinstance(value, str) and not numeric:
            return neutralise(value)
        return value

    # Import.
    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        # All rows or none: a row that fails validation rolls back the whole file, also on confirm
        # (the data may have changed since the preview).
        self._html_diff_skipped = not dry_run or self.__class__._meta.skip_html_diff
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors,
                                   use_transactions=use_transactions, collect_failed_rows=collect_failed_rows,
                                   rollback_on_validation_errors=True, **kwargs)

    def get_import_fields(self):
        # Asked for several times per row, and the answer never changes during an import.
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            # A key cell that names nothing: the row becomes new and its own check names the column.
            return None

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        pending = {}
        for column, field in self._related_sets.items():
            if field.readonly or column not in row:
                continue
            try:
                pending[column] = field.parse(row[column], row, instance)
            except ValueError as exc:
                errors[column] = [ValidationError(str(exc))]
        instance._pending_related_sets = pending
        instance._created_by_import = instance.pk is None
        earlier = getattr(self._loader, "repeats", {}).get(self._row_number)
        if earlier:
            key_column = self.fields[self.get_import_id_fields()[0]].column_name
            errors[key_column] = [ValidationError(
                gettext("Row %(earlier)s has the same %(column)s: name each row once in a file.")
                % {"earlier": earlier, "column": key_column})]
        for key, message in self.check_row(instance, row, errors).items():
            errors.setdefault(key, []).append(ValidationError(message))
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, row, errors) -> dict[str, str]:
        """Rules of the import beyond the model's own validation: {column or field: message}."""
        return {}

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        return all(self._related_sets[column].get_value(original) == value
                   for column, value in getattr(instance, "_pending_related_sets", {}).items())

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's validation, minus a second database check of rows the key widgets just found."""
        errors = dict(import_validation_errors or {})
        key_fields = set()
        for field in self.get_import_fields():
            if isinstance(field.widget, KeyWidget) and field.attribute and not field.readonly:
                key_fields.add(field.attribute)
                model_field = instance._meta.get_field(field.attribute)
                if (field.attribute not in errors and not model_field.blank
                        and getattr(instance, model_field.attname) is None):
                    errors[field.attribute] = [ValidationError(gettext("Enter the %(label)s.")
                                                               % {"label": field.widget.label})]
        try:
            instance.clean_fields(exclude=set(errors) | key_fields | set(self.saved_with_the_row))
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if not key_fields & set(errors):  # clean() may follow a relation the row failed to name
            try:
                instance.clean()
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if validate_unique:
            # The loader looked up every key of the file and reports repeats: no query per row for it.
            looked_up = ({self.fields[name].attribute for name in self.get_import_id_fields()}
                         if isinstance(self._loader, NaturalKeyInstanceLoader) else set())
            try:
                instance.validate_unique(exclude=set(errors) | looked_up)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
            try:
                instance.validate_constraints(exclude=set(errors))
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(self._by_column(errors))

    def _by_column(self, errors: dict) -> dict:
        columns = {field.attribute: field.column_name for field in self.fields.values() if field.attribute}
        by_column = {}
        for key, value in errors.items():
            by_column.setdefault(columns.get(key, key), []).extend(value)
        return by_column

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        if instance.pk is None:
            return
        pending = getattr(instance, "_pending_related_sets", {})
        for column, value in pending.items():
            self._related_sets[column].write(instance, value)
        # A row this import created has nothing in the columns the file left out.
        created = getattr(instance, "_created_by_import", False)
        instance._saved_related_sets = {**dict.fromkeys(self._related_sets if created else (), frozenset()),
                                        **pending}

    def import_row(self, row, instance_loader, **kwargs):
        # The HTML diff is only ever shown for the preview's first rows; the rest would cost time and
        # memory for nothing (about 20 000 rows of customers is a normal file).
        self._meta.skip_html_diff = self._html_diff_skipped or kwargs.get("row_number", 0) > PREVIEW_ROWS
        self._row_number, self._loader = kwargs.get("row_number"), instance_loader
        row_result = super().import_row(row, instance_loader, **kwargs)
        row_result.number = kwargs.get("row_number")
        if row_result.import_type in (RowResult.IMPORT_TYPE_ERROR, RowResult.IMPORT_TYPE_INVALID):
            # Only failed rows keep their cells: enough for the preview and the "fix these rows" file.
            row_result.cells = dict(row)
            row_result.problems = _problems(row_result)
        if self.on_row is not None:
            self.on_row(row_result.number)
        return row_result


# --- Formats --------------------------------------------------------------------------------------


def _clean_headers(dataset: tablib.Dataset) -> tablib.Dataset:
    if dataset.headers:
        dataset.headers = ["" if h is None else str(h).strip() for h in dataset.headers]
    return dataset


class CSV(base_formats.CSV):
    """CSV with ',' or ';' between cells: Excel writes ';' where the comma is the decimal mark."""

    def create_dataset(self, in_stream):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        in_stream = in_stream.removeprefix("\ufeff")
        header = in_stream.split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=header.count)
        return _clean_headers(tablib.import_set(in_stream, format="csv", delimiter=delimiter))

    def count_rows(self, data: bytes) -> int:
        """How many data rows the file has, without building the dataset (to choose the background import)."""
        text = data.decode(self.encoding or "utf-8-sig").removeprefix("\ufeff")
        delimiter = max((",", ";", "\t"), key=text.split("\n", 1)[0].count)
        return max(sum(1 for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)) - 1, 0)


class XLSX(base_formats.XLSX):
    """The first sheet, cells as typed: a formula arrives as its text (and is refused), not its result."""

    def create_dataset(self, in_stream):
        import openpyxl

        book = openpyxl.load_workbook(BytesIO(in_stream), read_only=True, data_only=False)
        try:
            rows = book.active.iter_rows(values_only=True)
            dataset = tablib.Dataset()
            dataset.headers = list(next(rows, ()))
            for values in rows:
                if any(value not in (None, "") for value in values):
                    dataset.append(list(values) + [None] * (len(dataset.headers) - len(values)))
        finally:
            book.close()
        return _clean_headers(dataset)

    def count_rows(self, data: bytes) -> int:
        """The first sheet's rows less the header, from the sheet's recorded size when it has one."""
        import openpyxl

        book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=False)
        try:
            sheet = book.active
            rows = sheet.max_row if sheet.max_row is not None else sum(1 for _ in sheet.iter_rows(values_only=True))
        finally:
            book.close()
        return max((rows or 0) - 1, 0)


FORMATS = [CSV, XLSX]


# --- Temporary files between preview and confirm --------------------------------------------------


IMPORT_FILE_NAME = re.compile(r"(failed-)?[0-9a-f]{32}(\.csv|\.xlsx)?")


class SharedTempStorage(MediaStorage):
    """The uploaded file between preview and confirm, kept in ``IMPORT_TMP_ROOT``.

    The confirm request may reach another web process (or container) than the preview did, so the
    file must sit in a folder they all share; the library's default, the process-local /tmp, fails
    there with FileNotFoundError. Files are private to the server and purged after a day.
    """

    MAX_AGE_SECONDS = 24 * 3600

    def __init__(self, **kwargs):
        kwargs.setdefault("MEDIA_FOLDER", None)
        super().__init__(**kwargs)
        if self.name is not None and not IMPORT_FILE_NAME.fullmatch(self.name):
            raise SuspiciousFileOperation(f"{self.name!r} is not an import file name.")

    def _configure_storage(self):
        self._storage = FileSystemStorage(location=str(settings.IMPORT_TMP_ROOT), file_permissions_mode=0o600,
                                          directory_permissions_mode=0o700)

    def save(self, data):
        self.purge_stale()
        super().save(data)

    def purge_stale(self) -> None:
        """Files of previews nobody confirmed. Cheap: a handful of files at any time."""
        root = self._storage.location
        if not os.path.isdir(root):
            return
        limit = time.time() - self.MAX_AGE_SECONDS
        for entry in os.scandir(root):
            if entry.is_file() and IMPORT_FILE_NAME.fullmatch(entry.name) and entry.stat().st_mtime < limit:
                with contextlib.suppress(FileNotFoundError):  # another process purged it first
                    os.remove(entry.path)


# --- Admin ----------------------------------------------------------------------------------------


def preview_rows(result, limit: int) -> tuple[list[dict], int]:
    """Every row of the file with its outcome, failed rows always, others up to ``limit``.

    Returns the rows for the table and how many ok rows were left out (they are in the totals).
    """
    labels = {RowResult.IMPORT_TYPE_NEW: gettext("New"), RowResult.IMPORT_TYPE_UPDATE: gettext("Update"),
              RowResult.IMPORT_TYPE_SKIP: gettext("Skip"), RowResult.IMPORT_TYPE_DELETE: gettext("Delete")}
    shown, hidden = [], 0
    for index, row_result in enumerate(result.rows, 1):
        number = getattr(row_result, "number", None) or index
        problems = getattr(row_result, "problems", None)
        if problems:
            shown.append({"number": number, "status": "error", "label": gettext("Error"), "problems": problems,
                          "cells": [row_result.cells.get(h, "") for h in result.diff_headers]})
            continue
        if number > limit:
            hidden += 1
            continue
        shown.append({"number": number, "status": row_result.import_type,
                      "label": labels.get(row_result.import_type, row_result.import_type),
                      "problems": [], "cells": row_result.diff or []})
    return shown, hidden


def failed_rows_dataset(result) -> tablib.Dataset | None:
    """The failed rows as the file had them, plus their row number and what is wrong, to fix and upload."""
    failed = [r for r in result.rows if getattr(r, "problems", None)]
    if not failed:
        return None
    headers = list(failed[0].cells)
    dataset = tablib.Dataset(headers=[*headers, "import row", "import errors"])
    for row_result in failed:
        values = [row_result.cells.get(h) for h in headers]
        values += [row_result.number, "\n".join(row_result.problems)]
        dataset.append([neutralise(v) if isinstance(v, str) else v for v in values])
    return dataset
