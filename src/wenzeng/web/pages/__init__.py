"""Server-rendered pages for people, one module a page or family of pages.

Each page calls the same services as the API; the services and :mod:`wenzeng.auth.policy`
decide who may see and do what.  A page builds one context and answers it as the format
its URL asks for (:mod:`wenzeng.web.pages.formats`): HTML, and its data twins — JSON, and
CSV or Excel where the page is a table.
"""

from fastapi import APIRouter

from wenzeng.web.pages import (
    catalog,
    compare,
    enterprises,
    explorer,
    home,
    jobs,
    login,
    regions,
    reporting,
    reports,
    review,
    search,
    targets,
    tracker,
    warnings,
)

ROUTERS: tuple[APIRouter, ...] = (
    home.router,
    login.router,
    reporting.router,
    review.router,
    targets.router,
    warnings.router,
    explorer.router,
    regions.router,
    enterprises.router,
    tracker.router,
    reports.router,
    jobs.router,
    catalog.router,
    search.router,
    compare.router,
)
