"""The "default" flag of models that must have exactly one default row.

InvoiceExportSetting and AccountCodingChart carry an ``is_default`` flag. The database allows at
most one flagged row (a conditional unique constraint), so switching the default means unsetting the
old one and setting the new one in the same transaction, in that order.
"""
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext


def _check_has_default_flag(instance: models.Model) -> None:
    if not any(field.name == "is_default" for field in instance._meta.concrete_fields):
        raise TypeError(f"{type(instance).__name__} has no is_default flag.")


def _lock_defaults(model: type[models.Model]):
    """The current default rows, locked until the transaction ends.

    Locking makes two concurrent "make default" calls run one after the other instead of both
    unsetting and then colliding on the constraint.
    """
    locked_pks = list(model._default_manager.select_for_update().filter(is_default=True)
                      .values_list("pk", flat=True))
    return model._default_manager.filter(pk__in=locked_pks)


@transaction.atomic
def make_default(instance: models.Model) -> models.Model:
    """Make ``instance`` the only default of its model. Saves it (creating it if new)."""
    _check_has_default_flag(instance)
    model = type(instance)
    others = _lock_defaults(model)
    if instance.pk is not None:
        others = others.exclude(pk=instance.pk)
    others.update(is_default=False)
    instance.is_default = True
    if instance.pk is None:
        instance.save()
    else:
        instance.save(update_fields=["is_default"])
    return instance


@transaction.atomic
def save_keeping_one_default(instance: models.Model) -> models.Model:
    """Save ``instance`` (all fields), keeping exactly one default.

    Ticked default: the previous default is unset first. Unticked: refused when this row is the
    current default, because there would be none left. The very first row of a model becomes the
    default whatever was ticked, so a default always exists once any row does.
    """
    _check_has_default_flag(instance)
    model = type(instance)
    others = _lock_defaults(model)
    if instance.pk is not None:
        others = others.exclude(pk=instance.pk)
        was_default = model._default_manager.filter(pk=instance.pk, is_default=True).exists()
    else:
        was_default = False
    if instance.is_default:
        others.update(is_default=False)
    elif was_default:
        raise ValidationError(default_removal_message(instance))
    elif not others.exists():
        instance.is_default = True
    instance.save()
    return instance


def default_removal_message(instance: models.Model) -> str:
    verbose = instance._meta.verbose_name
    return (gettext("%(object)s is the default %(model)s; there must always be one. Make another %(model)s the "
                    "default instead (action \"%(action)s\").")
            % {"object": instance, "model": verbose, "action": gettext("Make default")})


def can_delete_default(instance: models.Model) -> bool:
    """The default row may be deleted only when it is the last row of its model."""
    if not getattr(instance, "is_default", False):
        return True
    return not type(instance)._default_manager.exclude(pk=instance.pk).exists()
