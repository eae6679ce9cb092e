from .views import field_crud

app_name = "customfields"
urlpatterns = [*field_crud.urls()]
