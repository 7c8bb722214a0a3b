"""Model fields that store identifiers in their one canonical spelling: a country typed "ee" is stored as
"EE", a VAT number typed "ee 100 247 019" as "EE100247019". Forms, the admin and imports all go through
the field, so the normalisation happens wherever the value is entered.

Migrations see plain CharFields (deconstruct): the normalisation is behaviour, not schema, and needs none.
"""
from django import forms
from django.db import models

from . import validators


class CountryCodeFormField(forms.CharField):
    def to_python(self, value):
        return validators.normalise_country_code(super().to_python(value))


class VatNumberFormField(forms.CharField):
    def to_python(self, value):
        return validators.normalise_vat_number(super().to_python(value))


class _NormalisedCharField(models.CharField):
    form_class: type[forms.CharField]

    def normalise(self, value: str) -> str:
        raise NotImplementedError

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalise(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": self.form_class, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class CountryCodeField(_NormalisedCharField):
    """An ISO 3166 alpha-2 country code, stored upper case (pass validators=[validate_country_code])."""

    form_class = CountryCodeFormField

    def normalise(self, value: str) -> str:
        return validators.normalise_country_code(value)


class VatNumberField(_NormalisedCharField):
    """An EU VAT registration number, stored compact and upper case (pass validators=[validate_vat_number])."""

    form_class = VatNumberFormField

    def normalise(self, value: str) -> str:
        return validators.normalise_vat_number(value)
