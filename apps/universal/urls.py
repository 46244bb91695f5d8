app_name = "universal"
urlpatterns: list = []
