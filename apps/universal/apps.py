from django.apps import AppConfig


class UniversalConfig(AppConfig):
    name = "apps.universal"
    label = "universal"

    def ready(self) -> None:
        # Registers the PCGD–XMC indicators as metrics (pcgd.<indicator id>); the metrics
        # app's autodiscovery imports the same module, which registers them once.
        from apps.universal import metrics  # noqa: F401
