from .views import initiative_crud, release_crud, theme_crud

app_name = "roadmap"
urlpatterns = [*theme_crud.urls(), *release_crud.urls(), *initiative_crud.urls()]
