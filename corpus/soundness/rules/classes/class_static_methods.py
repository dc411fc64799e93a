from sound_probe import probe


class Shape:
    sides = 0

    def __init__(self, size):
        self.size = size

    @classmethod
    def unit(cls):
        return cls(1)

    @classmethod
    def describe(cls, prefix):
        return f"{prefix}{cls.__name__}:{cls.sides}"

    @staticmethod
    def area_of(size, sides):
        return size * sides

    def area(self):
        return self.area_of(self.size, self.sides)

    def plain():
        return "no self"


class Square(Shape):
    sides = 4


def rule(event):
    return True


def alert_context(event):
    n = event.get("n")
    sq = Square(n)
    return {
        "unit": probe(lambda: (type(Square.unit()).__name__, Square.unit().size)),
        "describe_class": probe(Square.describe, "#"),
        "describe_instance": probe(sq.describe, "@"),
        "static_class": probe(Shape.area_of, n, 3),
        "static_instance": probe(sq.area_of, 2, 5),
        "area": probe(sq.area),
        "plain_on_class": probe(Shape.plain),
        "plain_on_instance": probe(lambda: sq.plain()),
        "unbound": probe(lambda: Square.area(sq)),
        "unbound_missing": probe(lambda: Square.area()),
        "bound_eq": probe(lambda: (sq.area == sq.area, sq.area is sq.area, Square.describe == Square.describe)),
        "staticmethod_callable": probe(lambda: staticmethod(len)("abc")),
    }
