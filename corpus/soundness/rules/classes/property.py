from sound_probe import probe


class Temperature:
    def __init__(self, celsius):
        self._c = celsius
        self.log = []

    @property
    def celsius(self):
        self.log.append("get")
        return self._c

    @celsius.setter
    def celsius(self, value):
        self.log.append("set")
        if value < -273:
            raise ValueError("below absolute zero")
        self._c = value

    @celsius.deleter
    def celsius(self):
        self.log.append("del")
        self._c = None

    @property
    def fahrenheit(self):
        return self._c * 9 / 5 + 32

    def _get_k(self):
        return self._c + 273

    kelvin = property(_get_k, doc="kelvin")


class Warmer(Temperature):
    @property
    def fahrenheit(self):
        return super().fahrenheit + 1


def set_celsius(t, v):
    t.celsius = v
    return t.celsius


def set_fahrenheit(t, v):
    t.fahrenheit = v


def delete_celsius(t):
    delattr(t, "celsius")
    Temperature.celsius.fdel(t)
    return (t.log, t._c)


def rule(event):
    return True


def alert_context(event):
    t = Temperature(event.get("n"))
    w = Warmer(event.get("n"))
    return {
        "get": probe(lambda: (t.celsius, t.fahrenheit, t.kelvin)),
        "set": probe(set_celsius, t, 30),
        "set_bad": probe(set_celsius, t, -300),
        "no_setter": probe(set_fahrenheit, t, 1),
        "log": probe(lambda: t.log),
        "subclass": probe(lambda: w.fahrenheit),
        "doc": probe(lambda: Temperature.kelvin.__doc__),
        "class_access": probe(lambda: type(Temperature.celsius).__name__),
        "fget": probe(lambda: Temperature.celsius.fget(t)),
        "delete": probe(delete_celsius, t),
        "delete_missing": probe(lambda: delattr(t, "fahrenheit")),
        "setattr": probe(lambda: (setattr(t, "celsius", 5), t.celsius)),
    }
