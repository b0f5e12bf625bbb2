"""The objects a URL walk visits pages about, made through the services."""

from dataclasses import dataclass, field


@dataclass
class World:
    """Users by role and objects by name; `world.listing` reads `world.objects["listing"]`."""

    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None
