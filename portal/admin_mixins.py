"""Admin building blocks shared by the apps."""


class ReadOnlyAdminMixin:
    """Rows made by a service (not typed in): visible to whoever may view them, editable by nobody."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
