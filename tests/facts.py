"""Factories of counted facts stand in for the services that write them: they keep the rollups exact too."""

from contextlib import ExitStack

from teams.facts import facts_write

# Rows whose counted facts a new row changes too (a contract: its lead's "signed within N days"; an
# inspection: which of its phase's is first).
COUNTED_PARENTS = {"clients.Contract": ("client",), "projects.Inspection": ("phase",)}


class CountedFactory:
    """Mixed into the factories of the models ``performance/rollups.py`` counts (before DjangoModelFactory)."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with ExitStack() as stack:
            for name in COUNTED_PARENTS.get(model_class._meta.label, ()):
                parent = kwargs.get(name)
                if parent is not None:
                    stack.enter_context(facts_write(type(parent), parent.pk))
            write = stack.enter_context(facts_write(model_class))
            obj = super()._create(model_class, *args, **kwargs)
            write.add(obj.pk)
        return obj
