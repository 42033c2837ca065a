"""The store: the only package that speaks SQL (SQLAlchemy Core).

Services receive a :class:`Connection` from the context's unit of work and pass it to the
repository functions of this package; they never build statements themselves.
"""

from sqlalchemy import Connection, Engine

__all__ = ["Connection", "Engine"]
