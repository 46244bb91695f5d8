from django.apps import AppConfig


class FundConfig(AppConfig):
    name = "apps.fund"
    label = "fund"
