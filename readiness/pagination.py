from functools import partial

from django.core.paginator import Paginator
from rest_framework.pagination import CursorPagination, PageNumberPagination


class Pagination(PageNumberPagination):
    """Page-number pagination; clients may ask for up to 500 rows a page."""

    page_size_query_param = "page_size"
    max_page_size = 500


class CountedPaginator(Paginator):
    """A paginator told how many rows there are, where a kept count answers that
    faster than ``COUNT(*)``: a county's person files are some 200 thousand rows,
    counted in 50 ms on every page, while the per-school counts hold the number."""

    def __init__(self, object_list, per_page, *, count: int | None = None, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count is a cached property


class CountedPagination(Pagination):
    """Pagination of a view that may know its count: ``view.known_count()`` returns
    the number of rows, or None to have them counted."""

    def paginate_queryset(self, queryset, request, view=None):
        count = view.known_count() if view is not None else None
        self.django_paginator_class = partial(CountedPaginator, count=count)
        return super().paginate_queryset(queryset, request, view)


class NewestFirstPagination(CursorPagination):
    """A page follows from the one before it, newest row first (by id), and the rows
    are never counted: for a table that grows without end (the classes' health
    checks, twenty million rows a semester), where ``COUNT(*)`` and an ``OFFSET``
    deep into it cost the whole table on every page. ``next`` and ``previous`` are
    the links to follow; a row written meanwhile never shifts a page."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 500
