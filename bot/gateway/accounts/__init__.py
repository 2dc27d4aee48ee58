"""Staff accounts: the store, password hashing, and the operators' CLI (`__main__.py`)."""

from .store import ROLES, Account, AccountError, AccountStore

__all__ = ["ROLES", "Account", "AccountError", "AccountStore"]
