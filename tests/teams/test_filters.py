"""Every yes/no filter of every list offers 全部 first (an empty choice reading 未知 looked like a value)."""

import django_filters
import pytest
from django.utils import translation

import clients.filters  # noqa: F401 (the FilterSets register as subclasses on import)
import complaints.filters  # noqa: F401
import meetings.selectors  # noqa: F401
import meetings.training  # noqa: F401
import performance.filters  # noqa: F401
import projects.filters  # noqa: F401
import reception.filters  # noqa: F401


def _filtersets(cls=django_filters.FilterSet):
    for sub in cls.__subclasses__():
        yield sub
        yield from _filtersets(sub)


BOOLEAN_FILTERS = [
    (f"{fs.__module__}.{fs.__name__}.{name}", f)
    for fs in _filtersets()
    for name, f in fs.base_filters.items()
    if isinstance(f, django_filters.BooleanFilter)
]


def test_there_are_yes_no_filters_to_check():
    assert len(BOOLEAN_FILTERS) >= 2


@pytest.mark.parametrize(("name", "boolean_filter"), BOOLEAN_FILTERS, ids=[n for n, _ in BOOLEAN_FILTERS])
def test_the_empty_choice_reads_all(name, boolean_filter):
    with translation.override("zh-hans"):
        html = boolean_filter.field.widget.render("f", None)
    assert '<option value="" selected>全部</option>' in html, name
    assert "未知" not in html


ORDERINGS = [
    (f"{fs.__module__}.{fs.__name__}", f)
    for fs in _filtersets()
    for f in fs.base_filters.values()
    if isinstance(f, django_filters.OrderingFilter)
]


@pytest.mark.parametrize(("name", "ordering"), ORDERINGS, ids=[n for n, _ in ORDERINGS])
def test_sort_choices_are_in_the_readers_language(name, ordering):
    with translation.override("en"):
        english = [str(label) for _, label in ordering.field.choices if _]
    with translation.override("zh-hans"):
        chinese = [str(label) for _, label in ordering.field.choices if _]
    assert any("(descending)" in label for label in english), name
    assert not any("降序" in label for label in english), english
    assert any("（降序）" in label for label in chinese), chinese
    # A field without its own label reads as a word ("Date" / "日期"), never as the raw parameter ("date").
    params = {value.lstrip("-") for value, _ in ordering.field.choices if value}
    assert not params & set(chinese), chinese
