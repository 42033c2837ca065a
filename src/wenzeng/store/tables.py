"""The store's tables (SQLAlchemy Core). Only ``wenzeng.store`` imports SQLAlchemy.

Observations are append-only: a revision is a new row with a later
``vintage`` (the date the figure became known); nothing is updated or
deleted.  The value known on any date is the row with the latest vintage
not after that date (ALFRED's real-time period, closed at both ends).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Where a set of observations came from: a publication, an imported file, a form submission.
source = Table(
    "source",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # published | import | submission | simulated
    Column("title", Text, nullable=False),
    Column("url", Text),
    UniqueConstraint("kind", "title", "url"),
)

# One load of data: the built-in set, the demo set, an imported file.
batch = Table(
    "batch",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # builtin | demo | import
    Column("file", Text),
    Column("sha256", String(64)),
    Column("rows", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64)),
    Column("note", Text),
)

# A series key: indicator × entity × measure × period type (SDMX's series key).
series = Table(
    "series",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("indicator", String(48), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("measure", String(16), nullable=False),
    Column("period_type", String(16), nullable=False),
    UniqueConstraint("indicator", "entity", "measure", "period_type"),
    Index("ix_series_entity", "entity"),
)

observation = Table(
    "observation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("series_id", Integer, ForeignKey("series.id"), nullable=False),
    Column(
        "period", String(12), nullable=False
    ),  # canonical code: 2024, 2024-Q3, 2024-09, 2024-01~09
    Column("vintage", Date, nullable=False),  # when the value became known
    Column("value", Float, nullable=False),  # in the indicator's canonical unit
    # '' exact, '>' at least (超过/突破), '<' at most, '~' approximately (约)
    Column("qualifier", String(1), nullable=False, default=""),
    Column("published_value", String(32)),  # as written in the source
    Column("published_unit", String(16)),
    Column("source_id", Integer, ForeignKey("source.id"), nullable=False),
    Column("batch_id", Integer, ForeignKey("batch.id"), nullable=False),
    Column("simulated", Boolean, nullable=False, default=False),
    Column("note", Text),
    Index("ix_observation_key", "series_id", "period", "vintage"),
)

# Entities that live in the store rather than the catalogue files: key enterprises.
entity = Table(
    "entity",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("name_zh", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("region", String(40)),  # GB/T 2260 code
    Column("sector", String(8)),  # GB/T 4754 code
    Column("chain_position", String(16)),  # upstream | midstream | downstream
    Column("attributes", JSON),
    Column("simulated", Boolean, nullable=False, default=False),
    Index("ix_entity_region", "region"),
)

# Supplier links of the key enterprise and supply-chain lists (重点电子整机及上游供应链企业名单).
supply_link = Table(
    "supply_link",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("buyer", String(40), ForeignKey("entity.code"), nullable=False),
    Column("supplier", String(40), ForeignKey("entity.code"), nullable=False),
    Column("product", Text),
    Column("simulated", Boolean, nullable=False, default=False),
    UniqueConstraint("buyer", "supplier", "product"),
)

plan = Table(
    "plan",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("title_zh", Text, nullable=False),
    Column("title_en", Text, nullable=False),
    Column("document", Text, nullable=False),  # the plan file's text
    Column("file", Text),
    Column("builtin", Boolean, nullable=False, default=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text),
)
