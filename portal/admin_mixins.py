"""Admin building blocks shared by the apps."""
from .widgets import StorableAutocompleteSelect, StorableAutocompleteSelectMultiple


class ReadOnlyAdminMixin:
    """Rows made by a service (not typed in): visible to whoever may view them, editable by nobody."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StorableAutocompleteMixin:
    """Autocomplete fields (``autocomplete_fields``) whose widget survives a posted value that is no key
    at all: the form answers with its own error instead of failing to render (portal.widgets)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = StorableAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = StorableAutocompleteSelectMultiple(db_field, self.admin_site,
                                                                  using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
