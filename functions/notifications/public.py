"""What other groups may use of the notifications group (the only module of it they import).

Other groups tell people things by emitting their own typed domain events (the catalog keys on them);
this module names the events notifications emits itself (its reminders).
"""
from __future__ import annotations

from functions.notifications.events import PasswordExpiring, SessionExpiring

__all__ = ["PasswordExpiring", "SessionExpiring"]
