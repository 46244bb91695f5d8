from django.apps import AppConfig


class AssociationConfig(AppConfig):
    name = "apps.association"
    label = "association"
