"""Server-rendered pages for people: login, reporting and review."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
