from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "apps.metrics"
    label = "metrics"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from apps.metrics import services

        # Every app's ``metrics`` module registers its metrics (apps/universal/metrics.py:
        # the PCGD–XMC indicators), so that the registry is complete in every process:
        # web, worker and commands alike.
        autodiscover_modules("metrics")
        services.connect_signals()
