app_name = "customfields"
urlpatterns: list = []
