from django.apps import AppConfig


class UniversalConfig(AppConfig):
    name = "apps.universal"
    label = "universal"
