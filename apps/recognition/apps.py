from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "apps.recognition"
    label = "recognition"

    def ready(self) -> None:
        # Registers the roll-ups of the titles as metrics (recognition.share.<title>,
        # recognition.recognised.<title>); the metrics app's autodiscovery imports the same module.
        from apps.recognition import metrics  # noqa: F401
