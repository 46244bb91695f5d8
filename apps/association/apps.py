from django.apps import AppConfig


class AssociationConfig(AppConfig):
    name = "apps.association"
    label = "association"

    def ready(self) -> None:
        # Registers the association's metrics; the metrics app's autodiscovery imports the
        # same module, which registers them once.
        from apps.association import metrics  # noqa: F401
