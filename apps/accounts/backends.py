"""Holders of the system-administrator role have every permission of the admin site."""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend

from apps.accounts.scope import is_system_admin


class SystemAdminRoleBackend(BaseBackend):
    """Authenticates nobody; grants model permissions to system administrators.

    Roles are defined in ``apps.accounts.roles``, not in Django's groups, so that the
    one scoping function stays the only source of what a user may do.
    """

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        return bool(user_obj.is_active and user_obj.is_staff and is_system_admin(user_obj))

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return self.has_perm(user_obj, app_label)
