"""Factories of counted facts stand in for the services that write them: they keep the rollups exact too."""

from teams.facts import facts_write


class CountedFactory:
    """Mixed into the factories of the models ``performance/rollups.py`` counts (before DjangoModelFactory)."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with facts_write(model_class) as write:
            obj = super()._create(model_class, *args, **kwargs)
            write.add(obj.pk)
        return obj
