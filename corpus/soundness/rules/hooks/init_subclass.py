from sound_probe import probe

PLUGINS = {}


class Plugin:
    def __init_subclass__(cls, key=None, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.key = key or cls.__name__.lower()
        PLUGINS[cls.key] = cls.__name__


class Alpha(Plugin):
    pass


class Beta(Plugin, key="b"):
    pass


class Gamma(Beta):
    pass


def bad_kwarg():
    class Delta(Plugin, unknown=1):
        pass

    return Delta


def plain_kwarg():
    class Epsilon(key=1):
        pass

    return Epsilon


def rule(event):
    return True


def alert_context(event):
    return {
        "plugins": probe(lambda: PLUGINS),
        "keys": probe(lambda: (Alpha.key, Beta.key, Gamma.key)),
        "bad_kwarg": probe(bad_kwarg),
        "plain_kwarg": probe(plain_kwarg),
    }
