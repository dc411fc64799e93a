# expect: F007
class Slotted:
    __slots__ = ("a",)

    def __index__(self):
        return 1


class Meta(type):
    pass


class WithMeta(metaclass=Meta):
    pass


def rule(event):
    return [1, 2][Slotted()] == 2
