"""Form widgets and form helpers shared by the admin screens."""
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounting.services.defaults import default_removal_message

from .params import MAX_ID


def lower_first(label: str) -> str:
    """ "Client key" reads "client key" inside a sentence; "API token" stays as it is."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


@dataclass(frozen=True)
class SecretInput:
    """What the user did with a write-only secret: typed a new value, asked to clear it, or neither."""

    new_value: str = ""
    clear: bool = False

    @property
    def changes_anything(self) -> bool:
        return bool(self.new_value) or self.clear


class WriteOnlySecretWidget(forms.Widget):
    """A password input that never renders the stored secret, not even in the HTML source.

    Beside the input it says whether a value is stored ("set on <date>" or "not set") and offers a
    "clear" checkbox. Leaving the input blank keeps the stored value. The form sets ``is_set`` and
    ``set_at`` from the instance; the widget itself never sees the secret. When the form could not be
    saved and kept what was typed (portal.secrets.KeptSecrets), ``kept`` makes it say so.
    """

    clear_suffix = "_clear"

    def __init__(self, attrs=None, *, is_set: bool = False, set_at: datetime | None = None):
        base = {"autocomplete": "new-password", "spellcheck": "false"}
        super().__init__({**base, **(attrs or {})})
        self.is_set = is_set
        self.set_at = set_at
        self.kept = False
        self.label = ""

    def clear_name(self, name: str) -> str:
        return f"{name}{self.clear_suffix}"

    def status_text(self) -> str:
        if not self.is_set:
            return gettext("not set")
        if self.set_at is None:
            return gettext("set")
        return gettext("set on %(date)s") % {"date": formats.date_format(timezone.localtime(self.set_at),
                                                                          "DATETIME_FORMAT")}

    def format_value(self, value):
        # Whatever the form hands us (the stored secret, or what was typed into a form that failed
        # validation) is never sent back to the browser.
        return None

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        input_id = final_attrs.get("id") or f"id_{name}"
        final_attrs["id"] = input_id
        clear_id = f"{input_id}{self.clear_suffix}"
        extra_attrs = flatatt({key: value for key, value in final_attrs.items()
                               if key not in ("id", "name", "type", "value")})
        status_class = "secret-set" if self.is_set else "secret-not-set"
        kept_note = ""
        if self.kept:
            kept_note = format_html(
                ' <span class="secret-kept" id="{}_kept">{}</span>', input_id,
                gettext("The %(field)s you typed is kept; leave the field empty to keep it.")
                % {"field": self.label or gettext("value")})
        clear_control = ""
        if self.is_set:
            clear_control = format_html(
                ' <label for="{}" class="vCheckboxLabel secret-clear">'
                '<input type="checkbox" name="{}" id="{}"> {}</label>',
                clear_id, self.clear_name(name), clear_id, gettext("clear"),
            )
        return format_html(
            '<input type="password" name="{}" id="{}"{}>'
            ' <span class="secret-status {}">{}</span>{}{}',
            name, input_id, extra_attrs, status_class, self.status_text(), clear_control, kept_note,
        )

    def value_from_datadict(self, data, files, name):
        return SecretInput(new_value=(data.get(name) or "").strip(), clear=self.clear_name(name) in data)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and self.clear_name(name) not in data


class WriteOnlySecretField(forms.Field):
    """Form field for a write-only secret; its cleaned value is a SecretInput."""

    widget = WriteOnlySecretWidget

    def __init__(self, *, is_set: bool = False, set_at: datetime | None = None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.is_set = is_set
        self.widget.set_at = set_at
        self.widget.label = lower_first(str(self.label or ""))

    def to_python(self, value):
        if isinstance(value, SecretInput):
            return value
        return SecretInput(new_value=(value or "").strip())

    def validate(self, value):
        if value.new_value and value.clear:
            raise forms.ValidationError(_("Either type a new value or tick clear, not both."),
                                        code="secret_conflict")

    def has_changed(self, initial, data):
        return self.to_python(data).changes_anything

    def bound_data(self, data, initial):
        return data


class OneDefaultFormMixin:
    """ModelForm mixin for models with an ``is_default`` flag of which exactly one row is the default.

    The conditional unique constraint on ``is_default`` is left out of form validation: ticking
    default on a new row is allowed, and the save service (accounting.services.defaults) unsets the
    previous default in the same transaction. Unticking the current default is refused here, with
    the same message the service would raise.
    """

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        exclusions.add("is_default")
        return exclusions

    def clean(self):
        cleaned_data = super().clean()
        instance = self.instance
        if ("is_default" in self.fields and instance.pk is not None and not cleaned_data.get("is_default")
                and type(instance)._default_manager.filter(pk=instance.pk, is_default=True).exists()):
            self.add_error("is_default", default_removal_message(instance))
        return cleaned_data


class _OnlyStorableChoices:
    """An autocomplete widget that renders only the posted values its related key can hold: the admin's
    own widget queries the database with whatever was posted (" ", "abc", a 30-digit number) to show the
    chosen row, which fails before the form can show its "Select a valid choice" error."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if self._storable(v)], attr)

    def _storable(self, value) -> bool:
        remote = self.field.remote_field
        key = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        try:
            cleaned = key.to_python(value)
        except (TypeError, ValueError, ValidationError):
            return False
        return not isinstance(cleaned, int) or abs(cleaned) <= MAX_ID


class StorableAutocompleteSelect(_OnlyStorableChoices, AutocompleteSelect):
    pass


class StorableAutocompleteSelectMultiple(_OnlyStorableChoices, AutocompleteSelectMultiple):
    pass
